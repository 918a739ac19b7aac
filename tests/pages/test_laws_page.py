"""The 法规库 page as a citizen sees it (AppTest)."""

import re

from tests.conftest import html_bodies, page_text, said


def test_index_lists_all_laws_with_status(app_page, library):
    at = app_page("pages/laws.py")
    text = page_text(at)
    assert "法规库" in text
    current = [law for law in library.laws.values() if not law.is_repealed]
    assert text.count("现行有效") == len(current) and "已废止" in text
    labels = [b.label for b in at.button]
    assert "阅读《信访工作条例》" in labels and len([x for x in labels if x.startswith("阅读")]) == len(library.laws)


def test_index_groups_laws_by_kind_with_repealed_last(app_page, library):
    at = app_page("pages/laws.py")
    headers = [h.value for h in at.header]
    assert headers[0].startswith("宪法") and headers[-1].startswith("已废止")
    assert any(h.startswith("司法解释（4 部）") for h in headers)
    text = page_text(at)
    assert "文本来源：公开法律文本库（LawRefBook）" in text and "施行：2022年5月1日" in text
    assert "公开法律文本库（LawRefBook 的较新副本）" in text     # 劳动法 etc., from X-STORAGE/Laws
    assert ">LawRefBook/Laws</a>" not in text and ">X-STORAGE/Laws</a>" not in text   # the links' words


def test_index_by_topic_shows_each_topic(app_page):
    at = app_page("pages/laws.py")
    at.radio(key="laws-view").set_value("按主题").run()
    labels = [e.label for e in at.expander]
    for topic in ("信访", "劳动与社保", "土地与房屋", "婚姻家庭", "邻里与物业", "行政执法", "诉讼与仲裁",
                  "刑事与治安", "特殊群体"):
        assert any(label.startswith(topic + "（") for label in labels), topic


def test_filter_box_finds_a_law_by_short_name(app_page):
    at = app_page("pages/laws.py")
    at.text_input(key="laws-filter").input("民诉法").run()
    labels = [b.label for b in at.button if b.label.startswith("阅读")]
    assert labels == ["阅读《中华人民共和国民事诉讼法》"]
    at.text_input(key="laws-filter").input("物业服务").run()
    assert "没有找到名称相符的法规" in page_text(at)


def test_filter_box_says_what_became_of_a_law_the_library_does_not_ship(app_page):
    at = app_page("pages/laws.py")
    at.text_input(key="laws-filter").input("婚姻法").run()   # repealed: its rules are in the 民法典
    notes = " ".join(str(el.value) for el in at.info)
    assert "《中华人民共和国婚姻法》已于2021年1月1日废止" in notes
    labels = [b.label for b in at.button if b.label.startswith("阅读")]
    assert labels[0] == "阅读《中华人民共和国民法典》"
    at.text_input(key="laws-filter").input("公司法").run()   # in force, not in this library
    notes = " ".join(str(el.value) for el in at.info)
    assert "本网站法规库暂未收录《中华人民共和国公司法》" in notes and "flk.npc.gov.cn" in notes
    assert "没有找到名称相符的法规" not in page_text(at)


def test_permalink_opens_article_32(app_page, library):
    at = app_page("pages/laws.py", law="xinfang-gongzuo-tiaoli-2022", article="第三十二条")
    text = page_text(at)
    article = library.provision("xinfang-gongzuo-tiaoli-2022:第三十二条")
    for line in article.body.split("\n"):  # every 款 and 项, verbatim, each on its own line
        assert line in text
    assert "<br>".join(article.body.split("\n")[:2]) in text
    # the copyable link, readable and ASCII (the article by its number), with a visible 复制 button
    html = "\n".join(el.proto.body for el in at.html)
    assert "/laws?law=xinfang-gongzuo-tiaoli-2022&amp;article=32</p>" in html
    assert 'data-copy="/laws?law=xinfang-gongzuo-tiaoli-2022&amp;article=32">复制链接</button>' in html
    assert "第四章 信访事项的办理" in text
    assert "中共中央、国务院" in text and "2022年5月1日" in text and "05月" not in text
    # where the text came from, and which text prevails
    assert "**文本来源**：[公开法律文本库（LawRefBook）](<https://github.com/LawRefBook/Laws/" in text
    assert ".md>)，本网站逐字收录。如有出入" in text
    assert "以国家法律法规数据库（flk.npc.gov.cn）公布的文本为准" in text


