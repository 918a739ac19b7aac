"""法规库: the shelves of laws (by kind or topic, or found by name), one law by chapter, and
article permalinks (?law=…&article=…)."""

import streamlit as st

from portal.laws.browse import (
    article_by_number,
    display_path,
    filter_laws,
    find_in_law,
    nothing_found,
    part_index_of,
    shelves,
)
from portal.laws.catalog import short_title
from portal.search.exact import normalise_query
from portal.text.escape import html_escape, markdown_escape
from ui.accessibility import page_link
from ui.law_view import article_html, law_card, law_facts_md, law_parts, open_law, part_html, part_title
from ui.links import shared_permalink, status_badge_html
from ui.resources import get_law_notes, get_library
from ui.site_frame import page_title, say, scroll_to, share_link, show_here, start_at_top

library = get_library()
slug = st.query_params.get("law")
whole = st.query_params.get("full") == "1"   # 显示全文: every chapter on one page (to print it)
label = None if whole else st.query_params.get("article")


def show_index() -> None:
    page_title("法规库")
    st.title("法规库")
    st.write(f"逐条刊载与信访工作相关的 {len(library.laws)} 部法律、法规和司法解释原文。"
             "可以按类别或按主题浏览，也可以输入名称查找；每一条都有自己的网址，可以复制分享。")
    query = st.text_input("查找法规", placeholder="名称或简称，如 劳动合同法、民诉法",
                          key="laws-filter", max_chars=40)
    if query.strip():
        found = filter_laws(library, query)
        named = normalise_query(query)
        if note := get_law_notes().note(named, answered=False):  # 婚姻法: repealed; 电子商务法: not here
            st.info(note)
            shown = {law.slug for law in found}
            found = [library.laws[s] for s in get_law_notes().successors(named)
                     if s in library.laws and s not in shown] + found
        if not found:
            if not note:
                st.info("没有找到名称相符的法规。可以换个说法（如“劳动”“土地”“物业”），"
                        "或在“法律问答”中用自己的话提问。")
            page_link("pages/ask.py", label="去法律问答提问", icon=":material/search:")
        else:
            st.caption(f"找到 {len(found)} 部")
        for law in found:
            law_card(library, law, shelf="found")
        return
    view = st.radio("浏览方式", ["按类别", "按主题"], horizontal=True, key="laws-view")
    if view == "按类别":
        for name, laws in shelves(library, by="kind"):
            st.header(f"{name}（{len(laws)} 部）")
            for law in laws:
                law_card(library, law, shelf=name)
    else:
        for i, (name, laws) in enumerate(shelves(library, by="topic")):
            with st.expander(f"{name}（{len(laws)} 部）", expanded=i == 0):
                for law in laws:
                    law_card(library, law, shelf=name)


LAW_CSS = """<style>
.st-key-law-toc, .st-key-law-article {scroll-margin-top:4.5rem;}   /* clear of the top bar */
.st-key-law-toc .toc-current {margin:0;font-size:1rem;}
/* the box is an input and cannot wrap: a name cut off in it ends in … (the full name is beneath) */
.st-key-law-toc input[role="combobox"] {text-overflow:ellipsis;}
/* shown at every width: after 下一章 it takes the keyboard focus (ringed), and names the chapter */
@media print {
  /* 查找条文 and the 目录 are for the screen */
  .st-key-law-find, .st-key-law-toc {display:none !important;}
  /* an article's page prints the article once, in its box with its address: not again in its chapter */
  [data-testid="stMain"]:has(.st-key-law-article) .st-key-law-chapter {display:none !important;}
}
</style>"""


def back_to_index(where: str) -> None:
    st.button("返回法规库目录", key=f"laws-index-{where}", on_click=open_law, args=(None,),
              icon=":material/arrow_back:", type="tertiary")


def not_found(message: str) -> None:
    page_title("法规库")
    st.title("法规库")
    st.warning(message)
    back_to_index("missing")


def _turn_to(part_key: str, index: int) -> None:
    """上一章 / 下一章: the 目录 shows that chapter, and the page scrolls to the 目录 above it."""
    st.session_state[part_key] = index
    st.session_state["laws-to-top"] = True


def _open_article(article: str) -> None:
    """Open an article of the law on screen. Written into the address (a new history entry), so
    refresh, Back and a copied address show it; a link to this same page would not change it."""
    st.query_params["article"] = article
    st.session_state["laws-to-article"] = True   # on a phone it opens below the first screen


