"""HTML pieces of the 法律问答 page: a result card with highlighted, escaped article text."""

from __future__ import annotations

from portal.laws.browse import display_path
from portal.laws.catalog import short_title
from portal.laws.library import Library
from portal.nextsteps import CRISIS_STEPS, CRISIS_TITLE
from portal.search.api import SearchHit
from portal.search.highlight import highlight
from portal.text.escape import html_escape
from ui.links import dialled, shared_permalink, status_badge_html

# above the articles when the reranker gives the first one a low probability of being right
# (SearchResponse.uncertain; the threshold is chosen by `python -m portal.search tune`)
UNCERTAIN_NOTE = ("下面这些条文和您的问题对应得不太确定，仅供参考。"
                  "可以换个说法再查，或拨打 12348 公共法律服务热线咨询。")
# under 没有找到足够相关的条文: a real problem the search could not place still gets a person to ask
HOTLINE_HTML = ('<p class="ask-hotline">也可以<a href="tel:12348">拨打 12348 公共法律服务热线</a>，'
                "免费咨询法律问题。</p>")


def crisis_html() -> str:
    """The notice a question with words of self-harm opens with (portal.nextsteps.in_crisis): the
    numbers to call, tappable on a phone. Not a live region: the page's one live region says the
    numbers (CRISIS_SAID) first, before what the search found, once per question; as an alert too
    they were heard twice."""
    items = "".join(f"<li>{dialled(html_escape(step))}</li>" for step in CRISIS_STEPS)
    return (f'<section class="ask-crisis" aria-labelledby="ask-crisis-title"><h2 id="ask-crisis-title">'
            f'{html_escape(CRISIS_TITLE)}</h2><ul>{items}</ul></section>')


def result_card_html(hit: SearchHit, library: Library, *, exact: bool = False) -> str:
    provision = library.provision(hit.provision_id)
    if provision is None:
        return ""
    law = library.law_of(provision)
    path = " · ".join(display_path(law, provision))
    tag = '<span class="ask-exact">您查找的条文</span> ' if exact else ""
    repealed = ('<div class="ask-repealed">本条出自已废止的法规，仅供参考，不再作为现行依据。</div>'
                if law.is_repealed else "")
    return (
        '<div class="ask-card">'
        # a heading under 相关法律条文 (h2): a screen reader's heading keys step from article to article
        f'<div class="ask-head">{tag}<h3 class="ask-title">《{html_escape(law.title)}》{html_escape(provision.label)}</h3> '
        f'{status_badge_html(law)}</div>'
        + (f'<div class="ask-path">{html_escape(path)}</div>' if path else "")
        + repealed
        + f'<div class="article">{highlight(provision.text, hit.matched_terms)}</div>'
        # its name says which article: a results page has eight of these links. The address to share
        # (shared_permalink: no a11y, ASCII); followed here, the frame adds the reader's a11y to it
        f'<div class="ask-link"><a class="share-link" href="{html_escape(shared_permalink(law, provision))}" '
        'target="_self" '
        f'aria-label="《{html_escape(short_title(law.title))}》{html_escape(provision.label)} 本条网址（可复制分享）">'
        f'本条网址（可复制分享）</a></div>'
        "</div>"
    )


ASK_CSS = """
<style>
.ask-card {border:1px solid #d0d7de;border-radius:0.5rem;padding:0.7rem 0.9rem;margin:0 0 0.4rem 0;
  overflow-wrap:anywhere;}
.ask-head {font-size:1.05rem;line-height:1.6;}
/* headings drawn at the sizes the page had: the sections (h2) as Streamlit's subheader, a card's
   title (h3) as the bold line it was, in the run of its tag and badge */
.stMarkdown h2.ask-section {font-size:1.75rem;padding:0.5rem 0 0 0;}
.stMarkdown .ask-head > div, .stMarkdown .ask-head h3.ask-title {display:inline;}   /* (Streamlit wraps a heading in a div) */
.stMarkdown .ask-head h3.ask-title {font-size:1.05rem;font-weight:700;line-height:1.6;margin:0;padding:0;}
.ask-path {color:#555;font-size:0.95rem;}
.ask-exact {background:#1a56db;color:#fff;border-radius:0.3rem;padding:0 0.4rem;font-size:0.95rem;}
.ask-repealed {color:#a11212;font-weight:600;margin:0.3rem 0;}
.ask-card .article {margin:0.4rem 0;padding:0;}
.ask-link a {font-size:0.95rem;}
[class*='st-key-ask-open-'] button {justify-content:flex-start;text-align:left;}
[class*='st-key-ask-open-'] button p {text-align:left;}
.ask-crisis {border:2px solid #b42318;border-radius:0.5rem;background:#fef3f2;color:#1f1f1f;
  padding:0.6rem 0.9rem;margin:0 0 0.6rem 0;}
.ask-crisis h2 {font-size:1.15rem;margin:0 0 0.3rem 0;padding:0;color:#912018;}
.ask-crisis ul {margin:0;padding-left:1.2rem;}
.ask-crisis li {margin:0.2rem 0;line-height:1.7;}
.ask-crisis a {font-weight:700;display:inline-block;padding:0.3rem 0.2rem;margin:-0.3rem 0;}
</style>
"""
