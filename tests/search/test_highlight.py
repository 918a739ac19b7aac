"""Highlighting on the 法律问答 page: escaped text, <mark> around matched words, lines kept."""

from portal.search.highlight import highlight


def test_matched_words_are_marked_and_adjacent_matches_merge():
    html = highlight("劳动争议仲裁不收费。", ("劳动争议", "仲裁", "收费"))
    assert html == "<mark>劳动争议仲裁</mark>不<mark>收费</mark>。"


def test_text_and_terms_are_escaped():
    html = highlight("a<b>&c\n第二行", ("<b>", "c"))
    assert "<b>" not in html.replace("<br>", "")
    assert html == "a<mark>&lt;b&gt;</mark>&amp;<mark>c</mark><br>第二行"


def test_a_term_cannot_inject_markup():
    html = highlight("条文<script>alert(1)</script>", ('<script>alert(1)</script>', '"onmouseover="x'))
    assert "<script>" not in html and "&lt;script&gt;" in html