def _whole(law_slug: str, on: bool) -> None:
    """显示全文 (every chapter, to print or save the law) or back to 按章阅读: in the address, so
    Back returns and a copied address shows the same."""
    show_here(law=law_slug, **({"full": "1"} if on else {}))


def show_law() -> None:
    law = library.law(slug)
    if law is None:
        not_found("没有找到这部法规。链接可能有误，或该法规尚未收录。请从法规库目录中选择。")
        return
    target = (law.provision(label) or article_by_number(law, label)) if label else None   # ?article=32 (276-1) as well as 第三十二条
    name = f"《{short_title(law.title)}》"
    page_title(f"{name}{target.label}" if target else f"{name}全文" if whole else name)
    st.title(law.title)
    st.html(LAW_CSS)
    st.markdown(status_badge_html(law), unsafe_allow_html=True)
    entry = library.entry(law.slug)
    successor = library.law(entry.superseded_by) if entry and entry.superseded_by else None
    if law.is_repealed:
        instead = f"现行规定请查阅《{html_escape(successor.title)}》。" if successor else ""
        st.markdown('<div class="repealed-banner" role="alert">本法规已废止，仅作历史文本供查阅，'
                    f'不再作为现行依据。{instead}</div>', unsafe_allow_html=True)
        if successor:
            st.button(f"查看现行《{successor.title}》", key="read-successor", on_click=open_law,
                      args=(successor.slug,), type="tertiary")
    st.markdown(law_facts_md(library, law))
    if law.preface:
        st.markdown("\n".join(f"> {html_escape(line)}  " for line in law.preface))

    to_article = st.session_state.pop("laws-to-article", False)
    if label:
        if target is None:
            st.warning(f"《{law.title}》中没有“{markdown_escape(label)}”。请核对条号，或在下方查找。")
        else:
            came = st.session_state.get("laws-from-ask")
            from_ask = bool(came and came[0] == target.id and came[1])   # opened from the answers to a question
            with st.container(key="law-article"):
                if law.is_repealed:   # scrolled to (查找条文) or shared, the article says so itself
                    st.markdown(status_badge_html(law), unsafe_allow_html=True)
                # focusable (not in the Tab order): the keyboard goes where the view is brought
                st.markdown(f'<h3 class="law-article-title" tabindex="-1">{html_escape(target.label)}</h3>',
                            unsafe_allow_html=True)
                if target.path:
                    st.caption(" › ".join(display_path(law, target)))
                st.markdown(article_html(target, target=True, link=False), unsafe_allow_html=True)
                st.caption("本条网址（可复制分享）：")
                share_link(shared_permalink(law, target))
                if from_ask:
                    page_link("pages/ask.py", label="返回问答结果", icon=":material/arrow_back:",
                              query_params={"q": came[1]})
            if to_article:   # opened from 查找条文 or the answers: in view, and the keyboard with it
                # (the button pressed is gone with the page, or a screen below; focus fell to the page)
                scroll_to(".st-key-law-article", focus=".st-key-law-article .law-article-title")
                if from_ask:
                    say(f"已打开《{short_title(law.title)}》{target.label}，下面有“返回问答结果”。")

    chapters = law_parts(law)
    if whole:
        show_whole(law, chapters)
        return
    with st.container(key="law-find"):
        find_in(law)
    show_chapter(law, chapters, target)
    back_to_index("bottom")


def find_in(law) -> None:
    """查找条文: by number or by the words of the article."""
    # the hint under the box, where it wraps: inside it (a placeholder) it was cut off at 320 px
    query = st.text_input("查找条文", placeholder="条号或关键词", key=f"find-{law.slug}")
    st.caption("输入条号（如 32、第三十二条）或关键词。")
    if query.strip():
        hits = find_in_law(law, query)
        missing = "" if hits else nothing_found(law, query)
        # typed in a box: the list below changes while a screen reader stays in the box
        say((f"找到 {len(hits)} 条相符的条文" + ("，下面列出前 20 条。" if len(hits) > 20 else "。")) if hits
            else missing, token=(law.slug, query.strip()))
        if not hits:   # the words must be in the article (冷静期 is not in 第一千零七十七条)
            st.info(f"{missing}查找条文只按字面查找；用自己的话提问，可以到“法律问答”。")
            page_link("pages/ask.py", label=f"在法律问答中问：{query.strip()[:30]}", icon=":material/search:",
                      query_params={"q": query.strip()})
        st.html("<style>[class*='st-key-find-hit-'] button {justify-content:flex-start;text-align:left;}"
                "[class*='st-key-find-hit-'] button p {text-align:left;color:#0b3d91;text-decoration:underline;}</style>")  # links, read from the left
        for hit in hits[:20]:   # a button, not a link to this same page: the address must change too
            st.button(f"{hit.label}　{hit.body[:40]}……", key=f"find-hit-{hit.id}", type="tertiary",
                      on_click=_open_article, args=(hit.label,))
        if len(hits) > 20:
            st.caption(f"另有 {len(hits) - 20} 条相符，请输入更具体的词。")


