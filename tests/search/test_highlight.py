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


def test_a_term_is_matched_as_typed_not_as_a_pattern():
    """(一) typed with half-width brackets is those three characters: only they are marked, not
    every 一 in the article."""
    assert highlight("婚姻家庭编解释(一)第一条", ("(一)",)) == "婚姻家庭编解释<mark>(一)</mark>第一条"
    assert highlight("1+1=2，11", ("1+1",)) == "<mark>1+1</mark>=2，11"


def test_the_longer_of_two_overlapping_terms_is_marked_whole():
    assert highlight("信访人提出信访事项", ("信访", "信访人")) == "<mark>信访人</mark>提出<mark>信访</mark>事项"
