"""Nothing from the address bar is rendered as Markdown or HTML: every page, driven with a
Markdown/HTML payload in every query parameter it reads, shows no link, no image and no styled
text made from it. What Streamlit would render is reproduced with a CommonMark parser with GFM
autolinks (markdown-it + linkify), HTML on only where the element allows it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from portal.roles import ROLES
from portal.text.escape import html_escape, markdown_escape
from tests.conftest import ROOT
from tests.staff.portal_db import signed_in_state

MARK = "恶意加粗"
PAYLOADS = [
    "[【重要通知】信访补偿金领取入口，点此登记](https://evil.example/phish)",
    "![x](https://evil.example/x.png)",
    f"<b>{MARK}</b>",
    f"**{MARK}**",
    "详情见 https://evil.example/bare",
    f"第一条\n\n[{MARK}](https://evil.example/after-blank-line)",
    f"<img src=https://evil.example/i.png>$\\frac{{1}}{{2}}$ :red[{MARK}]",
]
PARAMS = ("law", "article", "case", "q", "code", "draft")
LAW = "xinfang-gongzuo-tiaoli-2022"
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
# (page, query) combinations that reach each page's different branches
QUERIES = [(page, None) for page in PAGES] + [("laws.py", {"law": LAW}), ("cases.py", {"case": None})]

_MD = {html: MarkdownIt("commonmark", {"html": html, "linkify": True}).enable(["linkify", "table", "strikethrough"])
       for html in (True, False)}


# Streamlit's remark-gfm turns these into links in the parsed text (after escapes are undone)
GFM_AUTOLINK = re.compile(r"(?i)(https?://|(?<![a-z0-9])www\.)[^\s<]*evil\.example|[\w.+-]+@evil\.example")


class _Collect(HTMLParser):
    """Links, images and the text of styled elements in rendered HTML."""

    STYLED = {"b", "strong", "em", "i", "u", "h1", "h2", "h3", "h4", "h5", "h6", "mark", "code", "del", "s"}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.styled_text: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value or "" for name, value in attrs if name in ("href", "src")]
        self._open.append(tag)

    def handle_endtag(self, tag):
        if tag in self._open:
            self._open.remove(tag)

    def handle_data(self, data):
        if self.STYLED & set(self._open):
            self.styled_text.append(data)


def sources(at) -> list[tuple[str, bool]]:
    """(Markdown source, HTML allowed) of every Markdown-bearing element on the page."""
    return [(str(element.value), bool(getattr(element.proto, "allow_html", False)))
            for kind in ("markdown", "caption", "info", "warning", "error", "success", "title", "header",
                         "subheader", "toast")
            for element in getattr(at, kind)]


def rendered(at) -> tuple[list[str], str]:
    """(rendered HTML of every Markdown-bearing element, all the source text a reader sees)."""
    found = sources(at)
    return [_MD[html].render(source) for source, html in found], "\n".join(source for source, _ in found)


def _markdown_text(source: str, allow_html: bool) -> str:
    """The text nodes remark-gfm would scan for autolinks (escapes undone; raw HTML left out)."""
    return "\n".join("".join(c.content for c in token.children or [] if c.type in ("text", "text_special"))
                     for token in _MD[allow_html].parse(source) if token.type == "inline")


def problem(source: str, allow_html: bool) -> str:
    """What in this element a reader would see as a link, image or styled text from a payload."""
    if found := html_problem(_MD[allow_html].render(source)):
        return found
    if GFM_AUTOLINK.search(_markdown_text(source, allow_html)):
        return f"an autolink: {source!r}"
    return ""


def html_problem(body: str) -> str:
    """What in rendered HTML would be a link, image or styled text from a payload: an st.html body
    as written (the permalink and copy rows, 下一步怎么办, the live region) or rendered Markdown."""
    found = _Collect()
    found.feed(body)
    if [u for u in found.urls if "evil.example" in u]:
        return f"a link or image: {body}"
    if [t for t in found.styled_text if MARK in t]:
        return f"styled text: {body}"
    return ""


def assert_inert(at, payload: str) -> None:
    for source, allow_html in sources(at):
        assert not problem(source, allow_html)
    for element in at.html:
        assert not html_problem(element.proto.body)


def run_page(app_page, page: str, query: dict, payload: str):
    state = signed_in_state(*ROLES) if page.startswith("staff_") and page != "staff_login.py" else None
    return app_page(f"pages/{page}", session_state=state, **query)


@pytest.mark.parametrize("payload", [PAYLOADS[0], "\n\n".join(PAYLOADS)], ids=["phishing-link", "all-payloads"])
@pytest.mark.parametrize(("page", "fixed"), QUERIES, ids=[f"{p}-{i}" for i, (p, _) in enumerate(QUERIES)])
def test_no_page_renders_markdown_or_html_from_the_address(app_page, page, fixed, payload):
    query = {name: payload for name in PARAMS}
    for name, value in (fixed or {}).items():
        if value is None:
            query.pop(name)
        else:
            query[name] = value
    at = run_page(app_page, page, query, payload)
    assert_inert(at, payload)


def test_the_reported_phishing_link_is_shown_as_plain_words(app_page):
    """The case from the issue: the article label is quoted back to the citizen, as text."""
    payload = PAYLOADS[0]
    at = app_page("pages/laws.py", law=LAW, article=payload)
    [warning] = [w for w in at.warning if "中没有" in str(w.value)]
    assert markdown_escape(payload) in str(warning.value)
    assert_inert(at, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_check_catches_unescaped_values_and_passes_escaped_ones(payload):
    """The rendering check is not vacuous: each payload raw is caught; escaped, it is inert."""
    if payload != PAYLOADS[-1]:  # LaTeX and :red[] are Streamlit extensions markdown-it lacks
        assert problem(payload, True) or problem(f"<p>{payload}</p>", True)
    assert not problem(markdown_escape(payload), True)
    assert not problem(markdown_escape(payload), False)
    assert not problem(f'<p class="answer-value">{html_escape(payload)}</p>', True)
    if any(tag in payload for tag in ("<b>", "<img")):   # an st.html body: raw tags are caught, escaped ones inert
        assert html_problem(f"<p>{payload}</p>")
    assert not html_problem(f"<p>{html_escape(payload)}</p>")


def test_a_backslash_does_not_stop_an_autolink():
    """Found in the browser: remark-gfm links https://… in the text after escapes are undone."""
    assert problem(r"see https\:\/\/evil\.example\/x", False)


