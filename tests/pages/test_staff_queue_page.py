"""预登记办理 as a handler uses it (AppTest, real sign-in): the queue, reveal, transitions the
citizen then sees on 进度查询, restricted content, CSV export, and the audit entries."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from sqlmodel import Session, delete, select

from portal.audit.models import AuditEntry
from portal.clock import ACCEPTANCE_NOTICE
from portal.identity import PermissionDenied
from portal.prefiling import codes
from portal.prefiling.lookup import lookup
from portal.prefiling.models import Prefiling, PrefilingEvent, RateEvent
from portal.prefiling.retention import anonymise
from portal.prefiling.states import REJECTED
from portal.roles import EDITOR, HANDLER, REPORTS
from portal.staff import auth as staff_auth
from portal.staff.models import StaffUser
from portal.timeutil import beijing_today
from tests.conftest import page_text
from tests.prefiling.factories import client, make_prefiling
from tests.staff.portal_db import ready_engine, signed_in_state

PAGE = "pages/staff_queue.py"
PERSONAL = ("张秀兰", "13812345678", "文化东路")


def district() -> str:
    """A district of its own, so each test sees only its records in the shared database."""
    return f"测试区{uuid.uuid4().hex[:8]}"


def stored(days_old: int = 0, **changes):
    with Session(ready_engine(), expire_on_commit=False) as s:
        made = make_prefiling(s, **changes)
        if days_old:
            p = s.get(Prefiling, made.prefiling.id)
            p.received_date = beijing_today() - dt.timedelta(days=days_old)
            s.add(p)
            s.commit()
        return made


def audit(target: str, action: str) -> list[AuditEntry]:
    with Session(ready_engine()) as s:
        return list(s.exec(select(AuditEntry).where(AuditEntry.target == target, AuditEntry.action == action)))


def open_queue(app_page, *roles: str, **filters):
    at = app_page(PAGE, session_state=signed_in_state(*roles))
    for key, value in filters.items():
        if key == "q-code":
            at.text_input(key=key).input(value).run()
        else:
            at.selectbox(key=key).set_value(value).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_record(at, made):
    at.selectbox(key="q-open").set_value(made.prefiling.id).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def act_buttons(at) -> set[str]:
    return {b.key.split("-")[1] for b in at.button if (b.key or "").startswith("do-")}


def citizen_sees(made):
    with Session(ready_engine()) as s:
        s.exec(delete(RateEvent))
        s.commit()
        return lookup(session=s, code=made.code, secret=made.secret, client=client())


def citizen_lookup_page(app_page, made):
    """进度查询 as the citizen opens it with the pre-filing's codes (the rate limit reset first)."""
    public = app_page("pages/lookup.py")
    with Session(ready_engine()) as s:
        s.exec(delete(RateEvent))
        s.commit()
    public.text_input(key="lk_code").input(made.code)
    public.text_input(key="lk_secret").input(made.secret)
    [b for b in public.button if b.label == "查询"][0].click().run()
    return public


def test_queue_lists_overdue_first_in_words(app_page):
    where = district()
    fresh, late = stored(1, district=where), stored(30, district=where)
    # counted to the real last day (a weekend or holiday moves it on), as 数据看板 counts it
    today = beijing_today()
    overdue_by = (today - ACCEPTANCE_NOTICE.real_last_day(today - dt.timedelta(days=30))).days
    left = (ACCEPTANCE_NOTICE.real_last_day(today - dt.timedelta(days=1)) - today).days   # 14 unless a rest day
    at = open_queue(app_page, HANDLER)
    assert "预登记办理" in [t.value for t in at.title]
    at.selectbox(key="q-district").set_value(where).run()
    frame = at.dataframe[0].value
    assert list(frame["查询码"]) == [codes.grouped(late.code), codes.grouped(fresh.code)]
    assert list(frame["期限"]) == [f"⚠ 已超期 {overdue_by} 天", f"还剩 {left} 天"]
    assert "有 1 件已超过法定期限" in page_text(at)
    # the picker names the days left first: at 320 px the end of an option is cut off
    assert [o.split("　")[:2] for o in at.selectbox(key="q-open").options] == [
        [f"已超期 {overdue_by} 天", codes.grouped(late.code)], [f"还剩 {left} 天", codes.grouped(fresh.code)]]
    for secret in PERSONAL:
        assert secret not in frame.to_string()
    at.selectbox(key="q-deadline").set_value("已超期").run()
    assert list(at.dataframe[0].value["查询码"]) == [codes.grouped(late.code)]
    at.selectbox(key="q-deadline").set_value("全部").run()
    at.text_input(key="q-code").input(codes.grouped(fresh.code).lower()).run()
    assert list(at.dataframe[0].value["查询码"]) == [codes.grouped(fresh.code)]


