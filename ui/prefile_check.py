"""核对 (check your answers) with the provisions, cases and channel the complaint points to,
then the confirmation with the reference code, secret and receipt."""

from __future__ import annotations

import json
import logging

import streamlit as st

from portal.db import STORAGE_FAILURES, failure_reason, session_scope
from portal.field_errors import ValidationFailed
from portal.prefiling import channels
from portal.prefiling import form as F
from portal.prefiling.codes import grouped
from portal.prefiling.drafts import forget_marker
from portal.prefiling.ratelimit import RateLimited
from portal.prefiling.receipt import HOW_YOU_HEAR, make_receipt
from portal.prefiling.service import SubmitUnconfirmed, submit
from portal.search.related import related_cases
from portal.text.escape import html_escape, html_lines, markdown_escape
from ui import cases_source, search_engine
from ui.accessibility import page_link
from ui.links import case_link, provision_link
from ui.prefile_state import S, goto, on_again, on_back, on_change_answer, receipt_of
from ui.prefile_ui import client_info
from ui.resources import get_library
from ui.site_frame import copy_button, focus_once, office, run_in_tab

log = logging.getLogger(__name__)


def _answers(data: dict) -> list[tuple[str, str, str, str]]:
    """(step, field, label, shown value) for every answer, in form order."""
    out = [("petitioner", "name", "姓名", data["name"]), ("petitioner", "id_number", "身份证号码", data["id_number"]),
           ("petitioner", "phone", "联系电话", data["phone"]), ("petitioner", "address", "住址", data["address"])]
    for group in ("agents", "representatives"):
        people = data.get(group) or []
        shown = "；".join(" ".join(x for x in (p.get("name"), F.relation_label(p.get("relation") or ""), p.get("phone"))
                                  if x) for p in people)
        out.append(("petitioner", group, F.FIELD_LABELS[group], shown or "无"))
    out += [("matter", "district", "问题属地", data["district"]), ("matter", "category", "类别", data["category"]),
            ("matter", "subject", "被反映对象", data.get("subject") or "未填写"),
            ("matter", "request", "诉求", data["request"]), ("matter", "facts", "事实与理由", data["facts"]),
            ("matter", "attachments", "附件",
             "、".join(a.get("label") or a["kind"] for a in data.get("attachments") or []) or "无"),
            ("history", "raised_before", "是否已向其他机关反映", data["raised_before"])]
    if data["raised_before"] == "是":
        out += [("history", "raised_where", "向哪个机关反映过", data["raised_where"]),
                ("history", "raised_stage", "目前进展", data["raised_stage"])]
    return out


# A summary list, each answer a row ruled off from the next. The 修改 buttons line up at the right
# edge, on the first line of their row: label · value · 修改 on a wide screen; on a phone the label
# and 修改 share the first line and the value takes the whole width below (in a wrapping flex row
# the button followed the value's end, or dropped to a line of its own when the value was long).
# The button shows 修改 only and names its field to a screen reader alone, as GOV.UK's summary list
# does: 修改「身份证号码」 wrapped at 320 px in 大字号, centred, under the row's first line.
ANSWERS_CSS = """<style>
.st-key-pf-answers [class*='st-key-pf-answer-'] {display:grid !important;
  grid-template-columns:8em minmax(0, 1fr) auto;gap:0.2rem 0.75rem;align-items:baseline;
  border-bottom:1px solid #6b6b6b;padding:0.3rem 0 0.5rem 0;}
.st-key-pf-answers [class*='st-key-pf-answer-'] > div {width:auto !important;min-width:0;}
.st-key-pf-answers [class*='st-key-pf_change_'] {justify-self:end;}
.st-key-pf-answers .answer-value, .st-key-pf-answers p {margin:0 !important;overflow-wrap:anywhere;}
.st-key-pf-answers [data-testid='stMarkdownContainer'] {margin-bottom:0 !important;}
.st-key-pf-answers button p {text-decoration:underline;color:#0b3d91;font-weight:600;text-align:right;}
.st-key-pf-answers button, .st-key-pf-answers button * {white-space:normal !important;overflow:visible !important;
  text-overflow:clip !important;}
.st-key-pf-answers button em {position:absolute !important;width:1px !important;height:1px !important;
  overflow:hidden !important;clip-path:inset(50%) !important;white-space:nowrap !important;}
@media (max-width: 640px) {
  .st-key-pf-answers [class*='st-key-pf-answer-'] {grid-template-columns:minmax(5em, 1fr) minmax(0, max-content);}
  .st-key-pf-answers [class*='st-key-pf-answer-'] > div:nth-child(2) {grid-column:1 / -1;grid-row:2;}
}
</style>"""