def show_chapter(law, chapters, target) -> None:
    """One chapter at a time, chosen in the 目录 (the article's own chapter first)."""
    index = part_index_of(chapters, target.id) if target else 0

    def chapter_name(i: int) -> str:
        return f"{part_title(chapters[i])}（{len(chapters[i].provision_ids)} 条）"

    if len(chapters) > 1:
        part_key = f"part-{law.slug}-{label}"
        if part_key not in st.session_state:   # the article's chapter; then the reader's choice
            st.session_state[part_key] = index or 0
        with st.container(key="law-toc"):
            choice = st.selectbox("目录（按章阅读）", range(len(chapters)), format_func=chapter_name, key=part_key)
            # the box is a one-line text field: a long chapter name is cut off in it on a phone,
            # so there the name is also written out in full, where it wraps
            st.markdown(f'<p class="toc-current" tabindex="-1">正在阅读：{html_escape(chapter_name(choice))}</p>',
                        unsafe_allow_html=True)
            st.button("显示全文（便于打印）", key=f"whole-{law.slug}", icon=":material/article:",
                      on_click=_whole, args=(law.slug, True), type="tertiary")
    else:
        choice = 0
    if st.session_state.pop("laws-to-top", False):   # the new chapter from its first line
        # the keyboard goes with the view: to the line under the 目录 that names the chapter now shown
        # (focus stayed on 下一章 at the foot of the last chapter, off the screen). Not the 目录 box
        # itself: a focused text field opens a phone's on-screen keyboard over the chapter
        scroll_to(".st-key-law-toc", focus=".st-key-law-toc .toc-current")
    with st.container(key="law-chapter"):
        if len(chapters) > 1:   # on paper, nothing else would say that the rest of the law is not there
            # 部分, not 章: the 目录's parts are also a 序言, a 附则, an 附件 or an interpretation's opening
            st.markdown(f'<p class="print-only">本页只印了“{html_escape(part_title(chapters[choice]))}”'
                        f'（目录中的第 {choice + 1} 部分，共 {len(chapters)} 部分）。要打印整部法规，'
                        '请在网页上点“显示全文（便于打印）”后再打印。</p>', unsafe_allow_html=True)
        # only the chapter being read is rendered, from a cache keyed by the law's version
        st.markdown(part_html(law, choice, target_id=target.id if target else None), unsafe_allow_html=True)
    if len(chapters) > 1:   # read on without scrolling back up to the 目录
        if choice + 1 < len(chapters):
            st.button(f"下一章：{part_title(chapters[choice + 1])}", key=f"next-part-{law.slug}", icon=":material/arrow_downward:",
                      on_click=_turn_to, args=(part_key, choice + 1))
        if choice > 0:
            st.button(f"上一章：{part_title(chapters[choice - 1])}", key=f"prev-part-{law.slug}", icon=":material/arrow_upward:",
                      on_click=_turn_to, args=(part_key, choice - 1), type="tertiary")


def show_whole(law, chapters) -> None:
    """显示全文: every chapter, one after the other (each from the same cache as 按章阅读)."""
    if len(chapters) > 1:
        st.markdown(f"全文共 {len(law.provisions)} 条，按目录的 {len(chapters)} 个部分依次显示。")
        st.button("按章阅读", key=f"by-part-{law.slug}", icon=":material/toc:", on_click=_whole,
                  args=(law.slug, False), type="tertiary")
    for index in range(len(chapters)):
        st.markdown(part_html(law, index), unsafe_allow_html=True)
    back_to_index("bottom")


start_at_top()   # a law (or the 目录) opened by a button further down
if slug:
    show_law()
else:
    show_index()