def test_the_detail_names_the_real_last_day_when_the_deadline_is_a_rest_day(app_page):
    from portal.clock import is_rest_day, last_day

    today = beijing_today()
    nominal = next(today + dt.timedelta(days=k) for k in range(2, 30) if is_rest_day(today + dt.timedelta(days=k)))
    made = stored(15 - (nominal - today).days, district=district())
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    text = page_text(at)
    real = last_day(nominal)
    assert "期限最后一日顺延至" in text and f"{real.year}年{real.month}月{real.day}日" in text
    # the 登记转送 line gives the same day as the citizen's lookup page, not the nominal one
    assert (f"{real.year}年{real.month}月{real.day}日（{nominal.year}年{nominal.month}月{nominal.day}日"
            "为法定休假日，顺延）") in text
    assert f"当前期限：还剩 {(real - today).days} 天" in text
    assert list(at.dataframe[0].value["期限"]) == [f"还剩 {(real - today).days} 天"]


def test_personal_data_masked_until_revealed_and_each_reveal_logged(app_page):
    made = stored(district=district())
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    text = page_text(at)
    assert "138\\*\\*\\*\\*5678" in text or "138****5678" in text
    assert not any(secret in text for secret in PERSONAL)
    assert "屋顶漏水" in text  # the matter itself is shown
    target = f"prefiling:{made.code}"
    assert audit(target, "reveal") == []
    at.button(key=f"reveal-{made.prefiling.id}").click().run()
    assert all(secret in page_text(at) for secret in PERSONAL)
    assert len(audit(target, "reveal")) == 1
    at.run()  # a rerun keeps it shown without logging again
    assert len(audit(target, "reveal")) == 1
    at.button(key=f"hide-{made.prefiling.id}").click().run()
    assert "张秀兰" not in page_text(at)


def test_each_opening_of_a_record_is_logged_once_not_on_every_rerun(app_page):
    """The matter (who is accused, what happened, every reply) is often more sensitive than a phone
    number: who opened which 件, and when, is in the audit log as a reveal is."""
    place = district()
    first, second = stored(district=place), stored(district=place)
    at = open_record(open_queue(app_page, HANDLER, **{"q-district": place}), first)
    assert "屋顶漏水" in page_text(at)
    [entry] = audit(f"prefiling:{first.code}", "open")
    assert entry.detail == "查看事项内容（个人信息隐去）"
    at.run()
    at.button(key=f"reveal-{first.prefiling.id}").click().run()   # reruns, and a reveal of its own
    assert len(audit(f"prefiling:{first.code}", "open")) == 1
    open_record(at, second)
    open_record(at, first)                                          # opened again: logged again
    assert (len(audit(f"prefiling:{first.code}", "open")), len(audit(f"prefiling:{second.code}", "open"))) == (2, 1)
    at.selectbox(key="q-open").set_value(None).run()                # closed (a filter, another page) …
    open_record(at, first)                                          # … and opened again
    assert len(audit(f"prefiling:{first.code}", "open")) == 3


def test_a_petitioners_new_phone_number_is_put_in_under_the_revealed_data_and_logged(app_page):
    """The citizen rings: their phone number changed. The handler reveals the 件, corrects it in
    更正联系方式, is told so; the next reveal shows the new number, the log names the field only."""
    made = stored(district=district())
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    assert "更正联系方式（信访人申请更正电话或住址时）" not in [e.label for e in at.expander]   # masked: no form
    at.button(key=f"reveal-{made.prefiling.id}").click().run()
    [phone] = [t for t in at.text_input if t.label == "联系电话"]
    phone.input("12345")
    at.button(key=f"FormSubmitter:contact-{made.prefiling.id}-{made.prefiling.version}-保存更正").click().run()
    assert "没有更正" in page_text(at) and "11位手机号码" in page_text(at)
    assert audit(f"prefiling:{made.code}", "contact") == []
    [phone] = [t for t in at.text_input if t.label == "联系电话"]
    phone.input("139 0000 1111")
    at.button(key=f"FormSubmitter:contact-{made.prefiling.id}-{made.prefiling.version}-保存更正").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert f"已更正 {codes.grouped(made.code)} 的联系电话。" in [m.value for m in at.success]
    assert "13812345678" not in page_text(at)                    # masked again, the old view dropped
    at.button(key=f"reveal-{made.prefiling.id}").click().run()
    assert "13900001111" in page_text(at) and "13812345678" not in page_text(at)
    [entry] = audit(f"prefiling:{made.code}", "contact")
    assert entry.detail == "更正联系电话（信访人申请）"