def _show_answers(data: dict) -> None:
    st.html(ANSWERS_CSS)
    with st.container(key="pf-answers", gap="small"):
        for i, (step, field, label, value) in enumerate(_answers(data)):
            with st.container(horizontal=True, gap="small", key=f"pf-answer-{i}"):
                st.markdown(f"**{markdown_escape(label)}**")
                st.markdown(f'<p class="answer-value">{html_escape(value)}</p>', unsafe_allow_html=True)
                # seen: 修改 (the row says which answer); heard: 修改 姓名 (the field name in *…*, hidden)
                st.button(f"修改*{label}*", key=f"pf_change_{i}", on_click=on_change_answer, args=(step, field),
                          type="tertiary")


def _show_retrieval(data: dict) -> list[str]:
    library = get_library()
    text = f"{data['request']} {data['facts']}"[:500]
    st.markdown("#### 与您反映的问题相关的法律规定")
    try:
        response = search_engine.get_searcher().search(text, k=5)
        hits = [h for h in response.hits if library.provision(h.provision_id)] if response.confident else []
    except Exception:  # the search engine must never block a submission
        log.exception("search failed on the pre-filing check page")
        hits = []
    if not hits:
        st.caption("没有检索到足够相关的条文。这不影响您提交。")
    for hit in hits:
        st.markdown(provision_link(hit.provision_id, library))
        with st.expander("查看条文原文"):
            st.markdown(f'<div class="article">{html_lines(library.provision(hit.provision_id).text)}</div>',
                        unsafe_allow_html=True)
    return [h.provision_id for h in hits]


def _show_cases(ids: list[str]) -> None:
    related = related_cases(ids, cases_source.published_cases())
    if related:
        st.markdown("#### 相关典型案例")
        for case in related:
            st.markdown(f"**{case_link(case.slug, case.title)}**（{markdown_escape(case.category)}）  \n"
                        f"{markdown_escape(case.summary)}")
        st.caption("案例在新标签页打开，您填写的内容留在这里。")


def _show_channels(data: dict) -> list[str]:
    library = get_library()
    text = channels.channel_input(subject=data.get("subject", ""), request=data["request"], facts=data["facts"])
    raised = data["raised_before"] == "是"
    stage = data.get("raised_stage", "") if raised else ""
    ids: list[str] = []
    for warning in channels.warnings(raised_before=raised, stage=stage):
        st.warning(warning.message)
        st.markdown("依据：" + "、".join(provision_link(p, library) for p in warning.provision_ids))
    suggestions = channels.suggest(category=data["category"], text=text, stage=stage)
    if suggestions:
        st.markdown("#### 建议您同时了解的途径（诉讼与信访分离）")
        st.caption("根据《信访工作条例》第二十二条、第二十八条、第三十一条，下列事项依法有专门的处理途径。"
                   "您仍然可以提交预登记；但提交信访不等于申请仲裁、行政复议或者起诉，这些途径都有期限，请抓紧办理，不要耽误。")
    for s in suggestions:
        with st.container(border=True):
            st.markdown(f"**{markdown_escape(s.rule.channel)}**：{markdown_escape(s.rule.advice)}")
            st.markdown("依据：" + "、".join(provision_link(p, library) for p in s.rule.provision_ids))
        ids += s.rule.provision_ids
    return ids


def submit_failed_message() -> str:
    return ("暂时无法提交：您的材料还没有提交成功，上面核对的内容都还在。请稍等一会儿再点“确认提交”"
            f"（不会重复提交）。如果一直不成功，请拨打来访接待电话 {office().phone}。")


