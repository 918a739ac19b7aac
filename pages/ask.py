"""法律问答: a question in everyday words → the provisions that answer it, with related cases."""

import logging

import streamlit as st

from portal.db import beside_answer, brief_waits, session_scope
from portal.laws.catalog import short_title
from portal.laws.ids import label_of
from portal.nextsteps import CRISIS_SAID, cued, in_crisis, next_steps
from portal.qa.personal import for_address
from portal.search.related import RELATED_CUT_OFF, related_cases
from portal.search.stats import record_open
from portal.search.throttle import RateLimited, count_question
from portal.text.escape import html_escape, markdown_escape
from ui.accessibility import PARAM as A11Y_PARAM
from ui.accessibility import page_link
from ui.ask_view import ASK_CSS, HOTLINE_HTML, UNCERTAIN_NOTE, crisis_html, result_card_html
from ui.auth import current_actor
from ui.bank_view import file_into_bank, send_to_staff, show_similar, similar_questions
from ui.cases_source import published_cases
from ui.next_steps_view import case_cards, next_steps_box, section_heading
from ui.prefile_ui import client_info
from ui.resources import get_library
from ui.search_engine import get_searcher, index_status
from ui.site_frame import open_page, say, scroll_to

log = logging.getLogger(__name__)
OWN_PARAMS = ("q", A11Y_PARAM)   # the address parameters this page keeps; any other is another page's
library = get_library()
st.html(ASK_CSS)


def _open(provision_id: str) -> None:
    """Count the opening (anonymously: provision id only), then go to the article."""
    def count_opening() -> None:
        with session_scope(brief_waits()) as session:   # a tally waits for no one's lock
            record_open(session=session, provision_id=provision_id)

    try:   # not tried for a while after a slow failure: the article needs no database
        beside_answer(count_opening, instead=None, what="an opened provision not counted")
    except Exception:  # statistics must never stand between a citizen and the article
        log.warning("could not record an opened provision", exc_info=True)
    st.session_state["ask_open"] = provision_id
    st.session_state["ask_opened_n"] = st.session_state.get("ask_opened_n", 0) + 1   # each opening, its return


opened = st.session_state.pop("ask_open", None)
if opened and library.provision(opened):
    p = library.provision(opened)
    # the article itself on screen (below the law's details it opened a screen down), with the way
    # back to these answers beside it; one Back returns here too (open_page)
    st.session_state["laws-to-article"] = True
    st.session_state["laws-from-ask"] = (p.id, for_address(st.session_state.get("ask_current")) or "")
    open_page("laws", law=p.law_slug, article=p.label)

# pre-fill: the home page form (session state) or the address (?q=: a shared link, Back, refresh).
# The address always names the question on screen. A page entered afresh gets a new question box
# (a new widget key), because the browser does not redraw a remembered box with a value set here.
if "ask_query" in st.session_state:
    st.session_state["ask_input"] = st.session_state.pop("ask_query") or ""
    st.session_state["ask_current"] = st.session_state["ask_input"]
    st.session_state["ask_box"] = st.session_state.get("ask_box", 0) + 1
elif st.query_params.get("q") and (st.query_params.get("q") != for_address(st.session_state.get("ask_current"))
                                   or st.session_state.get("page_entered")):
    st.session_state["ask_input"] = st.query_params.get("q")
    st.session_state["ask_current"] = st.session_state["ask_input"]
    st.session_state["ask_box"] = st.session_state.get("ask_box", 0) + 1
elif (not st.query_params.get("q") and st.session_state.get("ask_current")
      and all(k in OWN_PARAMS for k in st.query_params)):
    # Back to a bare /ask (or 法律问答 chosen in the menu): the screen follows the address, instead of
    # writing the old question back into it (Back would then do nothing). Not an address with
    # another page's parameters (/ask?law=…&article=…, which st.switch_page left behind on the way
    # to an article until open_page): the question is shown again.
    st.session_state["ask_input"] = ""
    st.session_state["ask_current"] = None
    st.session_state["ask_box"] = st.session_state.get("ask_box", 0) + 1
box_key = f"ask_input_{st.session_state.get('ask_box', 0)}"
if box_key not in st.session_state:
    st.session_state[box_key] = st.session_state.get("ask_input", "")

st.title("法律问答")
st.write("用自己的话说说遇到的事情，我们帮您找到相关的法律条文。也可以直接输入条文，例如“信访工作条例第三十二条”。")
# the question is not stored (only counted), but it stays in the address and the browser's history
st.caption("本网站不保存您输入的问题（除非您选择发给工作人员）。但问题会显示在网址里，并留在浏览器的历史记录中；"
           "在公用电脑或别人的手机上查询后，请清除浏览记录。不需要写姓名、身份证号、电话等个人信息。")


@st.fragment(run_every=3)
def index_progress() -> None:
    ready, fraction, error = index_status()
    if ready:
        if st.session_state.get("_ask_was_building"):
            st.session_state["_ask_was_building"] = False
            st.rerun()
        return
    st.session_state["_ask_was_building"] = True
    if error:
        st.warning("智能检索暂时不可用，目前按关键词查找。")
    else:
        st.progress(min(fraction, 1.0), text=f"系统正在准备智能检索（已完成 {fraction:.0%}），这段时间先按关键词查找，结果可能不够准确。")


