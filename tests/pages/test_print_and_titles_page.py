"""Printing, saving and bookmarking a page (AppTest): a whole law on one page (显示全文), a
printed chapter that says it is one of several, and a title of its own for every page."""

import pytest

from tests.conftest import page_text


def test_a_whole_law_can_be_shown_on_one_page_and_back_to_one_chapter(app_page, library):
    """The 法规库 showed one chapter at a time: a printout had 第一章 only (r48b #2)."""
    law = library.law("xinfang-gongzuo-tiaoli-2022")
    at = app_page("pages/laws.py", law=law.slug)
    last = law.provisions[-1]
    assert last.body not in page_text(at)
    [whole] = [b for b in at.button if b.label == "显示全文（便于打印）"]
    whole.click().run()
    assert at.query_params.get("full") == "1" and at.query_params.get("law") == law.slug   # Back returns
    text = page_text(at)
    for provision in (law.provisions[0], law.provisions[31], last):   # 第五十条, the last chapter's last
        for line in provision.body.split("\n"):
            assert line in text, provision.label
    assert "全文共 50 条，按目录的 6 个部分依次显示。" in text and not at.selectbox
    assert not [b for b in at.button if b.label.startswith(("下一章", "上一章"))]
    [by_part] = [b for b in at.button if b.label == "按章阅读"]
    by_part.click().run()
    assert "full" not in at.query_params and at.selectbox and last.body not in page_text(at)


def test_the_whole_civil_code_ends_with_its_last_article(app_page, library):
    law = library.law("minfadian-2020")
    text = page_text(app_page("pages/laws.py", law=law.slug, full="1"))
    assert law.provisions[-1].label == "第一千二百六十条"
    assert law.provisions[-1].body in text and law.provisions[0].body in text


def test_a_printed_chapter_says_which_of_how_many_it_is(app_page):
    at = app_page("pages/laws.py", law="xinfang-gongzuo-tiaoli-2022")
    [note] = [m.value for m in at.markdown if 'class="print-only"' in m.value]
    assert "“第一章 总则”（目录中的第 1 部分，共 6 部分）" in note and "显示全文（便于打印）" in note
    at.selectbox[0].select(5).run()
    [note] = [m.value for m in at.markdown if 'class="print-only"' in m.value]
    assert "“第六章 附则”（目录中的第 6 部分，共 6 部分）" in note


@pytest.mark.parametrize(("slug", "said"), [
    ("xianfa-2018", "“序言”（目录中的第 1 部分，共 5 部分）"),   # a 序言 is no 章
    ("danbao-zhidu-jieshi-2020", "“开头部分”（目录中的第 1 部分，"),   # an interpretation's opening: no title
])
def test_a_printed_part_never_calls_a_preamble_a_chapter_or_goes_unnamed(app_page, slug, said):
    at = app_page("pages/laws.py", law=slug)
    [note] = [m.value for m in at.markdown if 'class="print-only"' in m.value]
    assert said in note and "章" not in note.split("要打印")[0].replace(said, ""), note
    assert "正在阅读：（" not in page_text(at)


@pytest.fixture
def titles(monkeypatch):
    """The browser tab's title each run sets, last one wins (Streamlit sends every st.set_page_config)."""
    import streamlit

    seen: list[str] = []
    real = streamlit.set_page_config

    def record(*args, **kwargs):
        if kwargs.get("page_title"):
            seen.append(kwargs["page_title"])
        return real(*args, **kwargs)

    monkeypatch.setattr(streamlit, "set_page_config", record)
    return seen


@pytest.mark.parametrize(("page", "query", "title"), [
    ("pages/laws.py", {"law": "xinfang-gongzuo-tiaoli-2022", "article": "第三十二条"},
     "《信访工作条例》第三十二条 - 法治信访门户"),
    ("pages/laws.py", {"law": "laodong-hetong-fa-2012", "article": "38"}, "《劳动合同法》第三十八条 - 法治信访门户"),
    ("pages/laws.py", {"law": "laodong-hetong-fa-2012"}, "《劳动合同法》 - 法治信访门户"),
    ("pages/laws.py", {"law": "laodong-hetong-fa-2012", "full": "1"}, "《劳动合同法》全文 - 法治信访门户"),
    ("pages/laws.py", {}, "法规库 - 法治信访门户"),
    ("pages/laws.py", {"law": "no-such-law"}, "法规库 - 法治信访门户"),
    ("pages/cases.py", {"case": "gongshang-rending-yindao-shenqing"}, "单位不报工伤，引导职工自己申请工伤认定 - 法治信访门户"),
    ("pages/cases.py", {}, "典型案例 - 法治信访门户"),
    ("pages/prefile.py", {}, "网上信访预登记 - 法治信访门户"),
    ("pages/lookup.py", {}, "进度查询 - 法治信访门户"),
    ("pages/guide.py", {}, "信访指南 - 法治信访门户"),
    ("pages/home.py", {}, "法治信访门户"),
])
def test_every_page_has_a_title_of_its_own(app_page, titles, page, query, title):
    """Every tab, bookmark, history entry and printed sheet read 法治信访门户 (r48b #3)."""
    app_page(page, **query)
    assert titles[-1] == title


def test_a_question_is_never_the_title(app_page, titles, monkeypatch):
    """Titles go into browser histories and synced bookmarks: 法律问答, not what was asked."""
    at = app_page("pages/ask.py", q="公司拖欠我工资三个月怎么办")
    assert titles[-1] == "法律问答 - 法治信访门户"
    assert all("工资" not in t for t in titles)
    # on paper the question box is not printed: the question is, once, above its answer
    assert any("您的问题：公司拖欠我工资三个月怎么办" in el.proto.body for el in at.html)