def submit_unconfirmed_message() -> str:
    return ("暂时无法确认提交结果：您的材料可能已经提交，也可能还没有，上面核对的内容都还在。请稍等一会儿再点“确认提交”："
            "已经提交的，会显示它的查询码和查询密码；还没有提交的，这时提交。都不会重复提交。"
            f"如果一直不成功，请拨打来访接待电话 {office().phone}。")


# The idempotency token of a form whose 确认提交 went unconfirmed in this session (the commit's answer
# lost): a later try that fails before it reaches the database cannot say 还没有提交成功, since the
# first may have stored the 件 (the token names the form: another form's failure still can)
UNCONFIRMED = "pf_unconfirmed_token"


def _on_submit() -> None:
    if S.get("pf_done"):   # a second tap while the receipt was on its way: the receipt (and its 查询密码) stands
        return
    data = S.pf_data
    errors = F.validate_all(data)
    if errors:
        goto(F.first_invalid_stage(data) or "consent")
        S.pf_errors = F.validate_stage(S.pf_step, data)
        return
    try:
        # one transaction: the 件 and the draft turned into its submitted marker (查询码, 查询密码),
        # so an answer lost after the commit is not a 件 without its 查询密码 (service.submit)
        with st.spinner("正在提交…"), session_scope() as session:
            result = submit(session=session, data=F.to_create(data), idempotency_token=S.pf_token,
                            client=client_info(), draft_code=S.get("pf_draft"))
    except RateLimited as exc:
        S.pf_submit_error = str(exc)
        return
    except ValidationFailed as failed:  # validate_all above agrees; this is the service's own check
        goto(F.first_invalid_stage(data) or "check")
        S.pf_errors = failed.errors
        return
    except SubmitUnconfirmed as exc:   # the commit's answer was lost: stored or not, the next try tells
        log.warning("pre-filing: submitting unconfirmed, the commit failed: %s", failure_reason(exc.__cause__ or exc))
        S[UNCONFIRMED] = S.pf_token
        S.pf_submit_error = submit_unconfirmed_message()
        return
    except STORAGE_FAILURES as exc:   # this try stored nothing (one transaction); the answers are all here
        log.warning("pre-filing: submitting failed: %s", failure_reason(exc))
        # but an earlier try of this form whose answer was lost may have stored it: still unknown
        unconfirmed = S.get(UNCONFIRMED) is not None and S.get(UNCONFIRMED) == S.pf_token
        S.pf_submit_error = submit_unconfirmed_message() if unconfirmed else submit_failed_message()
        return
    S.pop("pf_submit_error", None)
    S.pop(UNCONFIRMED, None)
    p = result.prefiling
    S.pf_done = receipt_of(code=result.code, secret=result.secret, received=p.received_date, category=p.category,
                           district=p.district, request=data.get("request", ""), marker=S.get("pf_draft"))
    st.query_params.pop("draft", None)


def check() -> None:
    data = S.pf_data
    st.subheader("核对您填写的内容")
    st.caption("请逐项核对。需要修改的，点击该项旁边的“修改”。")
    try:   # shown as it will be stored: spaces and invisible characters gone, phone and ID tidied
        shown = F.as_form(F.to_create(data))
    except ValueError:
        shown = data
    _show_answers(shown)
    st.divider()
    channel_ids = _show_channels(data)
    _show_cases(_show_retrieval(data) + channel_ids)  # the complaint's own provisions rank first
    st.divider()
    if S.get("pf_submit_error"):
        st.error(S.pf_submit_error)
    if S.get("pf_save_error"):   # 上一步's save refused: above the button pressed, as on the other steps
        st.error(S.pf_save_error)
    st.markdown("提交后您会得到**查询码**和**查询密码**，请记下，或保存回执。")
    # beside it 上一步, as on every other step (only 修改 per answer left no plain way back to step 4)
    submit_col, back_col = st.columns(2)
    with submit_col:
        st.button("确认提交", type="primary", on_click=_on_submit, key="pf_submit")
    with back_col:
        st.button("上一步", on_click=on_back, args=(F.CHECK_STAGE,), key="pf_check_back")