def test_an_agent_from_the_petitioners_own_organisation_is_not_read_as_bureau_staff(app_page):
    """山东省信访条例 第二十八条: a unit petitions through its own 工作人员; on this page 工作人员 means
    the bureau's, so the relation is shown as whose they are (the stored value is unchanged)."""
    made = stored(district=district(), agents=[{"name": "李四", "relation": "工作人员", "phone": "13900002222"}])
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    at.button(key=f"reveal-{made.prefiling.id}").click().run()
    assert "代理人（信访人单位的工作人员）" in page_text(at)


def test_an_erased_record_says_so_and_offers_no_reveal_or_correction(app_page, tmp_path):
    made = stored(district=district())
    with Session(ready_engine()) as s:
        p = s.get(Prefiling, made.prefiling.id)
        p.state, p.closed_at = REJECTED, p.submitted_at
        s.add(p)
        s.commit()
        anonymise(session=s, prefiling=p, directory=tmp_path, now=p.submitted_at)
        s.commit()
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    assert "此件的个人信息（姓名、身份证号、电话、住址、代理人）已删除" in page_text(at)
    assert not [b for b in at.button if (b.key or "").startswith(("reveal-", "hide-"))]
    assert "更正联系方式（信访人申请更正电话或住址时）" not in [e.label for e in at.expander]


def test_reports_content_hidden_from_handler_shown_with_reports_role(app_page):
    made = stored(district=district(), category="检举控告", facts="某局副局长收受红包。")
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    text = page_text(at)
    assert "仅限有检举控告权限" in text and "收受红包" not in text and "张\\*\\*" not in text
    assert not [b for b in at.button if (b.key or "").startswith("reveal-")]
    # nothing to act with: no panel, no suggested channel read from the hidden content
    assert "只有具有检举控告权限的工作人员可以办理" in text
    assert not [e for e in at.expander if e.label in ("登记", "不予登记", "需补充材料")]
    assert not [t for t in at.text_input if (t.key or "").startswith("channel-")]
    at = open_record(open_queue(app_page, HANDLER, REPORTS, **{"q-code": made.code}), made)
    assert [e for e in at.expander if e.label == "登记"]
    assert "某局副局长收受红包。" in page_text(at)
    at.button(key=f"reveal-{made.prefiling.id}").click().run()
    assert "张秀兰" in page_text(at)


def test_each_transition_through_the_page_reaches_the_citizen(app_page):
    made = stored(district=district())
    pid = made.prefiling.id
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    assert act_buttons(at) == {"register", "request_more", "reject"}  # no 办结 before 登记

    at.button(key=f"do-request_more-{pid}").click().run()  # empty reply: refused, nothing moves
    assert "请填写需要补充的材料" in page_text(at) and citizen_sees(made).state == "已提交"
    at.text_area(key=f"reply-request_more-{pid}").input("请补充物业合同复印件，寄至区信访局。")
    at.button(key=f"do-request_more-{pid}").click().run()
    assert "现在的状态是“需补充材料”" in page_text(at)
    # the panel was a screen or two below the message: the page is brought to it (audit 27, M2)
    assert any('".st-key-q-flash-shown"' in el.proto.body for el in at.html if el.proto.unsafe_allow_javascript)
    assert citizen_sees(made).history[-1].reply == "请补充物业合同复印件，寄至区信访局。"
    assert act_buttons(at) == {"register", "reject"}

    at.text_input(key=f"number-{pid}").input("LX2026-0815")
    at.button(key=f"do-register-{pid}").click().run()
    seen = citizen_sees(made)
    assert seen.state == "已登记" and seen.official_number == "LX2026-0815"
    assert act_buttons(at) == {"close", "correct_number"}   # 办结, or put a mistyped number right
    picker = at.selectbox(key="q-open").proto                # names the new state at once (the
    assert picker.set_value and "已登记" in picker.raw_value   # browser keeps a label until sent one)

    at.text_area(key=f"reply-close-{pid}").input("物业公司已修复屋顶。")
    at.button(key=f"do-close-{pid}").click().run()               # 办结 asks for confirmation first
    assert citizen_sees(made).state == "已登记" and "请先勾选“确认办结”" in page_text(at)
    at.checkbox(key=f"confirm-close-{pid}").check()
    at.button(key=f"do-close-{pid}").click().run()
    seen = citizen_sees(made)
    assert seen.state == "已办结" and seen.history[-1].reply == "物业公司已修复屋顶。" and seen.can_rate
    assert act_buttons(at) == set() and "没有可以执行的办理操作" in page_text(at)
    details = [e.detail for e in audit(f"prefiling:{made.code}", "transition")]
    assert details == ["请补充材料：已提交 → 需补充材料", "登记为信访件：需补充材料 → 已登记", "办结：已登记 → 已办结"]


