"""网上预登记 as a citizen uses it (AppTest): consent to receipt, errors, drafts, duplicates."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, func, select

from portal.clock import StatutoryClock
from portal.db import get_engine
from portal.prefiling.models import Prefiling
from portal.prefiling.receipt import date_text
from portal.search.api import SearchHit, SearchResponse
from portal.timeutil import beijing_today
from tests.conftest import page_text
from tests.prefiling.factories import valid_id

PAGE = "pages/prefile.py"


class FakeSearcher:
    def search(self, query, *, k=10):
        return SearchResponse(query=query, hits=[SearchHit("laodong-zhengyi-tiaojie-zhongcai-fa-2007:第二十七条", 1.0)])


@pytest.fixture
def open_form(app_page, monkeypatch):
    """The form's first step, with a fake searcher. ui.* is imported only after the first AppTest
    run: importing it earlier leaves Streamlit in pages-folder mode, where app.py never runs."""

    def run(**query):
        at = app_page(PAGE, **query)
        import ui.search_engine

        clear_rate_events()  # every AppTest shares the session id "test session id"

        monkeypatch.setattr(ui.search_engine, "get_searcher", lambda: FakeSearcher())
        return at

    return run


def clear_rate_events() -> None:
    from sqlmodel import delete

    from portal.prefiling.models import RateEvent

    with Session(get_engine()) as s:
        s.exec(delete(RateEvent))
        s.commit()


def count_prefilings() -> int:
    with Session(get_engine()) as s:
        return s.exec(select(func.count()).select_from(Prefiling)).one()


def click(at, label):
    [button] = [b for b in at.button if b.label == label]
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def fill_text(at, label, value):
    [box] = [w for w in list(at.text_input) + list(at.text_area) if w.label == label]
    box.input(value)


def consent(at):
    at.checkbox(key="pf_w_consent").check()
    return click(at, "继续")


def petitioner(at, id_number=None):
    fill_text(at, "姓名", "张秀兰")
    fill_text(at, "身份证号码", id_number or valid_id())
    fill_text(at, "联系电话（手机或固定电话）", "13812345678")
    fill_text(at, "住址", "历下区文化东路1号")
    return click(at, "继续")


def matter(at, facts="公司拖欠工资半年，多次讨要未果。"):
    fill_text(at, "问题属地（区、县、市）", "历下区")
    at.radio(key="pf_w_category").set_value("申诉求决")
    fill_text(at, "诉求", "请求督促公司支付拖欠的工资。")
    fill_text(at, "事实与理由", facts)
    return click(at, "继续")


def history(at, answer="否", stage=None):
    at.radio(key="pf_w_raised_before").set_value(answer)
    if answer == "是":
        fill_text(at, "向哪个机关、单位反映过（选“是”的填写）", "区人社局")
        at.radio(key="pf_w_raised_stage").set_value(stage)
    return click(at, "继续")


def test_full_journey_from_consent_to_receipt(open_form):
    at = open_form()
    assert "须知与授权" in page_text(at) and "第 1 步，共 5 步" in page_text(at)
    consent(at)
    assert "第 2 步，共 5 步：信访人" in page_text(at)
    petitioner(at)
    matter(at)
    history(at)
    text = page_text(at)
    assert "核对您填写的内容" in text and "张秀兰" in text
    assert "劳动争议仲裁" in text                                 # channel suggestion
    assert "第二十七条" in text                                   # provision from the (fake) searcher
    assert any(b.label == "修改*姓名*" for b in at.button)
    before = count_prefilings()
    click(at, "确认提交")
    text = page_text(at)
    assert count_prefilings() == before + 1
    assert "这是预登记，还没有正式登记，也不是受理" in text
    # beside the codes, how answers come: no notice is sent (journey review M7)
    assert ("本网站不发短信或其他通知。工作人员的答复都显示在“进度查询”页面，请每隔几天用查询码和查询密码查看一次；"
            "需要时，工作人员也可能按您留下的电话联系您。") in [i.value for i in at.info]
    # the confirmation panel comes first: title, 查询码 and 查询密码 large, then the once-only warning
    bodies = [el.proto.body for el in at.html if not el.proto.unsafe_allow_javascript]
    panel = next(b for b in bodies if "confirm-panel" in b)
    code, secret = re.findall(r'<p class="panel-code">([^<]+)</p>', panel)
    assert "预登记已提交" in panel and re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2}", code) and len(secret) == 8
    once = bodies.index(next(b for b in bodies if "只显示这一次" in b))
    assert bodies.index(panel) < once
    copy = next(b for b in bodies if "copy-btn" in b)
    assert f'data-copy="查询码：{code} 查询密码：{secret}"' in copy and "复制查询码和查询密码" in copy
    # 去查询办理进度 fills the 查询码 in (never the 查询密码: the address stays in the history)
    [to_lookup] = [link for link in at.get("page_link") if link.label == "去查询办理进度"]
    assert to_lookup.proto.query_string == f"code={code}" and secret not in to_lookup.proto.query_string
    today = beijing_today()
    clock = StatutoryClock(today)
    assert date_text(clock.acceptance_due()) in text               # 15 days
    assert date_text(clock.handling_due()) in text                 # 60 days
    assert date_text(clock.handling_due(extended=True)) in text    # +30
    for milestone in clock.timeline()[2:]:   # the citizen's own periods are not guessed before the answer
        assert date_text(milestone.due) not in text
    labels = [d.label for d in at.get("download_button")]
    assert labels == ["保存回执（可打印的网页）", "保存回执（纯文字）"]
    assert "示范市信访局 网上信访预登记回执" in text                  # the receipt names the bureau


def test_the_notice_says_where_to_ask_for_ones_data_and_to_use_ones_own_device(open_form):
    """个人信息保护法 rights are named with a way to use them (the bureau's reception phone and hall),
    and a citizen on a shared computer is told what to do before leaving it."""
    from portal.settings import get_settings

    text = page_text(open_form())
    settings = get_settings()
    assert "查阅、更正或删除" in text
    assert f"请拨打来访接待电话 {settings.bureau_phone} 或到{settings.bureau_address}提出" in text
    assert "请用自己的手机或电脑填写" in text and "点“再填写一份预登记”后再关闭页面" in text
    assert "身份证号码的加密摘要" in text          # the repeat matching is said, not only done
    assert (settings.retention_days, settings.withdrawn_retention_days) == (1095, 30)
    assert "办结或不予登记后 3 年（1095 天）；您撤回的，撤回后 30 天。" in text


def test_a_retention_that_is_no_whole_number_of_years_is_said_in_days(open_form, monkeypatch):
    from portal.settings import get_settings

    monkeypatch.setenv("PORTAL_RETENTION_DAYS", "400")
    monkeypatch.setenv("PORTAL_WITHDRAWN_RETENTION_DAYS", "730")
    get_settings.cache_clear()
    try:
        text = page_text(open_form())
    finally:
        monkeypatch.delenv("PORTAL_RETENTION_DAYS")
        monkeypatch.delenv("PORTAL_WITHDRAWN_RETENTION_DAYS")
        get_settings.cache_clear()
    assert "办结或不予登记后 400 天；您撤回的，撤回后 2 年（730 天）。" in text


def test_the_consent_error_quotes_the_box_as_it_is_labelled(open_form):
    at = click(open_form(), "继续")                                  # not ticked
    [box] = at.checkbox
    assert box.label == "我已阅读以上须知，同意按上述方式处理我的个人信息"
    assert f"请勾选“{box.label}”，才能继续填写。" in page_text(at)


def test_an_agent_who_is_staff_reads_as_the_petitioners_own_staff(open_form):
    """山东省信访条例第二十八条（一）'s 工作人员 are the petitioner's (a unit's) own, not the bureau's:
    so the choice and the check page say; the stored value stays 工作人员."""
    at = consent(open_form())
    text = page_text(at)
    assert "委托代理人的，要有信访人的书面委托（授权委托书）" in text and "推荐书或介绍信" in text
    assert "请在下面“代理人”中填写您自己" in text
    at.selectbox(key="pf_w_agents_count").set_value(1)
    click(at, "更新填写栏")
    relation = at.selectbox(key="pf_w_agents_0_relation")
    assert "信访人单位的工作人员（信访人是单位时）" in relation.options and "工作人员" not in relation.options
    relation.set_value("工作人员")
    fill_text(at, "第1位代理人的姓名", "李明")
    fill_text(at, "第1位代理人的电话", "13900001111")
    petitioner(at)
    matter(at)
    history(at)
    assert at.session_state["pf_data"]["agents"][0]["relation"] == "工作人员"
    assert "李明 信访人单位的工作人员（信访人是单位时） 139" in page_text(at)



def test_the_agents_relation_is_asked_of_the_agent_to_the_petitioner(open_form):
    """The step asks whoever fills it in for someone else to enter themselves as 代理人; the choice
    then asked "第1位代理人与您的关系" — you being the agent too, whose relation to whom (监护人 of
    which?) read two ways (journey review). It asks what the agent is to the petitioner."""
    at = consent(open_form())
    at.selectbox(key="pf_w_agents_count").set_value(1)
    click(at, "更新填写栏")
    assert at.selectbox(key="pf_w_agents_0_relation").label == "第1位代理人是信访人的什么人"
    assert not [b for b in at.selectbox if "与您的关系" in b.label]
    fill_text(at, "第1位代理人的姓名", "李明")
    fill_text(at, "第1位代理人的电话", "13900001111")
    text = page_text(petitioner(at))                       # no relation chosen
    assert "第1位代理人与信访人的关系：请选择第1位代理人是信访人的什么人。" in text   # the summary
    assert "与您的关系" not in text

def test_filling_in_another_leaves_no_earlier_receipt_for_the_next_person(open_form):
    """再填写一份预登记 on a shared phone or the hall's computer: the next form does not show the
    查询码 and 查询密码 this tab kept after 确认提交 (a reload shows them again for an hour)."""
    at = history(matter(petitioner(consent(open_form()))))
    click(at, "确认提交")
    assert [el for el in at.html if '"pf-receipt", JSON.stringify' in el.proto.body]   # kept in the tab
    click(at, "再填写一份预登记")
    assert "须知与授权" in page_text(at)
    scripts = [el.proto.body for el in at.html if el.proto.unsafe_allow_javascript]
    assert any('sessionStorage.removeItem("pf-receipt")' in b for b in scripts)
    assert not any('id="pf-kept-receipt"' in b for b in scripts)


def test_errors_appear_in_the_summary_and_inline_and_nothing_typed_is_lost(open_form):
    at = consent(open_form())
    fill_text(at, "姓名", "张秀兰")
    fill_text(at, "身份证号码", "110105194912310021")
    fill_text(at, "联系电话（手机或固定电话）", "12345")
    click(at, "继续")
    html = "\n".join(str(m.value) for m in at.markdown)
    assert "有 3 处需要修改" in html
    for message in ("身份证号码的最后一位校验不通过，可能有一位输错了，请逐位核对。",
                    "请填写住址，写到门牌号，方便书面答复送达。"):
        assert html.count(message) == 2                            # once in the summary, once inline
    assert "第 2 步" in page_text(at)
    assert at.text_input(key="pf_w_name").value == "张秀兰"
    assert at.text_input(key="pf_w_id_number").value == "110105194912310021"
    at.run()                                                       # a plain rerun keeps it too
    assert at.text_input(key="pf_w_name").value == "张秀兰"


def test_draft_survives_a_browser_refresh(open_form):
    at = petitioner(consent(open_form()))
    code = at.session_state["pf_draft"]
    assert at.query_params["draft"] == code
    assert "本步填写的内容，点“继续”或“上一步”时保存" in page_text(at)   # what a reload keeps, said
    fresh = open_form(draft=code)                              # a new session, the same link
    assert "第 3 步，共 5 步：信访事项" in page_text(fresh)
    assert fresh.session_state["pf_data"]["name"] == "张秀兰"
    click(fresh, "上一步")
    assert fresh.text_input(key="pf_w_name").value == "张秀兰"


def test_a_draft_opened_from_a_link_says_whose_it_must_be_and_can_be_left(open_form):
    """Its code is all it takes to read a draft: a link someone else sent opens their draft, and
    what is typed into it they can read. The page says so, once, until this tab saves; and offers a
    fresh form instead."""
    code = petitioner(consent(open_form())).session_state["pf_draft"]
    linked = open_form(draft=code)
    assert "如果它不是您本人开始填写的" in page_text(linked) and "最后保存于" in page_text(linked)
    click(linked, "上一步")                                     # answered in this tab: not said again
    assert "如果它不是您本人开始填写的" not in page_text(linked)
    other = open_form(draft=code)
    click(other, "不用这份草稿，重新填写")
    text = page_text(other)
    assert "第 1 步" in text and "如果它不是您本人开始填写的" not in text and code not in text
    assert "draft" not in other.query_params and not other.session_state["pf_data"].get("name")
    assert _stored_name(code) == "张秀兰"                      # the draft itself is left as it was


def test_the_check_step_links_its_typical_cases_in_a_new_tab(open_form):
    """相关典型案例 on 核对: each title opens its case in a new tab; the form stays where it is."""
    at = history(matter(petitioner(consent(open_form()))))
    assert "核对您填写的内容" in page_text(at) and "相关典型案例" in page_text(at)
    links = [m.value for m in at.markdown if "/cases?case=" in m.value]
    assert links and all("在新标签页打开" in m for m in links)
    assert not [p for p in at.get("page_link") if p.proto.page.endswith("cases.py")]   # nothing leaves the form


def test_draft_can_be_resumed_by_typing_its_code(open_form):
    code = petitioner(consent(open_form())).session_state["pf_draft"]
    at = open_form()
    at.expander[0]  # the resume box is on the first step
    at.text_input(key="pf_w_resume_code").input(code.lower())
    click(at, "继续填写草稿")
    assert "信访事项" in page_text(at) and at.session_state["pf_data"]["name"] == "张秀兰"
    at2 = open_form()
    at2.text_input(key="pf_w_resume_code").input("ZZZZZZZZZZZZ")
    click(at2, "继续填写草稿")
    assert "没有找到这份草稿" in page_text(at2) and "已经提交的，草稿码也不能再用，请到“进度查询”" in page_text(at2)
    # nothing typed, or plainly not a draft code: said so, not "没有找到…输错了"
    for typed, says in (("", "请输入草稿码"), ("ABCD-EFGH", "草稿码是12位，您输入的是8位")):
        at2.text_input(key="pf_w_resume_code").input(typed)
        click(at2, "继续填写草稿")
        assert says in page_text(at2) and "没有找到这份草稿" not in page_text(at2)


def _in_order(node) -> list[tuple[str, str]]:
    """(element type, its text) from top to bottom, expanders' insides marked as such."""
    out = []
    for child in getattr(node, "children", {}).values():
        kind = type(child).__name__
        if kind == "Expander":
            out += [("in " + k, v) for k, v in _in_order(child)]
            continue
        value = getattr(child, "value", None) if kind not in ("Checkbox", "TextInput") else getattr(child, "label", "")
        if isinstance(value, str) and value:
            out.append((kind, value))
        out += _in_order(child)
    return out


def _expired(code: str) -> None:
    import datetime as dt

    from portal.prefiling.models import PrefilingDraft
    from portal.timeutil import utcnow

    with Session(get_engine()) as s:
        draft = s.get(PrefilingDraft, code)
        draft.updated_at = utcnow() - dt.timedelta(days=8)
        s.add(draft)
        s.commit()


def _brought_up(at) -> bool:
    return any('".st-key-pf-link-failed"' in el.proto.body for el in at.html if el.proto.unsafe_allow_javascript)


@pytest.mark.parametrize("how", ["mistyped", "expired", "submitted"])
def test_a_draft_link_that_opens_nothing_says_so_at_the_top_with_what_to_do(open_form, how):
    """/prefile?draft=… that finds nothing (a code cut short or mistyped, a draft past its 7 days, one
    submitted whose receipt has been drawn): an empty step 1 with the reason folded in 用草稿码继续填写
    at its foot, and it blamed a typo or the 7 days, never a submission. It is said at the top of the
    form, in the same words for every cause (nothing told to whoever did not have the code), with
    进度查询 for a citizen who submitted, and goes once the form is filled in anew."""
    from tests.conftest import said
    from ui.prefile_steps import dead_link
    from ui.site_frame import office

    if how == "mistyped":
        code = "ZZZZ2345ZZZZ"
    else:
        at = petitioner(consent(open_form()))
        code = at.session_state["pf_draft"]
        if how == "expired":
            _expired(code)
        else:
            click(history(matter(at)), "确认提交")   # the receipt drawn: its marker is gone
            assert "预登记已提交" in "".join(el.proto.body for el in at.html)
    at = open_form(draft=code)
    lines = dead_link(office().phone)
    said_text = "".join(lead + words for lead, words in lines)
    order = _in_order(at.main)
    [notice] = [v for k, v in order if k == "Warning"]
    assert all(lead in notice and words in notice for lead, words in lines)
    assert notice.startswith("**没有找到这个链接里的草稿**。") and "进度查询" in notice
    assert "不用再填写一份" in notice and "请在下面重新填写" in notice
    # at the top of the form, not in the folded box at its foot
    assert order.index(("Warning", notice)) < order.index(("Subheader", "须知与授权"))
    assert not [v for k, v in order if k in ("in Warning", "in Error")]
    assert [link.proto.page for link in at.get("page_link") if link.label == "去进度查询"] == ["lookup"]
    assert said(at) == [said_text] and _brought_up(at)
    at.run()                                                   # shown still, said and brought up once
    assert notice in [w.value for w in at.warning] and said(at) == [] and not _brought_up(at)
    if how == "mistyped":   # the address without the link (another page, and back): its notice goes
        del at.query_params["draft"]
        at.run()
        assert "没有找到这个链接里的草稿" not in page_text(at)
        return
    consent(at)                                                # filled in anew: a new draft
    assert "第 2 步，共 5 步" in page_text(at) and "没有找到这个链接里的草稿" not in page_text(at)
    assert at.query_params["draft"] == at.session_state["pf_draft"] != code


def test_a_draft_can_be_deleted_at_once_after_a_tick(open_form):
    """A shared computer, a change of mind: the answers (name, ID number …) stayed on the server for
    seven days under a code in the address. 删除草稿 (a tick first) deletes them now."""
    from portal.prefiling.models import PrefilingDraft
    from ui.prefile_state import DISCARDED

    at = petitioner(consent(open_form()))
    code = at.session_state["pf_draft"]
    click(at, "删除草稿")                                     # not ticked: nothing deleted
    assert "请先勾选“我确定要删除这份草稿”" in page_text(at) and at.session_state["pf_draft"] == code
    at.checkbox(key="pf_discard_ok").check()
    click(at, "删除草稿")
    assert DISCARDED in page_text(at) and "须知与授权" in page_text(at)
    assert "draft" not in at.query_params and not at.session_state["pf_data"].get("name")
    assert not [b for b in at.button if b.label == "删除草稿"]  # no draft now: nothing to delete
    with Session(get_engine()) as s:
        assert s.get(PrefilingDraft, code) is None
    at.text_input(key="pf_w_resume_code").input(code)
    click(at, "继续填写草稿")
    assert "没有找到这份草稿" in page_text(at)


def test_back_on_the_matter_step_the_uploaded_files_are_named_by_the_uploader(open_form):
    """Back on 信访事项 the uploader is empty and the files already uploaded were listed only below
    继续: a citizen uploaded the same photo again. They are named beside the uploader."""
    at = petitioner(consent(open_form()))
    data = dict(at.session_state["pf_data"])
    data["attachments"] = [{"stored_name": "a1", "kind": "png", "label": "工资条*10月*.png", "size": 2048},
                           {"stored_name": "a2", "kind": "pdf", "label": "", "size": 4096},
                           {"stored_name": "a3", "kind": "pdf", "label": "", "size": 4096}]   # two of one name
    at.session_state["pf_data"] = data
    at.run()
    [note] = [c.value for c in at.caption if c.value.startswith("已上传")]
    assert not at.exception and note.startswith("已上传 3 个附件：「工资条") and "「pdf」，不用再次上传。" in note, note
    assert "\\*10月\\*" in note                      # a name's * is not read as emphasis
    # a button's label is Markdown too: the name is made inert there as well (an image in a file name
    # was fetched from the writer's server)
    assert [b.label for b in at.button if b.label.startswith("删除附件")] == ["删除附件「工资条\\*10月\\*\\.png」",
                                                                              "删除附件「pdf」", "删除附件「pdf」"]


def test_change_link_returns_to_the_check_page(open_form):
    at = history(matter(petitioner(consent(open_form()))))
    click(at, "修改*住址*")
    assert "第 2 步" in page_text(at)
    fill_text(at, "住址", "槐荫区经十路100号")
    click(at, "继续")
    assert "核对您填写的内容" in page_text(at) and "槐荫区经十路100号" in page_text(at)


def test_the_check_step_has_a_previous_step_button_like_the_other_steps(open_form):
    """核对 had only 修改 per answer: no 上一步, as every other step has beside its main button (r47a
    finding 6). It leads to step 4 with its answer kept, and 继续 there comes back to 核对."""
    at = history(matter(petitioner(consent(open_form()))))
    assert "核对您填写的内容" in page_text(at)
    click(at, "上一步")
    assert "第 4 步，共 5 步" in page_text(at) and at.radio(key="pf_w_raised_before").value == "否"
    click(at, "继续")
    assert "核对您填写的内容" in page_text(at) and "张秀兰" in page_text(at)


def test_bar_warning_for_a_matter_already_reviewed(open_form):
    at = history(matter(petitioner(consent(open_form()))), answer="是", stage="已复核")
    assert "第三十六条第三款" in page_text(at)


def test_submitting_twice_stores_one_record(open_form):
    first = history(matter(petitioner(consent(open_form()))))
    second = open_form(draft=first.session_state["pf_draft"])   # the same form open in another tab
    assert "核对您填写的内容" in page_text(second)
    before = count_prefilings()
    click(first, "确认提交")
    click(second, "确认提交")
    assert count_prefilings() == before + 1
    assert first.session_state["pf_done"]["code"] == second.session_state["pf_done"]["code"]
    assert "这份材料已经提交过了" in page_text(second)


def _two_tabs_on_one_draft(open_form):
    """Tab A is on 信访事项; the same draft opened in tab B, which goes back and changes the name."""
    a = petitioner(consent(open_form()))
    code = a.session_state["pf_draft"]
    b = open_form(draft=code)
    click(b, "上一步")
    fill_text(b, "姓名", "李四")
    click(b, "继续")
    assert "第 3 步" in page_text(b)
    matter(a)                        # A carries on with what A had: not saved over B's answers
    return a, code


def _stored_name(code: str) -> str:
    from portal.prefiling.drafts import load_draft
    from tests.prefiling.factories import client

    with Session(get_engine()) as s:
        return load_draft(session=s, code=code, client=client()).data["name"]


def test_a_draft_changed_in_another_tab_is_not_overwritten_without_a_word(open_form):
    a, code = _two_tabs_on_one_draft(open_form)
    text = page_text(a)
    assert "这份草稿在别处改过" in text and "这个窗口里刚填写的内容还没有保存" in text
    assert "第 3 步" in text, "A stays on the step it was on"
    assert _stored_name(code) == "李四"
    click(a, "保留这个窗口的内容，继续")
    assert "第 4 步" in page_text(a) and "这份草稿在别处改过" not in page_text(a)
    assert _stored_name(code) == "张秀兰"


def test_a_tab_can_take_the_answers_saved_in_another(open_form):
    a, code = _two_tabs_on_one_draft(open_form)
    click(a, "改用另一处保存的内容")
    assert "这份草稿在别处改过" not in page_text(a)
    assert a.session_state["pf_data"]["name"] == "李四" and _stored_name(code) == "李四"
    matter(a)                                       # and from then on its saves go through
    assert "第 4 步" in page_text(a) and _stored_name(code) == "李四"


def test_taking_the_other_tabs_answers_deletes_the_files_this_tab_uploaded_meanwhile(open_form):
    """A's 继续 on 信访事项 stored A's upload, then found the draft changed: A takes B's answers.
    A's file is named by no draft any more; left on disk, nothing would ever delete it."""
    from portal.prefiling import attachments
    from portal.prefiling.crypto import get_cipher
    from portal.settings import get_settings
    from tests.prefiling.files import png

    a = petitioner(consent(open_form()))
    b = open_form(draft=a.session_state["pf_draft"])
    click(b, "上一步")
    fill_text(b, "姓名", "李四")
    click(b, "继续")
    folder = get_settings().attachments_dir
    entry = attachments.store(data=png(), directory=folder, cipher=get_cipher())
    data = dict(a.session_state["pf_data"])
    data["attachments"] = [entry | {"label": "欠条.png"}]     # as _take_uploads leaves it
    a.session_state["pf_data"] = data
    matter(a)
    assert "这份草稿在别处改过" in page_text(a) and (folder / entry["stored_name"]).exists()
    click(a, "改用另一处保存的内容")
    assert a.session_state["pf_data"]["name"] == "李四"
    assert not (folder / entry["stored_name"]).exists()


def test_rate_limit_message_is_shown(open_form):
    from portal.prefiling.ratelimit import SUBMIT
    from portal.settings import get_settings

    at = open_form()
    for _ in range(SUBMIT.per_session):
        history(matter(petitioner(consent(at))))
        click(at, "确认提交")
        click(at, "再填写一份预登记")
    history(matter(petitioner(consent(at))))
    click(at, "确认提交")
    assert "您提交得太频繁了" in page_text(at) and "核对您填写的内容" in page_text(at)
    assert f"请拨打来访接待电话 {get_settings().bureau_phone} 或到接待场所反映" in page_text(at)


def _labels_in_order(node) -> list[str]:
    """Widget labels as a citizen meets them from top to bottom."""
    out = []
    for child in getattr(node, "children", {}).values():
        label = getattr(child, "label", None)
        if isinstance(label, str) and label:
            out.append(label)
        out += _labels_in_order(child)
    return out


def test_name_comes_first_then_the_counts_and_a_count_change_keeps_what_was_typed(open_form):
    at = consent(open_form())
    order = _labels_in_order(at.main)
    people = [i for i, label in enumerate(order) if label.startswith(("代理人人数", "代表人人数"))]
    assert "代表人人数（最多5名）" in order and "代理人人数（最多2名，《山东省信访条例》第二十八条）" in order
    assert order.index("姓名") < order.index("身份证号码") < order.index("住址") < min(people), order
    assert order.index("继续") > max(people)
    fill_text(at, "姓名", "张秀兰")
    fill_text(at, "住址", "历下区文化东路1号")
    at.selectbox(key="pf_w_agents_count").set_value(1)
    click(at, "更新填写栏")
    assert at.text_input(key="pf_w_name").value == "张秀兰"
    assert at.text_input(key="pf_w_address").value == "历下区文化东路1号"
    order = _labels_in_order(at.main)
    assert order.index("住址") < order.index("第1位代理人的姓名") < order.index("继续"), order
    fill_text(at, "第1位代理人的姓名", "李明")
    click(at, "继续")                                               # errors: id, phone, agent's phone …
    assert "有 " in "\n".join(str(m.value) for m in at.markdown)
    assert at.text_input(key="pf_w_name").value == "张秀兰"
    assert at.text_input(key="pf_w_agents_0_name").value == "李明"


def test_continue_after_raising_a_count_first_draws_the_new_fields(open_form):
    """代理人人数 raised and 继续 pressed without 更新填写栏: it said 有 N 处需要修改 about boxes the
    citizen had never seen. The new boxes are drawn, said so, and the first one takes the focus."""
    at = consent(open_form())
    fill_text(at, "姓名", "张秀兰")
    fill_text(at, "身份证号码", valid_id())
    fill_text(at, "联系电话（手机或固定电话）", "13812345678")
    fill_text(at, "住址", "历下区文化东路1号")
    at.selectbox(key="pf_w_agents_count").set_value(1)
    click(at, "继续")
    text = page_text(at)
    assert "第 2 步" in text and "处需要修改" not in "\n".join(str(m.value) for m in at.markdown)
    assert "下面增加了代理人的填写栏。请填写后再点“继续”。" in text
    assert "第1位代理人的姓名" in _labels_in_order(at.main)
    assert at.text_input(key="pf_w_name").value == "张秀兰"
    assert [el for el in at.html if "field-agents-0-name" in el.proto.body]   # focused there
    click(at, "继续")                                       # now the empty boxes are problems
    assert "第 2 步" in page_text(at) and "下面增加了" not in page_text(at)
    assert "处需要修改" in "\n".join(str(m.value) for m in at.markdown)


def test_a_person_dropped_by_a_lower_count_comes_back_when_it_is_raised(open_form):
    at = consent(open_form())
    at.selectbox(key="pf_w_agents_count").set_value(2)
    click(at, "更新填写栏")
    fill_text(at, "第2位代理人的姓名", "王强")
    fill_text(at, "第2位代理人的电话", "13900001111")
    at.selectbox(key="pf_w_agents_count").set_value(1)
    click(at, "更新填写栏")
    assert not [w for w in at.text_input if w.label == "第2位代理人的姓名"]
    at.run()                                                       # another run: still remembered
    at.selectbox(key="pf_w_agents_count").set_value(2)
    click(at, "更新填写栏")
    assert at.text_input(key="pf_w_agents_1_name").value == "王强"
    assert at.text_input(key="pf_w_agents_1_phone").value == "13900001111"


def test_pasted_spaces_and_long_values_are_kept_and_tidied_on_the_check_page(open_form):
    """A pasted ID number with spaces, a phone in groups, a name behind a full-width space: the
    boxes take them (no length cap that drops a paste), and 核对 shows them as they will be stored."""
    at = open_form()
    consent(at)
    id_number = valid_id()
    spaced = " ".join(id_number[i:i + 4] for i in range(0, 18, 4)) + " "
    fill_text(at, "姓名", "\u3000张秀兰\t")
    fill_text(at, "身份证号码", spaced)
    fill_text(at, "联系电话（手机或固定电话）", " 138 1234 5678 ")
    fill_text(at, "住址", "历下区文化东路1号")
    click(at, "继续")
    assert "第 3 步，共 5 步" in page_text(at), page_text(at)[:400]
    matter(at, facts="拖欠工资。" * 1100)                         # 5,500 characters: too long
    assert "事实与理由不能超过5000个字，现在是5500个字" in page_text(at)
    matter(at)
    history(at)
    text = page_text(at)
    assert "核对您填写的内容" in text
    assert "13812345678" in text and "138 1234" not in text and id_number in text
    assert "\u3000张秀兰" not in text and "张秀兰" in text


@pytest.mark.parametrize("chosen", [5, 6])
def test_five_attachments_are_taken_and_a_sixth_is_named_as_not_uploaded(open_form, chosen):
    """信访事项 allows at most 5 attachments (the uploader's label says so). Five chosen at once are
    all taken and the form goes on; a sixth is refused by name, the five before it kept."""
    from tests.prefiling import files

    at = petitioner(consent(open_form()))
    at.get("file_uploader")[0].set_value([(f"照片{i}.png", files.png(colour=(40 * i, 30, 30)), "image/png")
                                          for i in range(1, chosen + 1)])
    text = page_text(matter(at))
    if chosen == 5:
        assert "第 4 步" in text and "附件最多" not in text
        assert "照片1.png、照片2.png、照片3.png、照片4.png、照片5.png" in page_text(history(at))   # 核对
    else:
        assert "第 3 步" in text and "附件最多5个，“照片6.png”没有上传。" in text
        [note] = [c.value for c in at.caption if c.value.startswith("已上传")]
        assert note.startswith("已上传 5 个附件") and "照片5" in note and "照片6" not in note, note



def test_an_iphone_photo_renamed_jpg_is_refused_as_heic_with_what_to_do(open_form):
    """The uploader goes by the name, so a HEIC photo called .jpg reaches the server, which refused it
    as "not a JPG, PNG or PDF": the citizen, holding a photo, could not tell what was wrong."""
    from tests.prefiling import files

    at = petitioner(consent(open_form()))
    at.get("file_uploader")[0].set_value(("IMG_0001.jpg", files.heic(), "image/jpeg"))
    text = page_text(matter(at))
    says = ("附件“IMG_0001.jpg”实际是 HEIC 格式的照片，只能上传 JPG、PNG 图片或 PDF。"
            "请从手机相册选取照片（苹果手机会自动转成 JPG），或截屏后上传截图。")
    assert "第 3 步" in text and "有 1 处需要修改" in text
    assert text.count(says) == 2   # in the summary and under the uploader

def test_the_attachments_say_a_slow_upload_is_still_going(open_form):
    """A slow-network audit: a 3.9 MB photo took 84 s on slow 3G, shown only as a spinner beside the
    file while 继续 stayed greyed."""
    at = petitioner(consent(open_form()))
    assert "第 3 步" in page_text(at) and "文件旁边在转圈时表示还在上传" in page_text(at)


@pytest.fixture
def districts(monkeypatch):
    """The bureau lists its districts (PORTAL_DISTRICTS): 问题属地 is picked, not typed."""
    from portal.settings import get_settings

    monkeypatch.setenv("PORTAL_DISTRICTS", "历下区，市中区、槐荫区, 天桥区,历下区")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("PORTAL_DISTRICTS")
    get_settings.cache_clear()


def test_a_bureau_that_lists_its_districts_has_the_citizen_pick_one_and_it_is_stored_as_picked(open_form, districts):
    at = consent(open_form())
    petitioner(at)
    assert "问题属地（区、县、市）" not in [t.label for t in at.text_input]
    [place] = [s for s in at.selectbox if s.label == "问题属地（区、县、市）"]
    assert place.options == ["历下区", "市中区", "槐荫区", "天桥区", "其他地方或不清楚"]
    at.radio(key="pf_w_category").set_value("申诉求决")
    fill_text(at, "诉求", "请求督促公司支付拖欠的工资。")
    fill_text(at, "事实与理由", "公司拖欠工资半年。")
    click(at, "继续")                                                 # nothing picked: asked to
    assert "请选择问题发生地所在的区（县、市）；不在列表里或不清楚的，选“其他地方或不清楚”。" in page_text(at)
    assert [t.value for t in at.text_area if t.label == "诉求"] == ["请求督促公司支付拖欠的工资。"]   # kept
    at.selectbox(key="pf_w_district").set_value("槐荫区")
    click(at, "继续")
    history(at)
    assert "槐荫区" in page_text(at)
    click(at, "确认提交")
    with Session(get_engine()) as s:
        newest = s.exec(select(Prefiling).order_by(Prefiling.id.desc())).first()
    assert newest.district == "槐荫区"


def test_a_draft_typed_before_the_list_keeps_its_words_and_is_asked_to_pick(open_form, districts):
    at = consent(open_form())
    petitioner(at)
    at.session_state["pf_data"]["district"] = "济南市历下区某街道"   # saved before PORTAL_DISTRICTS was set
    at.session_state["pf_seeded"] = None
    at.run()
    [place] = [s for s in at.selectbox if s.label == "问题属地（区、县、市）"]
    assert place.value == "济南市历下区某街道" and place.options[0] == "济南市历下区某街道"
    at.radio(key="pf_w_category").set_value("申诉求决")
    fill_text(at, "诉求", "请求督促公司支付拖欠的工资。")
    fill_text(at, "事实与理由", "公司拖欠工资半年。")
    click(at, "继续")
    assert "请选择问题发生地所在的区（县、市）" in page_text(at)
    at.selectbox(key="pf_w_district").set_value("其他地方或不清楚")
    click(at, "继续")
    assert "是否已反映" in page_text(at)