# The receipt survives an accidental reload (pull-to-refresh) in the same browser tab: the code and
# secret are kept in the tab's sessionStorage — never sent to the server again, gone when the tab
# closes — and the form's first page shows them again for an hour, until the citizen clears them.
RECEIPT_STORE = "pf-receipt"
RECEIPT_KEPT_MINUTES = 60
_KEEP_SCRIPT = """<script>
try { sessionStorage.setItem(%(store)s, JSON.stringify({code: %(code)s, secret: %(secret)s, at: Date.now()})); }
catch (e) {}
</script>"""
_SHOW_SCRIPT = """<div id="pf-kept-receipt"></div>
<script>
(function () {
  let kept = null;
  try { kept = JSON.parse(sessionStorage.getItem(%(store)s) || 'null'); } catch (e) {}
  const box = document.getElementById('pf-kept-receipt');
  if (!box || !kept || Date.now() - kept.at > %(ms)d) { try { sessionStorage.removeItem(%(store)s); } catch (e) {} return; }
  const p = (t, c) => { const el = document.createElement('p'); el.textContent = t; if (c) el.className = c; return el; };
  const panel = document.createElement('div');
  panel.className = 'confirm-panel'; panel.setAttribute('role', 'status');
  panel.append(p('您刚才已提交预登记，请记下：'), p('查询码'), p(kept.code, 'panel-code'),
               p('查询密码'), p(kept.secret, 'panel-code'));
  const clear = document.createElement('button');
  clear.type = 'button'; clear.textContent = '我已记下，不再显示';
  clear.className = 'kept-receipt-clear';
  clear.onclick = () => { try { sessionStorage.removeItem(%(store)s); } catch (e) {} box.replaceChildren(); };
  box.replaceChildren(panel, clear);
})();
</script>"""


# The draft's code, kept the same way: Back drops ?draft=… from the address while the step stays on
# screen, and a reload then opened an empty form without a word about the draft. The form's first
# page offers to go on with it; submitting forgets it.
DRAFT_STORE = "pf-draft"
_KEEP_DRAFT_SCRIPT = """<script>
try { sessionStorage.setItem(%(store)s, %(code)s); } catch (e) {}
</script>"""
_FORGET_SCRIPT = """<script>
try { sessionStorage.removeItem(%(store)s); } catch (e) {}
</script>"""
_SHOW_DRAFT_SCRIPT = """<div id="pf-kept-draft"></div>
<script>
(function () {
  let code = null;
  try { code = sessionStorage.getItem(%(store)s); } catch (e) {}
  const box = document.getElementById('pf-kept-draft');
  if (!box || !code) return;
  const p = document.createElement('p');
  p.className = 'kept-draft';
  p.textContent = '这个窗口里有一份还没有提交的草稿（草稿码 ' + code + '）。';
  const a = document.createElement('a');
  // the reader's 大字号 / 高对比度 goes with them (the address's a11y)
  const a11y = new URLSearchParams(location.search).get('a11y');
  a.href = location.pathname + '?draft=' + encodeURIComponent(code) + (a11y ? '&a11y=' + encodeURIComponent(a11y) : '');
  a.target = '_self';
  a.textContent = '继续填写这份草稿';
  p.append(' ', a);
  box.replaceChildren(p);
})();
</script>"""


def forget_receipt_in_tab() -> None:
    """结束查询 on a shared computer: this tab shows the kept receipt (查询码 and 查询密码) no more."""
    run_in_tab(_FORGET_SCRIPT % {"store": json.dumps(RECEIPT_STORE)})


def forget_draft_in_tab() -> None:
    """Filed or deleted: this tab offers the draft no more."""
    run_in_tab(_FORGET_SCRIPT % {"store": json.dumps(DRAFT_STORE)})


def keep_draft_in_tab(code: str) -> None:
    """Once per draft code: this tab remembers it (run_in_tab; nothing moves on the page)."""
    if S.get("pf_draft_kept") != code:
        S.pf_draft_kept = code
        run_in_tab(_KEEP_DRAFT_SCRIPT % {"store": json.dumps(DRAFT_STORE), "code": json.dumps(code)})


def show_kept_draft() -> None:
    """On the form's first page with no draft open: the draft this tab was filling in, if any."""
    st.html(_SHOW_DRAFT_SCRIPT % {"store": json.dumps(DRAFT_STORE)}, unsafe_allow_javascript=True)


