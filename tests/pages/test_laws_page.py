"""The 法规库 page as a citizen sees it (AppTest)."""

from tests.conftest import page_text


def test_index_lists_all_laws_with_status(app_page, library):
    at = app_page("pages/laws.py")
    text = page_text(at)
    assert "法规库" in text
    current = [law for law in library.laws.values() if not law.is_repealed]
    assert text.count("现行有效") == len(current) and "已废止" in text
    labels = [link.label for link in at.get("page_link")]
    assert "阅读《信访工作条例》" in labels and len([x for x in labels if x.startswith("阅读")]) == len(library.laws)


def test_permalink_opens_article_32(app_page, library):
    at = app_page("pages/laws.py", law="xinfang-gongzuo-tiaoli-2022", article="第三十二条")
    text = page_text(at)
    article = library.provision("xinfang-gongzuo-tiaoli-2022:第三十二条")
    for line in article.body.split("\n"):  # every 款 and 项, verbatim, each on its own line
        assert line in text
    assert "<br>".join(article.body.split("\n")[:2]) in text
    assert "/laws?law=xinfang-gongzuo-tiaoli-2022&article=" in text  # the copyable link
    assert "第四章 信访事项的办理" in text
    assert "中共中央、国务院" in text and "2022年05月01日" in text


def test_repealed_law_is_unmistakable(app_page):
    at = app_page("pages/laws.py", law="xinfang-tiaoli-2005")
    text = page_text(at)
    assert "已废止" in text and "本法规已废止" in text and "不再作为现行依据" in text


def test_minfadian_renders_one_chapter_not_the_whole_code(app_page, library):
    at = app_page("pages/laws.py", law="minfadian-2020", article="第一千零七十七条")
    text = page_text(at)
    for line in library.provision("minfadian-2020:第一千零七十七条").body.split("\n"):
        assert line in text
    assert library.provision("minfadian-2020:第一条").body not in text
    assert len(text) < 120_000


def test_unknown_law_and_article_are_friendly(app_page):
    text = page_text(app_page("pages/laws.py", law="no-such-law"))
    assert "没有找到这部法规" in text
    text = page_text(app_page("pages/laws.py", law="xinfang-gongzuo-tiaoli-2022", article="第九百条"))
    assert "没有“第九百条”" in text


def test_find_article_by_number_within_law(app_page):
    at = app_page("pages/laws.py", law="xinfang-gongzuo-tiaoli-2022")
    at.text_input(key="find-xinfang-gongzuo-tiaoli-2022").input("三十二").run()
    labels = [link.label for link in at.get("page_link")]
    assert any(label.startswith("第三十二条") for label in labels)


def test_home_page_offers_the_doors(app_page):
    at = app_page("pages/home.py")
    labels = [link.label for link in at.get("page_link")]
    for door in ("法律问答", "法规库", "典型案例", "网上预登记", "进度查询"):
        assert door in labels