def test_reject_through_the_page_and_the_lookup_page_shows_it(app_page):
    made = stored(district=district(), facts="公司拖欠工资三个月。")
    pid = made.prefiling.id
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    assert at.text_input(key=f"channel-{pid}").value == "劳动争议仲裁"  # the suggested channel
    at.button(key=f"do-reject-{pid}").click().run()              # final: asks for confirmation first,
    assert citizen_sees(made).state == "已提交" and "请先勾选“确认不予登记”" in page_text(at)
    assert "请填写不予登记的理由" in page_text(at)                # and says at once what else is missing
    assert len([e for e in at.markdown if "field-error" in e.value]) == 2   # each under its box
    at.checkbox(key=f"confirm-reject-{pid}").check()
    at.button(key=f"do-reject-{pid}").click().run()              # no reason: refused, its panel stays open
    assert "请填写不予登记的理由" in page_text(at) and citizen_sees(made).state == "已提交"
    [panel] = [e for e in at.expander if e.label == "不予登记"]
    assert panel.proto.expanded
    at.text_input(key=f"reason-{pid}").input("属于劳动争议，应当申请仲裁")
    at.button(key=f"do-reject-{pid}").click().run()
    assert citizen_sees(made).state == "不予登记"
    text = page_text(citizen_lookup_page(app_page, made))
    assert "不予登记" in text and "属于劳动争议，应当申请仲裁" in text and "劳动争议仲裁" in text
    assert "不予登记** → 不予登记" not in text and "不予登记 → 不予登记" not in text   # the step said once
    assert "不予登记 → 不予登记" not in page_text(at.run())


@pytest.fixture
def deferred_downloads(monkeypatch):
    """The callables behind deferred download buttons, by file id (AppTest cannot click them)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, *args, **kwargs):
        file_id = original(self, data_callable, *args, **kwargs)
        made[file_id] = data_callable
        made[f"{file_id}:name"] = kwargs.get("file_name", args[2] if len(args) > 2 else None)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return made


def download(at, deferred_downloads) -> str:
    """Click 下载 CSV 文件: run the button's deferred callable as Streamlit would."""
    [button] = [b for b in at.get("download_button") if b.proto.id.endswith("q-export")]
    assert not button.proto.url, "the CSV must not wait at a media address before the click"
    return deferred_downloads[button.proto.deferred_file_id]().decode("utf-8-sig")


def test_export_has_no_personal_data_unless_ticked_and_is_audited(app_page, deferred_downloads):
    where = district()
    made = stored(district=where)
    before = len(audit("prefiling-queue", "export"))
    at = open_queue(app_page, HANDLER, **{"q-district": where})
    at.checkbox(key="q-export-personal").check().run()
    at.checkbox(key="q-export-personal").uncheck().run()
    assert len(audit("prefiling-queue", "export")) == before  # showing the button exports nothing
    # a click while the page reruns can find its file gone (Streamlit): nothing made, nothing logged,
    # and the page says a second click is safe
    assert "如点击后没有开始下载，请等页面刷新完后再点一次（没有下载的不记入操作日志）" in page_text(at)
    data = download(at, deferred_downloads)
    assert not any(secret in data for secret in PERSONAL) and "身份证号" not in data
    assert f"\r\n{codes.grouped(made.code)}," in data   # the 查询码 as every screen and receipt writes it
    # the day its 期限 and 剩余天数 are counted for
    assert f"预登记列表-{beijing_today().isoformat()}.csv" in deferred_downloads.values()
    at.checkbox(key="q-export-personal").check().run()
    data = download(at, deferred_downloads)
    assert all(secret in data for secret in PERSONAL)
    entries = audit("prefiling-queue", "export")[before:]
    assert ["含身份信息" in e.detail and "不含" not in e.detail for e in entries] == [False, True]
    assert all(made.code in e.detail for e in entries)
    assert all(where in e.detail for e in entries)