def test_permalink_is_absolute_with_the_configured_base_url(app_page, monkeypatch):
    from portal.settings import get_settings

    monkeypatch.setenv("PORTAL_BASE_URL", "https://xfj.example.gov.cn/")
    get_settings.cache_clear()
    try:
        at = app_page("pages/laws.py", law="xinfang-gongzuo-tiaoli-2022", article="第三十二条")
        html = "\n".join(el.proto.body for el in at.html)
        assert "https://xfj.example.gov.cn/laws?law=xinfang-gongzuo-tiaoli-2022&amp;article=32</p>" in html
    finally:
        monkeypatch.delenv("PORTAL_BASE_URL")
        get_settings.cache_clear()


def _copied(at) -> str:
    """The address 复制链接 puts on the clipboard."""
    import html

    [copy] = re.findall(r'data-copy="([^"]*)">复制链接</button>', "\n".join(el.proto.body for el in at.html))
    return html.unescape(copy)


def test_the_copied_address_is_ascii_without_the_readers_choice_and_opens_the_same_article(app_page, library):
    """r48b #8: 复制链接 copied …&article=第二百七十六条之一, and a chat app that ends a link at its
    first Chinese character sent the receiver the law without the article. Nor is the reader's
    大字号 / 高对比度 passed on."""
    from urllib.parse import parse_qs, urlsplit

    for label, written in (("第二百七十六条之一", "276-1"), ("第三十八条", "38")):
        at = app_page("pages/laws.py", law="xingfa-2023", article=label, a11y="large,contrast")
        copied = _copied(at)
        assert copied.isascii() and copied == f"/laws?law=xingfa-2023&article={written}", copied
        query = {k: v[0] for k, v in parse_qs(urlsplit(copied).query).items()}
        opened = app_page("pages/laws.py", **query)   # the receiver: another session, no choice
        assert [h.value for h in opened.title] == ["中华人民共和国刑法"]
        article = library.provision(f"xingfa-2023:{label}")
        assert f'<h3 class="law-article-title" tabindex="-1">{label}</h3>' in "".join(
            str(el.value) for el in opened.markdown)
        assert article.body.split("\n")[0] in page_text(opened) and _copied(opened) == copied


def test_repealed_law_is_unmistakable_and_names_its_successor(app_page):
    at = app_page("pages/laws.py", law="xinfang-tiaoli-2005")
    text = page_text(at)
    assert "已废止" in text and "本法规已废止" in text and "不再作为现行依据" in text
    assert "现行规定请查阅《信访工作条例》" in text
    [successor] = [b for b in at.button if b.label == "查看现行《信访工作条例》"]
    successor.click().run()
    assert at.query_params.get("law") == "xinfang-gongzuo-tiaoli-2022"
    assert [t.value for t in at.title] == ["信访工作条例"]


def test_an_article_of_a_repealed_law_carries_the_mark_itself(app_page):
    """Opened from 查找条文 the page scrolls to the article, past the 已废止 banner: the article's own
    panel says 已废止 · 历史文本 too (a current law's article adds no second badge)."""
    def badges(at, kind):
        return sum(f'class="law-badge law-badge-{kind}"' in m.value for m in at.markdown)

    assert badges(app_page("pages/laws.py", law="xinfang-tiaoli-2005"), "repealed") == 1
    assert badges(app_page("pages/laws.py", law="xinfang-tiaoli-2005", article="第二十二条"), "repealed") == 2
    assert badges(app_page("pages/laws.py", law="xinfang-gongzuo-tiaoli-2022", article="第三十二条"), "current") == 1


def test_current_law_shows_kind_topics_and_short_names(app_page):
    text = page_text(app_page("pages/laws.py", law="minshi-susong-fa-2023"))
    assert "法律" in text and "诉讼与仲裁" in text and "民诉法" in text
    assert "本法规已废止" not in text


def test_minshi_susong_fa_renders_one_chapter(app_page, library):
    at = app_page("pages/laws.py", law="minshi-susong-fa-2023", article="第一百二十二条")
    text = page_text(at)
    for line in library.provision("minshi-susong-fa-2023:第一百二十二条").body.split("\n"):
        assert line in text
    assert "第二编 审判程序 › 第十二章 第一审普通程序" in text
    assert at.selectbox[0].format_func(at.selectbox[0].value).startswith("第二编 审判程序 · 第十二章")
    assert library.provision("minshi-susong-fa-2023:第一条").body not in text


def test_judicial_interpretation_reads_by_part(app_page, library):
    at = app_page("pages/laws.py", law="danbao-zhidu-jieshi-2020", article="第四十六条")
    text = page_text(at)
    for line in library.provision("danbao-zhidu-jieshi-2020:第四十六条").body.split("\n"):
        assert line in text
    assert "（二）不动产抵押" in text and "三、关于担保物权" in text
    assert library.provision("danbao-zhidu-jieshi-2020:第一条").body not in text
    text = page_text(app_page("pages/laws.py", law="minjian-jiedai-guiding-2020"))
    assert "为正确审理民间借贷纠纷案件" in text and "第三十一条" in text


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


