"""HTML for law text (every article verbatim, its 款 and 项 on their own lines, text escaped),
and a law's card and facts in the 法规库."""

from __future__ import annotations

import re
from collections.abc import Iterable

import streamlit as st

from portal.laws.browse import Part, parts
from portal.laws.catalog import short_title
from portal.laws.ids import label_of
from portal.laws.library import Library
from portal.laws.loader import ARTICLE_SEPARATOR, Block, Law, Provision
from portal.memo import Memo
from portal.settings import get_settings
from portal.text.escape import html_escape, html_lines
from ui.accessibility import chosen_words
from ui.links import permalink, status_badge_html
from ui.site_frame import show_here

_KIND_STYLE = "color:#1f3a5f;background:#e8eef6;font-weight:500"
_META_STYLE = "font-size:1rem;color:#4a4a4a;margin:0"   # as legible as the rest of the card (≥ 15 px)
# a fact moves whole to the next line (a date is not split on a phone), and wraps inside only when
# it is wider than the card (320 px in 大字号: nowrap ran past the card and scrolled the page sideways)
_WHOLE = "display:inline-block;max-width:100%"


# where the texts were taken from (content/laws/SOURCES.md), named in words a reader knows; the
# link still goes to the repository and commit in the law's front matter
SOURCE_NAMES = {"LawRefBook/Laws": "公开法律文本库（LawRefBook）",
                "X-STORAGE/Laws": "公开法律文本库（LawRefBook 的较新副本）"}


def source_name(law: Law) -> str:
    repository = str(law.meta.get("source_repository") or "")
    if not repository:
        return "原文"
    return SOURCE_NAMES.get(repository, f"公开法律文本库（{repository}）")


def _date(value) -> str:
    """2022年5月1日, as the laws' own history lines write dates (not 2022年05月01日)."""
    return f"{value.year}年{value.month}月{value.day}日"


def short_names(library: Library, law: Law, *, limit: int = 6) -> list[str]:
    """The handy names of a law (民诉法, 劳动合同法 …), not its long forms, and not the title of
    another law in the library: citizens search 信访工作条例 as 信访条例 (the catalogue's alias), but
    a fact sheet saying 简称：信访条例 names the repealed 2005 regulation as if it were this one."""
    others = {short_title(other.title) for other in library.laws.values() if other.slug != law.slug}
    others |= {other.title for other in library.laws.values() if other.slug != law.slug}
    names = [n for n in library.names(law.slug)
             if n != law.title and n not in others and not n.startswith(("最高人民法院", "关于", "中华人民共和国"))
             and len(n) <= 12]
    return names[:limit]


_AMENDED = ("修正", "修订", "修改")
_HISTORY_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日")


def date_facts(law: Law) -> list[tuple[str, str]]:
    """公布 and 施行 as the law file gives them, named for what they are. Most amended texts give
    the dates of the current text (劳动法: 2018年12月29日, its second 修正), a few the original dates
    and 最近修改 (刑法): a bare 公布日期：2018年12月29日 read as the date 劳动法 was made. An amended
    text without 最近修改 says 现行文本 and when the law was first made (its 题注's first line)."""
    history = [str(line) for line in law.meta.get("history") or ()]
    # a later 修正 / 修订 / 修改, or a second 通过 (a 司法解释 amended by its 审判委员会: 民间借贷规定)
    amended = any(word in line for line in history[1:] for word in _AMENDED) or \
        sum("通过" in line for line in history) > 1
    if law.last_amended or not amended:
        facts = [("公布日期", _date(law.promulgated)), ("施行日期", _date(law.effective))]
        if law.last_amended:
            facts.append(("最近修改", _date(law.last_amended)))
        return facts
    facts = []
    if history and (first := _HISTORY_DATE.match(history[0])):
        made = history[0][first.end():].strip()
        verb = next((v for v in ("通过", "公布", "发布") if made.endswith(v) or v in made), "制定")
        facts.append((f"首次{verb}", f"{first[1]}年{int(first[2])}月{int(first[3])}日"))
    return facts + [("现行文本公布日期", _date(law.promulgated)), ("现行文本施行日期", _date(law.effective))]


def open_law(law_slug: str | None) -> None:
    """Show a law (None: the 法规库目录) where the reader is (ui.site_frame.show_here)."""
    show_here(**({"law": law_slug} if law_slug else {}))