def shown(column) -> list[str]:
    """A page-table column as the reader sees it: st.table renders each cell as Markdown, so the
    escapes that keep a cell's text inert are undone on screen."""
    return [re.sub(r"\\(.)", r"\1", str(v)).replace("\u200b", "") for v in column]


def test_markdown_typed_as_a_district_is_shown_as_typed_not_fetched_or_linked(app_page):
    """问题属地 is the citizen's own words: in the page table (Markdown cells) an image would be
    fetched from the writer's server on every staff screen, a link offered to click."""
    where = district()
    typed = f"![b](http://e.cn/b.png)[点此登录](https://e.cn){where}"   # within its 60 characters
    made = stored(district=typed)
    at = app_page(PAGE, session_state=signed_in_state(HANDLER) | {"a11y_large_text": True})
    at.text_input(key="q-code").input(made.code).run()
    [table] = at.table
    [cell] = list(table.value["问题属地"])
    assert "![" not in cell and "](" not in cell and "https://" not in cell   # no image, no link
    assert shown([cell]) == [typed]                                          # read as typed
    plain = app_page(PAGE, session_state=signed_in_state(HANDLER))
    plain.text_input(key="q-code").input(made.code).run()
    assert list(plain.dataframe[0].value["问题属地"]) == [typed]              # the grid shows plain text


def test_large_text_draws_the_queue_as_a_page_table_the_text_size_reaches(app_page):
    """The grid (st.dataframe) draws its text on a canvas at its own size, which 大字号 cannot
    enlarge; with 大字号 on, the same rows are a page table, in the same order, overdue first."""
    where = district()
    fresh, late = stored(1, district=where), stored(30, district=where)
    at = app_page(PAGE, session_state=signed_in_state(HANDLER) | {"a11y_large_text": True})
    at.selectbox(key="q-district").set_value(where).run()
    assert not at.dataframe
    [table] = at.table
    assert shown(table.value["查询码"]) == [codes.grouped(late.code), codes.grouped(fresh.code)]
    assert shown(table.value["期限"])[0].startswith("⚠ 已超期")
    for secret in PERSONAL:
        assert secret not in table.value.to_string()


def test_high_contrast_draws_the_queue_as_a_page_table_and_a_plain_screen_draws_both(app_page):
    """高对比度 cannot reach the grid's canvas (its headings stay grey): a page table only. Without
    either switch the grid is drawn for a wide screen and the same rows as a page table for a phone
    (the screen's width hides one of them)."""
    where = district()
    fresh, late = stored(1, district=where), stored(30, district=where)
    order = [codes.grouped(late.code), codes.grouped(fresh.code)]
    at = app_page(PAGE, session_state=signed_in_state(HANDLER) | {"a11y_high_contrast": True})
    at.selectbox(key="q-district").set_value(where).run()
    assert not at.dataframe
    [table] = at.table
    assert shown(table.value["查询码"]) == order
    plain = app_page(PAGE, session_state=signed_in_state(HANDLER))
    plain.selectbox(key="q-district").set_value(where).run()
    [grid], [table] = plain.dataframe, plain.table
    assert list(grid.value["查询码"]) == shown(table.value["查询码"]) == order


def test_staff_tables_offer_no_unaudited_csv_download():
    """st.dataframe's own toolbar download would bypass the audited export."""
    import tomllib

    from tests.conftest import ROOT

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True


@pytest.mark.parametrize("roles", [(EDITOR,), (REPORTS,), ()])
def test_other_roles_cannot_open_the_queue(app_page, roles):
    stored(district=district())
    at = app_page(PAGE, session_state=signed_in_state(*roles) if roles else {})
    assert "预登记办理" not in [t.value for t in at.title] and not at.dataframe


def test_material_sent_after_a_request_is_listed_with_its_date(app_page):
    from portal.identity import Actor
    from portal.prefiling import staff, supplements
    from tests.prefiling import files
    from tests.prefiling.factories import make_with_attachment

    with Session(ready_engine(), expire_on_commit=False) as s:
        made = make_with_attachment(s, district=district())
        staff.request_more(session=s, actor=Actor("clerk", frozenset({HANDLER})), prefiling_id=made.prefiling.id,
                           reply="请补充漏水处的照片。")
        s.exec(delete(RateEvent))
        s.commit()
        supplements.send(session=s, code=made.code, secret=made.secret, client=client(),
                         uploads=[("漏水.png", files.png())], note="照片在附件里。")
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    labels = [b.label for b in at.get("download_button") if (b.proto.id or "").find("att-") >= 0]
    assert len(labels) == 2 and "随预登记提交" in labels[0], labels
    assert re.search(r"PNG，\d+ KB，\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} 补充", labels[1]), labels
    text = page_text(at)
    assert "补充材料" in text and "照片在附件里" in text           # the citizen's note, in the history
    # and the list tells it from a new one: back from 需补充材料 with the material
    listed = app_page(PAGE, session_state=signed_in_state(HANDLER) | {"a11y_large_text": True})
    listed.text_input(key="q-code").input(made.code).run()
    assert shown(listed.table[0].value["状态"]) == ["已提交（已补充材料）"]
    fresh = stored(district=district())
    listed.text_input(key="q-code").input(fresh.code).run()
    assert shown(listed.table[0].value["状态"]) == ["已提交"]