def test_find_article_by_number_within_law(app_page, library):
    at = app_page("pages/laws.py", law="xinfang-gongzuo-tiaoli-2022")
    at.text_input(key="find-xinfang-gongzuo-tiaoli-2022").input("三十二").run()
    hits = [b for b in at.button if b.label.startswith("第三十二条")]
    assert len(hits) == 1
    assert said(at) == [f"找到 {len([b for b in at.button if b.key and b.key.startswith('find-hit-')])} 条相符的条文。"]
    hits[0].click().run()
    # the article opens and the address names it (refresh, Back and a copied address keep it)
    assert at.query_params["article"] == "第三十二条"
    assert "本条网址（可复制分享）" in page_text(at)
    assert library.provision("xinfang-gongzuo-tiaoli-2022:第三十二条").body[:30] in page_text(at)


def _scrolls_to_the_article(at) -> bool:
    return any('".st-key-law-article"' in el.proto.body for el in at.html if el.proto.unsafe_allow_javascript)


def test_an_article_opened_from_find_is_scrolled_into_view_once(app_page):
    """On a phone the opened article starts below the first screen: the run that opens it from
    查找条文 scrolls it into view; a permalink opened directly and later runs do not move the page."""
    at = app_page("pages/laws.py", law="xinfang-gongzuo-tiaoli-2022")
    at.text_input(key="find-xinfang-gongzuo-tiaoli-2022").input("三十二").run()
    assert not _scrolls_to_the_article(at)
    [b for b in at.button if b.label.startswith("第三十二条")][0].click().run()
    assert "本条网址（可复制分享）" in page_text(at) and _scrolls_to_the_article(at)
    at.run()
    assert not _scrolls_to_the_article(at)
    assert not _scrolls_to_the_article(app_page("pages/laws.py", law="xinfang-gongzuo-tiaoli-2022", article="第三十二条"))


def test_permalink_may_name_the_article_by_number(app_page, library):
    for number in ("32", "三十二", "第32条"):
        text = page_text(app_page("pages/laws.py", law="xinfang-gongzuo-tiaoli-2022", article=number))
        assert "本条网址（可复制分享）" in text and "没有“" not in text, number
        assert library.provision("xinfang-gongzuo-tiaoli-2022:第三十二条").body[:30] in text


def test_home_page_offers_the_doors(app_page, library):
    at = app_page("pages/home.py")
    labels = [link.label for link in at.get("page_link")]
    for door in ("法律问答", "法规库", "典型案例", "网上预登记", "进度查询"):
        assert door in labels
    text = page_text(at)
    # the count is the library's, as the 法规库 page says it (not a number typed once)
    assert f"等 {len(library.laws)} 部法律、法规和司法解释原文" in text
    assert f"与信访工作相关的 {len(library.laws)} 部法律、法规和司法解释原文" in page_text(app_page("pages/laws.py"))
    assert "获得查询码和查询密码。" in text and "用查询码和查询密码查看办理进度" in text



def test_the_home_page_counts_the_laws_the_library_holds(app_page, library, monkeypatch):
    """Not a number typed once: a library of three laws is said to hold three."""
    import dataclasses

    app_page("pages/home.py")
    import ui.resources

    three = dict(list(library.laws.items())[:3])
    monkeypatch.setattr(ui.resources, "get_library", lambda: dataclasses.replace(library, laws=three))
    assert "等 3 部法律、法规和司法解释原文" in page_text(app_page("pages/home.py"))



def test_next_and_previous_chapter_buttons_turn_the_page(app_page, library):
    at = app_page("pages/laws.py", law="minfadian-2020")
    law = library.law("minfadian-2020")
    first = law.provisions[0].body[:20]
    assert first in page_text(at)
    nxt = [b for b in at.button if b.label.startswith("下一章：")]
    assert len(nxt) == 1 and not [b for b in at.button if b.label.startswith("上一章：")]
    nxt[0].click().run()
    text = page_text(at)
    assert first not in text and at.selectbox[0].value == 1
    assert library.provision("minfadian-2020:第十三条").body[:20] in text        # 第二章 自然人 opens
    assert [b for b in at.button if b.label == "上一章：第一编 总则 · 第一章 基本规定"]
    assert not at.warning, [w.value for w in at.warning]
    [b for b in at.button if b.label.startswith("上一章：")][0].click().run()
    assert at.selectbox[0].value == 0 and first in page_text(at)


