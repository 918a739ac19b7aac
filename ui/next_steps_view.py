"""The 下一步怎么办 box on 法律问答 (routes from portal.nextsteps) and the related cases, placed
beside the results on a wide screen and after the third article on a phone."""

from __future__ import annotations

import streamlit as st

from portal.laws.ids import law_slug_of
from portal.laws.library import Library
from portal.nextsteps import DISCLAIMER, Route
from portal.text.escape import html_escape, markdown_escape
from ui.accessibility import page_link
from ui.links import dialled, provision_link

CSS = """<style>
.next-steps {border:3px solid #0b3d91;border-radius:0.4rem;padding:0.7rem 1rem;margin:0.5rem 0 1rem 0;background:#f3f7ff;}
.next-steps h2 {font-size:1.3rem;margin:0 0 0.3rem 0;color:#0b3d91;}
.next-steps h3 {font-size:1.1rem;margin:0.6rem 0 0.2rem 0;color:#1f1f1f;}
.next-steps ul {margin:0;padding-left:1.2rem;} .next-steps li {margin:0.15rem 0;color:#1f1f1f;}
.next-steps .urgent {color:#a11212;}
.disclaimer {font-size:0.95rem;color:#333;margin:0.4rem 0 0 0;}
@media (max-width: 767px) { .st-key-cases-side {display:none !important;} }
@media (min-width: 768px) { .st-key-cases-inline {display:none !important;} }
</style>"""


def section_heading(title: str) -> str:
    """A section of the answer (相关法律条文, 相关典型案例) at the level of 下一步怎么办 and 您的安全最要紧:
    h2 under the page's h1 (ASK_CSS draws it at the size of the subheader it was)."""
    return f'<h2 class="ask-section">{html_escape(title)}</h2>'


def next_steps_box(routes: list[Route], library: Library) -> None:
    st.html(CSS)
    parts = ['<section class="next-steps" aria-labelledby="next-steps-title">'
             '<h2 id="next-steps-title">下一步怎么办</h2>']
    for route in routes:
        cls = ' class="urgent"' if route.urgent else ""
        parts.append(f"<h3{cls}>{html_escape(route.title)}</h3><ul>"
                     + "".join(f"<li>{dialled(html_escape(step))}</li>" for step in route.steps) + "</ul>")
    parts.append(f'<p class="disclaimer">{dialled(html_escape(DISCLAIMER))}</p></section>')
    st.html("".join(parts))
    cited = list(dict.fromkeys(pid for route in routes for pid in route.provision_ids))
    # the law named once before its articles (six 《中华人民共和国劳动争议调解仲裁法》 in a row told nothing)
    st.markdown("依据：" + "、".join(provision_link(pid, library, with_title=i == 0 or law_slug_of(cited[i - 1]) !=
                                                    law_slug_of(pid)) for i, pid in enumerate(cited)))
    for route in routes:
        for path, label in route.pages:
            page_link(path, label=label, icon=":material/arrow_forward:")


def case_cards(cases) -> None:
    st.markdown(section_heading("相关典型案例"), unsafe_allow_html=True)   # at the level of 下一步怎么办
    for case in cases:
        with st.container(border=True):
            st.markdown(f"**{markdown_escape(case.title)}**  \n{markdown_escape(case.category)}")
            st.caption(markdown_escape(case.summary))
            # named after its case, as on 典型案例: three links all called 阅读案例 told a screen reader nothing
            page_link("pages/cases.py", label=f"阅读案例：{markdown_escape(case.title)}", query_params={"case": case.slug})