@pytest.mark.parametrize("ended_by", ["signed out elsewhere", "account disabled"])
def test_a_download_button_left_open_gives_nothing_once_the_session_has_ended(app_page, deferred_downloads,
                                                                              ended_by):
    """A tab left open on a shared PC: its 下载 CSV button is clicked without a page run (the click
    does not rerun the page), so the session is checked at the click itself."""
    where = district()
    made = stored(district=where)
    at = open_queue(app_page, HANDLER, **{"q-district": where})
    at.checkbox(key="q-export-personal").check().run()
    assert codes.grouped(made.code) in download(at, deferred_downloads)   # open: it downloads
    before = len(audit("prefiling-queue", "export"))
    token = at.session_state["staff_token"]
    with Session(ready_engine()) as s:
        if ended_by == "signed out elsewhere":
            staff_auth.logout(session=s, token=token)
        else:
            username = staff_auth.resume(session=s, token=token, timeout_minutes=30).username
            s.get(StaffUser, username).disabled = True
        s.commit()
    with pytest.raises(PermissionDenied, match="请重新登录后再下载"):
        download(at, deferred_downloads)
    assert len(audit("prefiling-queue", "export")) == before, "nothing exported, nothing credited to them"


def test_what_one_handler_revealed_is_not_shown_to_the_next_on_the_same_tab(app_page):
    """Alice revealed 个人信息 and left the tab (signed out or timed out); Bob signs in on it and
    opens the same 件: he sees it masked, and his own reveal would be logged."""
    made = stored(district=district())
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    at.button(key=f"reveal-{made.prefiling.id}").click().run()
    assert all(secret in page_text(at) for secret in PERSONAL)
    at.session_state["staff_token"] = signed_in_state(HANDLER)["staff_token"]   # Bob, same tab
    at.run()
    assert not at.exception
    assert codes.grouped(made.code) in page_text(at) and not any(secret in page_text(at) for secret in PERSONAL)
    assert [b for b in at.button if b.key == f"reveal-{made.prefiling.id}"], "Bob can reveal, logged as his"


def test_the_handler_sees_the_citizens_rating_and_comment(app_page):
    """An unhappy rating with its reason is the bureau's to follow up: the detail shows it."""
    from portal.identity import Actor
    from portal.prefiling import staff
    from portal.prefiling.lookup import rate
    from tests.prefiling.factories import client

    made = stored(district=district())
    pid = made.prefiling.id
    colleague = Actor("colleague", frozenset({HANDLER}))
    with Session(ready_engine()) as s:
        staff.register(session=s, actor=colleague, prefiling_id=pid, official_number=f"LX-{made.code}")
        staff.close(session=s, actor=colleague, prefiling_id=pid, reply="物业公司已修复屋顶。")
        s.exec(delete(RateEvent))
        s.commit()
        rate(session=s, code=made.code, secret=made.secret, client=client(), rating="不满意",
             comment="答复说已修复，可昨天下雨还在漏。")
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    text = page_text(at)
    assert "群众评价" in text and "评价：不满意" in text and "答复说已修复，可昨天下雨还在漏。" in text
    # the date the citizen's 进度查询 gives (from 办结, not moved), said to be a reminder, not the cutoff
    review = beijing_today() + dt.timedelta(days=30)
    assert f"按办结日推算为 {review.year}年{review.month}月{review.day}日（提醒信访人用的最早日期；是否逾期以送达日期为准" \
        in text