def test_reading_a_law_from_the_shelf_writes_it_into_the_address_and_back_clears_it(app_page):
    """st.page_link to this same page showed the law without changing the address, so the next
    rerun (查找条文, the 目录) fell back to the 目录."""
    at = app_page("pages/laws.py")
    [read] = [b for b in at.button if b.label == "阅读《中华人民共和国民法典》"][:1]
    read.click().run()
    assert at.query_params.get("law") == "minfadian-2020"
    assert [t.value for t in at.title] == ["中华人民共和国民法典"]
    at.text_input(key="find-minfadian-2020").input("1077").run()     # a search stays on the law
    assert [t.value for t in at.title] == ["中华人民共和国民法典"]
    [back] = [b for b in at.button if b.label == "返回法规库目录"]
    back.click().run()
    assert "law" not in at.query_params and [t.value for t in at.title] == ["法规库"]


def test_a_search_on_a_law_that_finds_nothing_leads_to_the_question_page(app_page):
    """查找条文 reads the words literally (冷静期 is not in 第一千零七十七条): it says so and offers
    法律问答 with the same words."""
    at = app_page("pages/laws.py", law="minfadian-2020")
    at.text_input(key="find-minfadian-2020").input("离婚冷静期").run()
    assert "只按字面查找" in page_text(at)
    assert said(at) == ["本法规中没有找到含有这些字的条文。"]   # the reader is still in the box
    [ask] = [link for link in at.get("page_link") if link.label.startswith("在法律问答中问")]
    assert ask.proto.page.endswith("ask.py") or "ask" in ask.proto.page
    assert "离婚冷静期" in ask.label
    at.text_input(key="find-minfadian-2020").input("第五千条").run()      # a number it does not have
    assert "本法规没有第五千条，最后一条是第一千二百六十条。" in page_text(at)
    assert said(at) == ["本法规没有第五千条，最后一条是第一千二百六十条。"]


def test_links_the_page_writes_keep_large_text_and_a_shared_address_does_not(app_page):
    """A reader with 大字号 and 高对比度 on who follows an article's link (法规库, 法律问答, a case
    from the form's 核对) lands on a page with both still on; the address shown to copy and share
    leaves their choice out."""
    at = app_page("pages/laws.py", law="xinfang-gongzuo-tiaoli-2022", article="第三十二条", a11y="large,contrast")
    def drawn(at) -> str:
        return html_bodies(at) + "".join(str(m.value) for m in at.markdown)

    links = re.findall(r'class="article-link" href="([^"]+)"', drawn(at))
    assert links and all("a11y=large,contrast" in link for link in links), links
    shared = re.findall(r'<p class="permalink"[^>]*>([^<]+)</p>', drawn(at))
    assert shared and all("a11y" not in url and url.endswith("article=32") for url in shared), shared
    plain = drawn(app_page("pages/laws.py", law="xinfang-gongzuo-tiaoli-2022", article="第三十二条"))
    assert "a11y" not in "".join(re.findall(r'class="article-link" href="([^"]+)"', plain))


def test_a_laws_facts_never_give_another_laws_name_as_its_short_name(app_page, library):
    """信访工作条例's page said 简称：信访条例, the title of the repealed 2005 regulation the library
    also holds; citizens may still search it so (the alias stays), the fact sheet does not say it."""
    from ui.law_view import short_names

    text = page_text(app_page("pages/laws.py", law="xinfang-gongzuo-tiaoli-2022"))
    line = next(x for x in text.splitlines() if "**简称**" in x)
    assert "新信访条例" in line and "、信访条例" not in line and "：信访条例" not in line, line
    titles = {law.title for law in library.laws.values()}
    for law in library.laws.values():
        assert not set(short_names(library, law)) & (titles - {law.title}), law.slug


def test_an_amended_laws_dates_say_they_are_of_the_current_text(app_page):
    """劳动法 (1994, amended 2009 and 2018) showed 公布日期：2018年12月29日 as if made then; 刑法's file
    gives its original dates and 最近修改, and keeps those words."""
    text = page_text(app_page("pages/laws.py", law="laodong-fa-2018"))
    assert "**首次通过**：1994年7月5日" in text and "**现行文本公布日期**：2018年12月29日" in text
    assert "**公布日期**" not in text
    text = page_text(app_page("pages/laws.py", law="xingfa-2023"))
    assert "**公布日期**：1997年3月14日" in text and "**最近修改**：2023年12月29日" in text
    text = page_text(app_page("pages/laws.py", law="minfadian-2020"))   # made once, not amended
    assert "**公布日期**：2020年5月28日" in text and "现行文本" not in text
    shelf = page_text(app_page("pages/laws.py"))
    assert "首次通过：1994年7月5日" in shelf and "现行文本公布：2018年12月29日" in shelf