def test_every_page_is_covered():
    assert {p for p, _ in QUERIES} == {p.name for p in Path(ROOT / "pages").glob("*.py")}


# --- what a citizen typed, shown back to the citizen and to staff ------------------------------

def _citizen_payload_record():
    from sqlmodel import Session

    from tests.prefiling.factories import make_prefiling
    from tests.staff.portal_db import ready_engine

    with Session(ready_engine(), expire_on_commit=False) as s:
        return make_prefiling(s, district=PAYLOADS[0], subject=PAYLOADS[1], request=PAYLOADS[3],
                              facts="\n\n".join(PAYLOADS), raised_before="是", raised_where=PAYLOADS[2],
                              raised_stage="正在办理")


def test_citizen_text_is_inert_on_the_check_page_the_lookup_and_the_queue(app_page):
    from sqlmodel import Session, delete

    from portal.prefiling.models import RateEvent
    from portal.roles import HANDLER, REPORTS
    from tests.prefiling.factories import make_form
    from tests.staff.portal_db import ready_engine

    form = make_form(district=PAYLOADS[0], subject=PAYLOADS[1], request=PAYLOADS[3],
                     facts="\n\n".join(PAYLOADS), raised_before="是", raised_where=PAYLOADS[2],
                     raised_stage="正在办理")
    check = app_page("pages/prefile.py", session_state={"pf_data": form, "pf_step": "check"})
    assert "核对您填写的内容" in rendered(check)[1]
    assert_inert(check, PAYLOADS[0])

    made = _citizen_payload_record()
    with Session(ready_engine()) as s:
        s.exec(delete(RateEvent))
        s.commit()
    lookup = app_page("pages/lookup.py")
    lookup.text_input(key="lk_code").input(made.code)
    lookup.text_input(key="lk_secret").input(made.secret)
    [b for b in lookup.button if b.label == "查询"][0].click().run()
    assert "点此登记" in rendered(lookup)[1]  # the district is shown, as words
    assert_inert(lookup, PAYLOADS[0])

    queue = app_page("pages/staff_queue.py", session_state=signed_in_state(HANDLER, REPORTS))
    queue.text_input(key="q-code").input(made.code).run()
    queue.selectbox(key="q-open").set_value(made.prefiling.id).run()
    [b for b in queue.button if b.label == "显示个人信息"][0].click().run()
    assert not queue.exception, [e.value for e in queue.exception]
    assert "点此登记" in rendered(queue)[1]
    assert_inert(queue, PAYLOADS[0])
