"""Question-bank widgets: 相似问题 under the 法律问答 results, the staff 收入问题库 form, the
citizen's opt-in 发给工作人员, and the article picker the curation page shares."""

from __future__ import annotations

import logging

import streamlit as st

from portal.db import STORAGE_FAILURES, beside_answer, failure_reason, session_scope
from portal.field_errors import ValidationFailed
from portal.identity import Actor
from portal.laws.library import Library
from portal.prefiling.ratelimit import RateLimited
from portal.qa import inbox
from portal.qa import service as bank
from portal.qa.similar import similar_by_articles
from portal.roles import COUNSEL
from portal.search.bank import CANDIDATES, BankEntry, SimilarQuestion, relevant_similar
from portal.search.citing import cited_provision as read_citation
from portal.search.engine import SimilarRule
from portal.text.escape import markdown_escape
from ui.links import provision_link, provision_title
from ui.prefile_ui import client_info
from ui.resources import get_law_aliases
from ui.site_frame import focus_after_rerun, say

log = logging.getLogger(__name__)
SEND_FAILED = "暂时没能发送（系统故障），您写的问题还在上面。请稍后再点“发送给工作人员”。"
SHOWN_ARTICLES = 4  # per similar question; a phone screen full of one law's title helps nobody


def _read_published() -> list[BankEntry]:
    with session_scope() as session:
        return bank.published_entries(session=session)


def published_bank_entries() -> list[BankEntry]:
    """Read on every call: publishing or withdrawing shows at once. Where the database cannot be
    read none are shown (they only stand beside the answer) and the log says why; after a slow
    failure they are not read for a while (portal.db.beside_answer)."""
    return beside_answer(_read_published, instead=[], what="similar questions not shown")


class BankUnread(Exception):
    """The published question bank could not be read now (the database away; the log says why)."""


def served_bank_entries() -> list[BankEntry]:
    """The published entries for the search engine's bank, re-read every 30 s (ui.search_engine).
    Where the database cannot be read this raises, so the engine keeps the bank it serves (the
    shipped seed when it starts so): an empty list served no bank at all, and 相似问题 and the
    bank's vote went for as long as the database was away."""
    entries = beside_answer(_read_published, instead=None, what="published question bank not re-read")
    if entries is None:
        raise BankUnread("the published question bank could not be read")
    return entries


def similar_questions(searcher, query: str, hit_ids: list[str], *, k: int = 3,
                      exact: bool = False, as_typed: bool = False) -> list[SimilarQuestion]:
    """The engine's nearest published questions that cite an article shown or are as close as
    `tune` calibrated for its encoder (portal.search.bank.relevant_similar); without the engine's
    ranking, those sharing articles. For an article opened by number (`exact`: 民法典1077条, whose
    words say nothing of its subject), the questions a lawyer answered with that article.
    `as_typed`: the question was searched as typed (按原文查找), so no word is read as a typo here."""
    rank = getattr(searcher, "similar_questions", None)
    if exact and hit_ids:
        return similar_by_articles(hit_ids[:1], published_bank_entries(), k=k)
    if rank is not None:
        try:   # the nearest, but only those that belong beside this answer
            near = list(rank(query, k=k * CANDIDATES, **({"as_typed": True} if as_typed else {})))
            rule = getattr(searcher, "similar_rule", None) or SimilarRule()
            return relevant_similar(near, hit_ids[:rule.answer_depth], k=k, alone=rule.alone)
        except Exception:  # the bank ranking must never break the page
            log.warning("similar_questions failed; falling back to shared articles", exc_info=True)
    return similar_by_articles(hit_ids, published_bank_entries(), k=k)


def show_similar(items: list[SimilarQuestion], library: Library) -> None:
    if not items:
        return
    st.subheader("相似问题")
    st.caption("律师对类似问题援引的条文，供您参考；具体情况请以有关部门的答复为准。")
    for item in items:
        with st.container(border=True):
            st.markdown(f"**{markdown_escape(item.entry.question)}**")
            shown = [p for p in item.entry.provisions if library.provision(p)]
            more = f"　等共 {len(shown)} 条" if len(shown) > SHOWN_ARTICLES else ""
            st.markdown("　".join(provision_link(p, library) for p in shown[:SHOWN_ARTICLES]) + more)


def _holding(key: str, query: str) -> str:
    """`key` of a box that starts as the question on screen: a new search puts the new question in
    it (with value= it kept the first question of the visit, and 发送 sent that one)."""
    if st.session_state.get(f"{key}-for") != query or key not in st.session_state:
        st.session_state[f"{key}-for"] = query
        st.session_state[key] = query
    return key