def test_a_revealed_report_is_hidden_again_once_the_reports_role_is_taken_away(app_page):
    """The kept view is the rights of the moment it was revealed: with 检举控告 removed, the next run
    shows what the service gives now (nothing of the report)."""
    made = stored(district=district(), category="检举控告", facts="某局副局长收受红包。")
    at = open_record(open_queue(app_page, HANDLER, REPORTS, **{"q-code": made.code}), made)
    at.button(key=f"reveal-{made.prefiling.id}").click().run()
    assert "张秀兰" in page_text(at) and "某局副局长收受红包。" in page_text(at)
    with Session(ready_engine()) as s:
        username = staff_auth.resume(session=s, token=at.session_state["staff_token"], timeout_minutes=30).username
        user = s.get(StaffUser, username)
        user.roles = HANDLER
        s.add(user)
        s.commit()
    at.run()
    assert "张秀兰" not in page_text(at) and "收受红包" not in page_text(at)


def test_an_attachment_whose_file_is_missing_is_said_in_place_of_its_download_button(app_page, caplog):
    """The file behind 附件1 was lost (a storage fault): instead of a button that gives nothing
    when clicked, the detail says in words that it is missing and whom to ask; 附件2, whose file is
    there, still downloads. The log names the 件 and the stored name for the administrator."""
    import logging

    from portal.prefiling import attachments
    from portal.prefiling.crypto import get_cipher
    from portal.prefiling.models import PrefilingAttachment
    from portal.settings import get_settings
    from tests.prefiling import files
    from tests.prefiling.factories import make_with_attachment

    directory = get_settings().attachments_dir
    with Session(ready_engine(), expire_on_commit=False) as s:
        made = make_with_attachment(s, district=district())
        lost = s.exec(select(PrefilingAttachment).where(PrefilingAttachment.prefiling_id == made.prefiling.id)).one()
        kept = attachments.store(data=files.png(), directory=directory, cipher=get_cipher())
        s.add(PrefilingAttachment(prefiling_id=made.prefiling.id, stored_name=kept["stored_name"],
                                  kind=kept["kind"], size=kept["size"]))
        s.commit()
    (directory / lost.stored_name).unlink()
    with caplog.at_level(logging.WARNING, logger="portal.prefiling.staff_view"):
        at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    warnings = [w.value for w in at.warning]
    assert any(re.fullmatch(r"附件1（PDF，\d+ KB，随预登记提交）的文件缺失（存储故障），无法下载。请联系系统管理员从备份恢复。", w)
               for w in warnings), warnings
    labels = [b.label for b in at.get("download_button") if "att-" in (b.proto.id or "")]
    assert len(labels) == 1 and labels[0].startswith("下载附件2"), labels
    assert made.code in caplog.text and lost.stored_name in caplog.text



def listing(*years: int):
    """A rest-day calendar that lists `years` (one day off each): what content/holidays.yaml holds."""
    from portal.holidays import parse_calendar

    return parse_calendar("".join(
        f"{y}:\n  notice: 通知\n  holidays:\n    - {{name: 元旦, from: {y}-01-01, to: {y}-01-01}}\n" for y in years))


def test_the_queue_warns_while_a_deadline_can_fall_in_a_year_without_its_holidays(app_page, monkeypatch):
    """A deadline can fall in a year whose days off the portal does not know until the bureau adds
    the State Council's notice (2027 from September 2026 on): the handler is told."""
    from portal import clock

    year = beijing_today().year
    monkeypatch.setattr(clock, "calendar", lambda: listing(year - 1))
    text = page_text(open_queue(app_page, HANDLER))
    assert f"本系统尚未录入{year}年" in text and "按周六、周日和法定节日当日" in text
    monkeypatch.setattr(clock, "calendar", lambda: listing(year, year + 1))
    assert "尚未录入" not in page_text(open_queue(app_page, HANDLER))


def test_an_overdue_report_is_named_apart_for_a_handler_who_cannot_move_it(app_page):
    """数据看板 leaves 检举控告 件 out of a plain handler's overdue count; the queue's banner counts
    the 件 they can act on and names the overdue reports apart, for a colleague with the role."""
    where = district()
    stored(30, district=where)
    stored(30, district=where, category="检举控告")
    at = open_queue(app_page, HANDLER, **{"q-district": where})
    text = page_text(at)
    assert "有 1 件已超过法定期限" in text and "另有 1 件检举控告件已超过法定期限" in text
    at = open_queue(app_page, HANDLER, REPORTS, **{"q-district": where})
    text = page_text(at)
    assert "有 2 件已超过法定期限" in text and "另有" not in text