index_progress()

with st.form("ask-form", border=False):
    # grows with what is typed: a long account stays readable while it is written (the search
    # reads the first 500 characters and says so; no cap here, a paste over a cap is dropped)
    st.text_area("您的问题", key=box_key, height="content",
                 placeholder="例如：老板拖欠工资，能申请仲裁吗？")
    if st.form_submit_button("查找相关条文", type="primary", icon=":material/search:"):
        st.session_state["ask_input"] = st.session_state.get(box_key, "")
        st.session_state["ask_current"] = st.session_state["ask_input"]

query = st.session_state.get("ask_current")
# on paper the box is not printed (ui.frame): the question is, above its answer (drawn on every run,
# empty without a question, so that nothing below moves when one is asked)
asked = f"您的问题：{html_escape(query.strip())}" if query and query.strip() else ""
st.html(f'<p class="print-only" style="white-space:pre-wrap">{asked}</p>')
for stale in [k for k in st.query_params if k not in OWN_PARAMS]:   # Back may carry another page's
    del st.query_params[stale]
if query and query.strip() and st.query_params.get("q") != (address := for_address(query)):
    st.query_params["q"] = address
elif query is not None and not query.strip() and "q" in st.query_params:
    del st.query_params["q"]
if query is None:
    st.caption("提示：说清楚是什么事、和谁、想要什么结果，找到的条文会更准确。")
    st.stop()

if st.session_state.get("_ask_counted") != query:  # count each new question once, not every rerun
    try:
        count_question(client=client_info())
    except RateLimited as exc:
        if in_crisis(query):   # not searched now, but the numbers to call are given all the same
            st.html(crisis_html())
        st.info(str(exc))
        say((CRISIS_SAID if in_crisis(query) else "") + str(exc), token=query)
        st.stop()
    st.session_state["_ask_counted"] = query

def _switched(to: str) -> None:
    """按原文查找 or 改回 pressed: the next run says which way the question was searched (each press),
    and the keyboard goes to the button `to` that takes the pressed one's place (focus fell to the page)."""
    presses = st.session_state.get("ask_switched", (None, "", 0))[2] + 1
    st.session_state["ask_switched"] = (query, to, presses)
    st.session_state["ask_focus"] = to


def _search_as_typed(typed: str) -> None:
    st.session_state["ask_as_typed"] = (query, typed)
    _switched("ask-read-again")


def _read_again() -> None:
    st.session_state.pop("ask_as_typed", None)
    _switched("ask-as-typed")


def as_typed_button(response) -> None:
    """After a word was read as a homophone typo: search the question as typed (a name, a place);
    once it is, say so, with the way back to the reading."""
    focus = st.session_state.pop("ask_focus", None)
    if response.corrected:
        key = "ask-as-typed"
        st.button(f"不是错别字，按原文“{'”“'.join(response.corrected)}”查找", key=key, on_click=_search_as_typed,
                  args=("”“".join(response.corrected),))
    elif as_typed:
        key = "ask-read-again"
        st.info(f"已按您输入的原文“{as_typed}”查找。", icon=":material/spellcheck:")
        st.button("改回按错别字改正后的说法查找", key=key, on_click=_read_again)
    else:
        return
    if focus == key:   # where the pressed button was: moved only if it is now low on the screen
        scroll_to(f".st-key-{key}", focus=f".st-key-{key} button", below_only=True)


def answer_top(response) -> None:
    """What the answer opens with: the crisis notice a question with words of self-harm gets, then,
    after a new question, the answer brought up to the top of a phone's screen (below the question
    box it was a screen down, and the tap seemed to do nothing)."""
    if crisis:
        st.html(crisis_html())
    if st.session_state.get("_ask_scrolled") != query:
        st.session_state["_ask_scrolled"] = query
        scroll_to(".ask-answer-start", below_only=True)


def _named(provision_id: str) -> str:
    """《劳动争议调解仲裁法》第五十三条: the law's short name and the article."""
    return f"《{short_title(library.law_of(library.provision(provision_id)).title)}》{label_of(provision_id)}"


def back_from_article() -> None:
    """Back from an article opened here (返回问答结果, or the browser's Back): at its card, with the
    keyboard on its button, said once per opening; not at the top with the focus on the page."""
    came, opening = st.session_state.get("laws-from-ask"), st.session_state.get("ask_opened_n")
    if not (st.session_state.get("page_entered") and came and came[1] == for_address(query)):
        return
    if st.session_state.get("ask_back_done") == opening:   # once: a later visit (the menu, then Back) is not a return
        return
    st.session_state["ask_back_done"] = opening
    at = next((i for i, hit in enumerate(hits) if hit.provision_id == came[0]), None)
    if at is None:
        return
    scroll_to(f".st-key-ask-hit-{at}", focus=f".st-key-ask-open-{at} button")
    say(f"已回到问答结果，第 {at + 1} 条：{_named(came[0])}。", token=(came[0], opening))


