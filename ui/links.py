"""Links into the 法规库 and the law status badge, as every page writes them."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from portal.laws.browse import article_by_number
from portal.laws.library import Library
from portal.laws.loader import Law, Provision
from portal.laws.numerals import address_form
from portal.nextsteps import PSYCHOLOGICAL_HOTLINE
from portal.settings import get_settings
from portal.text.escape import markdown_escape
from ui.accessibility import with_choice

NEW_TAB = "在新标签页打开"


def status_badge_html(law: Law) -> str:
    """现行有效 / 已废止 as a badge that carries its meaning in words, not only in colour."""
    if law.is_repealed:
        return '<span class="law-badge law-badge-repealed">已废止 · 历史文本</span>'
    return '<span class="law-badge law-badge-current">现行有效</span>'


def _address(page: str, params: dict[str, str]) -> str:
    """A page's address with `params`, and the reader's 大字号 / 高对比度 (`a11y`): an article link
    from 法律问答, a case from the form's 核对 (a new tab) opened small and grey for a reader who
    had switched them on. A copied, shared address leaves it out (shared_address)."""
    return _page_address(page, with_choice(params), safe=",")   # a11y=large,contrast as written


def shared_address(page: str, params: dict[str, str]) -> str:
    """The address offered to copy and share (本条网址, 本页网址, 复制链接): without the reader's own
    大字号 / 高对比度 (whoever receives it chooses theirs), and ASCII only, percent-encoded where it
    must be (some chat apps end a link they find in a message at its first Chinese character)."""
    return _page_address(page, params)


def _page_address(page: str, params: dict[str, str], *, safe: str = "") -> str:
    """The one way a page's address is written: the base address, the page, the encoded `params`."""
    return f"{get_settings().base_url.rstrip('/')}/{page}?{urlencode(params, safe=safe)}"


def shared_permalink(law: Law, provision: Provision | None = None) -> str:
    """The shared address of a law (and article), the article by its number: article=38, and 276-1
    for 第二百七十六条之一 (the 法规库 opens either form; the label, encoded, where a law's numbers
    would not name it alone)."""
    params = {"law": law.slug}
    if provision is not None:
        number = address_form(provision.number, provision.sub)
        params["article"] = number if article_by_number(law, number) is provision else provision.label
    return shared_address("laws", params)


def permalink(slug: str, label: str | None = None) -> str:
    """The relative permalink of a law (and article) in the 法规库."""
    params = {"law": slug}
    if label:
        params["article"] = label
    return _address("laws", params)


def case_link(slug: str, title: str) -> str:
    """Markdown link to a published typical case, opened in a new tab (as provision_link): from
    the pre-filing form, reading a case must not leave the form."""
    return f'[{markdown_escape(title)}]({_address("cases", {"case": slug})} "{NEW_TAB}")'


def provision_title(provision_id: str, library: Library) -> str:
    """《法名》第X条 as plain text (a select box's option, a button's hidden name)."""
    provision = library.provision(provision_id)
    return f"《{library.law_of(provision).title}》{provision.label}" if provision else provision_id


def provision_link(provision_id: str, library: Library, *, with_title: bool = True) -> str:
    """Markdown link `《法名》第X条` to the permalink of a provision id. Streamlit opens a Markdown
    link in a new tab; the title says so (a tooltip, and the link's description to a screen reader)."""
    provision = library.provision(provision_id)
    if provision is None:
        return gone_provision(provision_id, library)
    law = library.law_of(provision)
    text = f"《{law.title}》{provision.label}" if with_title else provision.label
    if law.is_repealed:   # a case or a bank question may cite the 2005 信访条例: never as current law
        text += "（已废止）"
    return f'[{text}]({permalink(law.slug, provision.label)} "{NEW_TAB}")'


GONE = "（本站法规库中没有这一条）"


def gone_provision(provision_id: str, library: Library) -> str:
    """A cited article not in the library (taken away by a law update after the text was published,
    portal.citations; or a mistyped id in a preview): its law and number as plain text, said to be
    missing, instead of a bare id."""
    slug, _, label = provision_id.partition(":")
    law = library.law(slug)
    named = f"《{law.title}》{label}" if law and label else (label or provision_id)
    return markdown_escape(named + GONE)


# the numbers the site gives, a tap to call on a phone (拨打 12333: the words stay as they are)
HOTLINES = ("110", "120", "122", "12315", "12333", "12348", PSYCHOLOGICAL_HOTLINE)
_NUMBER = re.compile(r"(?<![0-9])(" + "|".join(HOTLINES) + r")(?![0-9])")


def dialled(text: str) -> str:
    """Escaped HTML with each hotline number in it a tel: link (下一步怎么办, the crisis notice)."""
    return _NUMBER.sub(lambda m: f'<a href="tel:{m[1]}">{m[1]}</a>', text)