def test_a_long_queue_is_paged_on_a_phone_and_in_large_text_in_its_urgent_order(app_page):
    """300 件 as cards were some 74,000 px on a phone: the page table shows 20 at a time, most urgent
    first, with 下一页 at its foot; the wide screen's grid keeps every row (it scrolls in its frame)."""
    where = district()
    made = [stored(days, district=where) for days in range(45)]
    plain = app_page(PAGE, session_state=signed_in_state(HANDLER))
    plain.selectbox(key="q-district").set_value(where).run()
    order = list(plain.dataframe[0].value["查询码"])   # the grid: every row, most urgent first
    assert sorted(order) == sorted(codes.grouped(m.code) for m in made)
    assert shown(plain.table[0].value["查询码"]) == order[:20]   # the phone's cards
    at = app_page(PAGE, session_state=signed_in_state(HANDLER) | {"a11y_large_text": True})
    at.selectbox(key="q-district").set_value(where).run()
    [table] = at.table
    assert shown(table.value["查询码"]) == order[:20]
    pager = at.selectbox(key="table-page-queue")
    assert pager.label == "分页显示（每页 20 件）"
    assert pager.options == ["第 1–20 件（共 45 件）", "第 21–40 件（共 45 件）", "第 41–45 件（共 45 件）"]
    turn = at.button(key="table-next-queue")
    assert turn.label == "下一页：第 21–40 件（共 45 件）"
    turn.click().run()
    assert shown(at.table[0].value["查询码"]) == order[20:40]
    at.button(key="table-next-queue").click().run()
    assert shown(at.table[0].value["查询码"]) == order[40:]
    assert not [b for b in at.button if b.key == "table-next-queue"]   # the last page
    at.selectbox(key="table-page-queue").set_value(1).run()
    assert shown(at.table[0].value["查询码"]) == order[20:40]
    # another list with a second page too starts at its first, where its most urgent 件 are
    at.selectbox(key="q-deadline").set_value("已超期").run()
    assert len(at.selectbox(key="table-page-queue").options) > 1
    assert at.selectbox(key="table-page-queue").value == 0
    assert shown(at.table[0].value["查询码"]) == order[:20]


def registered_days_ago(days: int, **changes):
    """A 件 registered `days` days ago (received five days before that), by a handler with 检举控告."""
    from portal.identity import Actor
    from portal.prefiling import staff

    made = stored(days + 5, **changes)
    with Session(ready_engine()) as s:
        staff.register(session=s, actor=Actor("registrar", frozenset({HANDLER, REPORTS})),
                       prefiling_id=made.prefiling.id, official_number=f"LX-{made.code}")
        p = s.get(Prefiling, made.prefiling.id)
        p.registered_date = beijing_today() - dt.timedelta(days=days)
        # the detail dates 登记 from the event (receipt.clock_of), the queue from the column
        event = s.exec(select(PrefilingEvent).where(PrefilingEvent.prefiling_id == p.id,
                                                    PrefilingEvent.action == "register")).one()
        event.at -= dt.timedelta(days=days)
        s.add_all([p, event])
        s.commit()
    return made


def test_a_proposal_and_a_report_registered_70_days_ago_are_not_overdue_and_the_detail_says_why(app_page):
    """The 60 days to 办结 (信访工作条例 第三十四条、山东省信访条例 第四十二条) are a 申诉求决 matter's: the
    queue's banner counts only the 申诉求决 件 registered as long ago, and the detail of a 建议意见 dates
    no 办结 and says 当前期限：不适用60日办结期限, where the 申诉求决 one's is dated 按登记日推算."""
    where = district()
    proposal = registered_days_ago(70, district=where, category="建议意见")
    report = registered_days_ago(70, district=where, category="检举控告")
    dispute = registered_days_ago(70, district=where)
    at = open_queue(app_page, HANDLER, REPORTS, **{"q-district": where})
    text = page_text(at)
    assert "有 1 件已超过法定期限" in text and "另有" not in text
    frame = at.dataframe[0].value
    assert list(frame["查询码"])[0] == codes.grouped(dispute.code) and list(frame["期限"])[0].startswith("⚠ 已超期")
    assert sorted(list(frame["期限"])[1:]) == ["不适用60日办结期限"] * 2
    assert {codes.grouped(report.code), codes.grouped(proposal.code)} == set(list(frame["查询码"])[1:])
    text = page_text(open_record(at, proposal))
    assert "当前期限：不适用60日办结期限（建议意见类，见上）" in text and "已超期" not in text
    assert "60日办结期限（情况复杂的经批准可延长不超过30日）只适用于申诉求决类事项" in text
    assert "办结（第三十四条）" not in text
    text = page_text(open_record(at, dispute))
    assert "按登记日推算；60日自办理机关受理之日起算，受理日期以其书面告知为准" in text
    assert "当前期限：已超期" in text