searcher = get_searcher()
# 按原文查找 after a word was read as a typo (a name, a place): this question is searched as typed
kept = st.session_state.get("ask_as_typed")
as_typed = kept[1] if isinstance(kept, tuple) and kept[0] == query else ""
response = searcher.search(query, k=8, as_typed=True) if as_typed else searcher.search(query, k=8)
hits = [h for h in response.hits if library.provision(h.provision_id)]
st.html('<div class="ask-answer-start"></div>')   # where the answer starts: a mark to scroll to
crisis = in_crisis(response.words) or in_crisis(query)
# said first in the one live region, with what the search found (two says: the later one won), and
# after 按原文查找 / 改回, which way the question was searched: said again at each press, not at a rerun
heard = CRISIS_SAID if crisis else ""
switched = st.session_state.get("ask_switched")
switched = switched if switched and switched[0] == query else None
if as_typed:
    heard += f"已按原文“{as_typed}”查找。"
elif switched and response.corrected:
    heard += "已改回。"
told = (query, as_typed, switched[2] if switched else 0)
answer_top(response)
if not response.confident or not hits:
    if response.message:
        st.info(markdown_escape(response.message))
    as_typed_button(response)
    if response.message and not response.query.strip():
        say(heard + response.message, token=told)
    if response.query.strip():
        st.warning("没有找到足够相关的条文。")
        say(f"{heard}{response.message}没有找到足够相关的条文。下面有别的办法：换个说法、阅读信访指南、网上预登记或拨打电话。",
            token=told)
        if cued(response.words):   # the question's own words still point somewhere (家暴: 110)
            next_steps_box(next_steps(question=response.words, provision_ids=[], library=library), library)
        st.write("您可以换个说法再试一试，或者：")
        page_link("pages/guide.py", label="阅读信访指南：怎样反映问题、到哪里反映", icon=":material/info:")
        page_link("pages/prefile.py", label="在网上预登记您的信访事项", icon=":material/edit_note:")
        st.html(HOTLINE_HTML)
        send_to_staff(response.query)
    st.stop()

if response.message:
    st.info(markdown_escape(response.message))
as_typed_button(response)
# the focus stays on 查找相关条文: a screen reader hears what came of it, and which article is first
first = library.provision(hits[0].provision_id)
say(f"{heard}{response.message}找到 {len(hits)} 条{'可能' if response.uncertain else ''}相关的法律条文，第一条是"
    f"{_named(first.id)}。", token=told)
if response.uncertain:  # the articles are still shown: the notice only says how far to trust them
    st.info(UNCERTAIN_NOTE, icon=":material/help:")

cases = related_cases([h.provision_id for h in hits], published_cases(), min_score=RELATED_CUT_OFF)
if response.exact and (named := library.provision(hits[0].provision_id)) is not None:
    # 民法典1077条 has no words of its own to go on: the article's text says what it is about (the
    # hits after it are the articles beside it, not the question's subject)
    routes = next_steps(question=f"{response.words}\n{named.text}", provision_ids=[named.id], library=library)
else:
    # the words as searched: a question in 繁体 or with a typo (工資被拖欠, 托欠工资) points to its routes
    routes = next_steps(question=response.words, provision_ids=[h.provision_id for h in hits], library=library)
# related cases beside the results on a wide screen; on a phone after the third article. A screen
# reader's list of headings put the articles after 下一步怎么办 (and the cases) under those sections
MORE_ARTICLES = "更多相关条文"
results, side = st.columns([3, 2], gap="medium") if cases else (st.container(), None)
with results:
    st.markdown(section_heading("相关法律条文"), unsafe_allow_html=True)
    for i, hit in enumerate(hits):
        with st.container(key=f"ask-hit-{i}"):   # the card and its button: where 返回问答结果 comes back to
            st.markdown(result_card_html(hit, library, exact=response.exact and i == 0), unsafe_allow_html=True)
            # the law named too: the list mixes laws, and 在法规库中阅读第二百八十八条 twice said nothing
            st.button(f"在法规库中阅读{_named(hit.provision_id)}", key=f"ask-open-{i}", on_click=_open,
                      args=(hit.provision_id,), icon=":material/menu_book:")
        more = i + 1 < len(hits)   # articles follow: under a heading of their own, not the box's or the cases'
        if i == 0:
            next_steps_box(routes, library)
            if more:
                st.markdown(section_heading(MORE_ARTICLES), unsafe_allow_html=True)
        if cases and i == min(2, len(hits) - 1):
            with st.container(key="cases-inline"):   # hidden on a wide screen, its heading with it
                case_cards(cases)
                if more:
                    st.markdown(section_heading(MORE_ARTICLES), unsafe_allow_html=True)
if side is not None:
    with side, st.container(key="cases-side"):
        case_cards(cases)
back_from_article()

hit_ids = [h.provision_id for h in hits]
show_similar(similar_questions(searcher, response.query, hit_ids, exact=response.exact, as_typed=bool(as_typed)), library)
send_to_staff(response.query)
if (actor := current_actor()) is not None:
    file_into_bank(actor, response.query, hit_ids, library)