def law_card(library: Library, law: Law, *, shelf: str = "") -> None:
    """One law on the shelf: title, status and kind, dates, size, source, a button to read it
    (`shelf` tells apart the cards of a law shown on two shelves)."""
    entry = library.entry(law.slug)
    kind = f' <span class="law-badge" style="{_KIND_STYLE}">{html_escape(entry.kind)}</span>' if entry else ""
    with st.container(border=True):
        st.markdown(f"**{html_escape(law.title)}** {status_badge_html(law)}{kind}", unsafe_allow_html=True)
        facts = [f"{label.removesuffix('日期')}：{value}" for label, value in date_facts(law)]
        facts.append(f"共 {len(law.provisions)} 条")
        source = html_escape(source_name(law))
        # each fact whole on a line (a date is not split on a phone); not st.caption: its faded
        # link colour fails the contrast check (axe color-contrast)
        line = "　".join(f'<span style="{_WHOLE}">{html_escape(f)}</span>' for f in facts)
        # the link's name says whose text it is: the shelf has forty links reading 公开法律文本库
        st.markdown(f'<p style="{_META_STYLE}">{line}　<span style="{_WHOLE}">文本来源：'
                    f'<a href="{html_escape(law.source)}" target="_blank" rel="noopener noreferrer" '
                    f'aria-label="《{html_escape(short_title(law.title))}》文本来源：{source}" '
                    f'style="color:#0b4f8a;overflow-wrap:anywhere">{source}</a></span></p>', unsafe_allow_html=True)
        st.button(f"阅读《{law.title}》", key=f"read-{shelf}-{law.slug}", on_click=open_law, args=(law.slug,),
                  icon=":material/menu_book:", type="tertiary")


def law_facts_md(library: Library, law: Law) -> str:
    """The facts list at the head of a law's page (kind, topics, short names, dates, source)."""
    entry = library.entry(law.slug)
    facts = []
    if entry:
        facts += [("类别", entry.kind), ("主题", "、".join(entry.topics))]
    if names := short_names(library, law):
        facts.append(("简称", "、".join(names)))
    facts += [("制定机关", law.issuer), *date_facts(law), ("状态", law.status)]
    lines = [f"- **{k}**：{html_escape(v)}" for k, v in facts]
    lines.append(f"- **文本来源**：[{html_escape(source_name(law))}](<{law.source}>)，本网站逐字收录。"
                 "如有出入，以国家法律法规数据库（flk.npc.gov.cn）公布的文本为准。")
    return "\n".join(lines)


def article_html(provision: Provision, *, target: bool = False, link: bool = True) -> str:
    label, body = provision.label, provision.body
    css = "article article-target" if target else "article"
    anchor = f'<a class="article-link" href="{html_escape(permalink(provision.law_slug, label))}" target="_self" ' \
             f'aria-label="{html_escape(label)}的链接"></a>' if link else ""   # its icon is drawn by ui.frame's CSS
    return (f'<div class="{css}" id="{html_escape(label)}"><span class="article-label">{html_escape(label)}</span>'
            f'{ARTICLE_SEPARATOR}{html_lines(body)}{anchor}</div>')   # nothing added to the text a reader copies


def blocks_html(blocks: Iterable[Block], law: Law, *, target_id: str | None = None) -> str:
    """One HTML string for a run of blocks (rendered at once: far faster than a widget each)."""
    out: list[str] = []
    for block in blocks:
        if block.kind == "heading":
            level = min(block.level + 2, 6)
            out.append(f"<h{level}>{html_escape(block.text)}</h{level}>")
        elif block.kind == "article":
            provision = law.provision(label_of(block.provision_id))
            out.append(article_html(provision, target=block.provision_id == target_id))
        elif block.kind == "quote":
            out.append(f"<blockquote>{html_lines(block.text)}</blockquote>")
        else:
            out.append(f'<p class="law-text">{html_lines(block.text)}</p>')
    return "\n".join(out)


_PARTS: Memo[list[Part]] = Memo(64)
_PART_HTML: Memo[str] = Memo(512)


def law_parts(law: Law) -> list[Part]:
    """The law's chapters (portal.laws.browse.parts), worked out once per law version."""
    return _PARTS.get((law.slug, law.content_hash), lambda: parts(law))


def part_title(part) -> str:
    """A 目录 part's name: the text before a law's first heading (an interpretation's opening) has
    none of its own."""
    return part.title or "开头部分"


def part_html(law: Law, index: int, *, target_id: str | None = None) -> str:
    """The HTML of one chapter, made once per law version, chapter, highlighted article, permalink
    base and 适老化 choice its links carry (a pure function of these): only the chapter being read
    is rendered."""
    key = (law.slug, law.content_hash, index, target_id, get_settings().base_url, chosen_words())
    return _PART_HTML.get(key, lambda: blocks_html(law_parts(law)[index].blocks, law, target_id=target_id))