def keep_in_tab(code: str, secret: str) -> None:
    st.html(_KEEP_SCRIPT % {"store": json.dumps(RECEIPT_STORE), "code": json.dumps(code),
                            "secret": json.dumps(secret)}, unsafe_allow_javascript=True)


def show_kept_receipt() -> None:
    """On the form's first page: the receipt this tab was shown, if the page was reloaded on it."""
    st.html(_SHOW_SCRIPT % {"store": json.dumps(RECEIPT_STORE), "ms": RECEIPT_KEPT_MINUTES * 60_000},
            unsafe_allow_javascript=True)


def confirmation() -> None:
    """A GOV.UK-style panel first: the 查询码 and the one-time 查询密码, large, with 复制 and 保存."""
    done = S.pf_done
    receipt = make_receipt(code=done["code"], secret=done["secret"], submitted=done["submitted"],
                           category=done["category"], district=done["district"], office=office(),
                           request=done.get("request", ""))
    code = grouped(done["code"])
    rows = f'<p>查询码</p><p class="panel-code">{html_escape(code)}</p>'
    if done["secret"]:
        rows += f'<p>查询密码</p><p class="panel-code">{html_escape(done["secret"])}</p>'
    st.html(f'<div class="confirm-panel" id="confirm-panel" tabindex="-1"><h1>预登记已提交</h1>{rows}</div>')
    # 确认提交 is gone and the focus fell to the page's body: a screen reader starts at the panel
    # (预登记已提交, the 查询码 and the once-only 查询密码), not at the top of the page
    focus_once("confirm-panel", done["code"], scroll=False, take=False)
    if done["secret"]:
        st.html('<p class="once">查询密码只显示这一次。请现在抄下、复制或保存回执；不要告诉他人。</p>')
        keep_in_tab(code, done["secret"])
        forget_draft_in_tab()   # filed: no draft to go on with
        copy_button(f"查询码：{code} 查询密码：{done['secret']}", "复制查询码和查询密码")
    else:
        # the 查询密码 is shown once, and no longer kept (the receipt was drawn, or a day has passed):
        # whether that page ever reached this person is not known, so it is not claimed
        st.info("这份材料已经提交过了，上面是它的查询码。查询密码只在提交成功的页面上显示一次，这里不能再显示。"
                f"如果您没有记下查询密码，请拨打来访接待电话 {office().phone}，告知查询码，工作人员可以帮您查询办理进度。")
        copy_button(f"查询码：{code}", "复制查询码")
    st.info(HOW_YOU_HEAR)   # nothing is sent: a citizen who waits for a call never sees 需补充材料
    c1, c2 = st.columns(2)
    c1.download_button("保存回执（可打印的网页）", receipt.html(), file_name=f"回执-{done['code']}.html",
                       mime="text/html", key="pf_dl_html", icon=":material/download:")
    c2.download_button("保存回执（纯文字）", receipt.text_file(), file_name=f"回执-{done['code']}.txt",
                       mime="text/plain; charset=utf-8", key="pf_dl_txt")
    st.success("您的网上信访预登记已提交。这是预登记，还没有正式登记，也不是受理。")
    st.markdown("#### 回执")
    with st.container(border=True):
        st.markdown(f'<div class="answer-value">{html_escape(receipt.text())}</div>', unsafe_allow_html=True)
    # the 查询码 filled in there (not the 查询密码: the address stays in the browser's history)
    page_link("pages/lookup.py", label="去查询办理进度", icon=":material/manage_search:",
              query_params={"code": grouped(done["code"])})
    st.button("再填写一份预登记", on_click=on_again, key="pf_again")
    _forget_marker(done)


def _forget_marker(done: dict) -> None:
    """The receipt is drawn: the draft's submitted marker (the 查询密码 kept for a lost answer) goes.
    Once, best effort: if the database is away now, it expires in 24 hours all the same."""
    if not (code := done.pop("marker", None)):
        return
    try:
        with session_scope() as session:
            forget_marker(session=session, code=code)
    except Exception as exc:  # never a fault page over the receipt the citizen must read
        log.warning("pre-filing: the submitted marker was not deleted: %s", failure_reason(exc))