def send_to_staff(query: str) -> None:
    """Opt-in: a citizen sends a question that found nothing useful to the bureau's staff."""
    sent = st.session_state.get("bank-sent") == query
    with st.expander("没有找到有用的条文？把问题发给工作人员", expanded=sent):   # open: the 已发送 is seen
        if sent:
            st.success(done := "已发送。工作人员整理后会把答案收入常见问题，届时可在“相似问题”中看到。不会单独回复您。")
            say(done, token=query)
            return
        st.warning("请不要写姓名、身份证号、电话、住址等个人信息。发送的问题中的身份证号和电话号码会被自动隐去；"
                   "我们不记录是谁发送的。如需办理具体事项，请使用网上预登记。")
        # not 您的问题: the search box has that name. No max_chars: the browser drops a longer paste
        # without a word; sending says what is too long
        text = st.text_area("发给工作人员的问题", key=_holding("bank-send-text", query))
        st.caption(f"最多{bank.MAX_CHARS}字。工作人员未处理的问题保存 {inbox.UNHANDLED_TTL.days} 天后删除。")
        if st.button("发送给工作人员", key="bank-send"):
            try:
                with session_scope() as session:
                    inbox.send_question(session=session, text=text, client=client_info())
            except (ValidationFailed, RateLimited) as error:
                st.error(error.errors[0].message if isinstance(error, ValidationFailed) else str(error))
            except STORAGE_FAILURES as exc:   # the answer above stays; so does what was written
                log.warning("a sent-in question not stored: the database failed (%s)", failure_reason(exc))
                st.error(SEND_FAILED)
            else:
                st.session_state["bank-sent"] = query
                st.rerun()


def cited_provision(text: str, library: Library) -> tuple[str | None, str]:
    """(provision id, "") for a citation as staff write it — 民法典第五百七十七条, 信访工作条例第32条,
    or the id itself — else (None, what is wrong, in words): portal.search.citing."""
    return read_citation(text, library=library, aliases=get_law_aliases())


def provision_picker(key: str, library: Library, *, searcher=None, initial: tuple[str, ...] = ()) -> list[str]:
    """A list of provision ids kept in session state: remove, add by id, or add from a search."""
    state_key = f"picker-{key}"
    if state_key not in st.session_state:
        st.session_state[state_key] = list(initial)
    chosen: list[str] = st.session_state[state_key]
    for i, pid in enumerate(chosen):
        with st.container(key=f"named-buttons-{state_key}-{i}"):   # 移除 names its article (accessibility)
            cols = st.columns([5, 1])
            cols[0].markdown(provision_link(pid, library))
            if cols[1].button(f"移除 *{provision_title(pid, library)}*", key=f"{state_key}-rm-{i}"):
                chosen.pop(i)
                st.rerun()
    by_id = st.text_input("按条文附上（例如 民法典第五百七十七条、信访工作条例第32条）", key=f"{state_key}-id")
    if st.button("附上这一条", key=f"{state_key}-add"):
        pid, problem = cited_provision(by_id, library)
        if problem:
            st.error(problem)
        elif pid in chosen:   # said, not silently nothing: the list above already has it
            st.info(f"{provision_title(pid, library)}已经附上了。")
        else:
            chosen.append(pid)
            st.rerun()
    if searcher is not None:
        words = st.text_input("或搜索条文", key=f"{state_key}-q", placeholder="例如：拖欠工资 劳动仲裁")
        if words.strip():
            hits = [(j, hit.provision_id) for j, hit in enumerate(searcher.search(words, k=5).hits)
                    if library.provision(hit.provision_id) is not None]
            for j, pid in hits:
                with st.container(key=f"named-buttons-{state_key}-hit-{j}"):
                    cols = st.columns([5, 1])
                    cols[0].markdown(f"{provision_link(pid, library)}：{markdown_escape(library.provision(pid).body[:60])}")
                    if cols[1].button(f"附上 *{provision_title(pid, library)}*", key=f"{state_key}-hit-{j}",
                                      disabled=pid in chosen):
                        chosen.append(pid)
                        # the button pressed is now disabled: the focus goes on to the next result's
                        # 附上, else back to the search box (it fell to the page's body)
                        after = next((k for k, other in hits if k > j and other not in chosen), None)
                        focus_after_rerun(f".st-key-{state_key}-q input" if after is None
                                          else f".st-key-{state_key}-hit-{after} button")
                        st.rerun()
    return list(chosen)


def file_into_bank(actor: Actor, query: str, hit_ids: list[str], library: Library) -> None:
    """For a signed-in staff member on 法律问答: file the question with the articles they confirm."""
    with st.expander("收入常见问题库（工作人员）"):
        if (done := st.session_state.get("bank-filed")) and done[0] == query:
            st.success(done[1])
            say(done[1], token=query)
            return
        text = st.text_area("问题（可修改措辞，请删去个人信息）", max_chars=bank.MAX_CHARS,
                            key=_holding("bank-file-text", query))
        # each article confirmed by itself: Streamlit's 全选 would file every result as the answer
        confirmed = st.multiselect("确认适用的条文", hit_ids, default=hit_ids[:1], key="bank-file-ids",
                                   format_func=lambda p: provision_title(p, library), select_all=False)
        states = ["草稿", "已发布"] if actor.has(COUNSEL) else ["草稿"]
        state = st.radio("收入为", states, horizontal=True, key="bank-file-state")
        if st.button("收入问题库", key="bank-file"):
            try:
                with session_scope() as session:
                    entry = bank.file_from_search(session=session, actor=actor, library=library, question=text,
                                                  provision_ids=confirmed, publish=state == "已发布")
                    message = f"已收入常见问题库（编号 {entry.id}，{entry.state}）。"
            except ValidationFailed as error:
                st.error("；".join(e.message for e in error.errors))
            else:
                from ui.search_engine import bank_changed  # (it imports this module)

                bank_changed()
                st.session_state["bank-filed"] = (query, message)
                st.rerun()
