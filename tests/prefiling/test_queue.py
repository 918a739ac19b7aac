"""The handler queue (预登记办理): filters, overdue first, masking, reveal and transitions in the
audit log, restricted content, offered actions, CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlmodel import Session, select

from portal.audit.models import AuditEntry
from portal.audit.service import EXPORT, REVEAL, TRANSITION
from portal.identity import Actor, PermissionDenied
from portal.prefiling import export, handling, masking, staff
from portal.prefiling.codes import grouped as codes_grouped
from portal.prefiling.crypto import get_cipher
from portal.prefiling.models import Prefiling, PrefilingAttachment
from portal.prefiling.states import STATES, IllegalTransition
from portal.roles import HANDLER, REPORTS
from tests.prefiling.factories import client, make_prefiling

CLERK = Actor("clerk", frozenset({HANDLER}))
INSPECTOR = Actor("inspector", frozenset({HANDLER, REPORTS}))
TODAY = dt.date(2026, 7, 1)
EVIL = '=HYPERLINK("http://evil","x")'


def aged(session: Session, days: int, **changes) -> Prefiling:
    """A submitted pre-filing received `days` days before TODAY."""
    made = make_prefiling(session, **changes)
    p = session.get(Prefiling, made.prefiling.id)
    p.received_date = TODAY - dt.timedelta(days=days)
    session.add(p)
    session.commit()
    return p


def audit(session: Session, action: str, target: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action)
    if target is not None:
        query = query.where(AuditEntry.target == target)
    return list(session.exec(query))


def test_overdue_first_then_fewest_days_then_closed(db_engine):
    with Session(db_engine) as s:
        fresh, late, later, due_today = aged(s, 1), aged(s, 18), aged(s, 20), aged(s, 15)
        done = aged(s, 30)
        staff.reject(session=s, actor=CLERK, prefiling_id=done.id, reason="不属于信访事项", channel="人民法院")
        rows = staff.queue(session=s, actor=CLERK, today=TODAY)
        assert [r.code for r in rows] == [later.code, late.code, due_today.code, fresh.code, done.code]
        # `late` was due on Sunday 2026-06-28: its real last day is Monday 06-29 (民法典 第二百零三条)
        assert [r.deadline_text for r in rows] == [
            "已超期 5 天", "已超期 2 天", "今天到期", "还剩 14 天", "已结束，不计期限"]
        assert [r.overdue for r in rows] == [True, True, False, False, False]
        overdue = staff.queue(session=s, actor=CLERK, today=TODAY, max_days_left=-1)
        assert [r.code for r in overdue] == [later.code, late.code]


def test_a_deadline_on_a_public_holiday_counts_as_on_the_dashboard(db_engine):
    """Received 2026-09-16: 15 days end on 10-01, in the 国庆 holiday (10-01 to 10-07), so the
    real last day is 10-08. On 10-05 the queue says 还剩 3 天, as 数据看板 does, not 已超期 4 天."""
    from portal.stats import figures

    holiday = dt.date(2026, 10, 5)
    with Session(db_engine) as s:
        p = aged(s, (TODAY - dt.date(2026, 9, 16)).days)
        (row,) = staff.queue(session=s, actor=CLERK, today=holiday, code=p.code)
        assert (row.days_left, row.deadline_text, row.overdue) == (3, "还剩 3 天", False)
        assert staff.queue(session=s, actor=CLERK, today=holiday, max_days_left=-1) == []
        dashboard = figures.due_lists(session=s, actor=CLERK, day=holiday)
        assert dashboard.overdue == [] and [(r.code, r.days_left) for r in dashboard.due_this_week] == [(p.code, 3)]
        (after,) = staff.queue(session=s, actor=CLERK, today=dt.date(2026, 10, 9), code=p.code)
        assert after.deadline_text == "已超期 1 天"


def test_the_deadline_filters_at_their_exact_edges(db_engine):
    """On Friday 2026-07-03 four 件 whose 15 days (登记转送) end on working days: Thursday 07-02
    (received 06-17: 已超期 1 天), Friday 07-03 (06-18: 今天到期), Monday 07-06 (06-21: 还剩 3 天) and
    Tuesday 07-07 (06-22: 还剩 4 天). 已超期 keeps only the first; 3天内到期（含已超期） the first three:
    a 件 due today is not overdue, one due in 3 days is within 3 days, one due in 4 is not."""
    friday = dt.date(2026, 7, 3)
    with Session(db_engine) as s:
        late, today, three, four = (aged(s, (TODAY - dt.date(2026, 6, d)).days) for d in (17, 18, 21, 22))

        def listed(max_days_left):
            rows = staff.queue(session=s, actor=CLERK, today=friday, max_days_left=max_days_left)
            return [(r.code, r.deadline_text, r.overdue) for r in rows]

        assert listed(None) == [(late.code, "已超期 1 天", True), (today.code, "今天到期", False),
                                (three.code, "还剩 3 天", False), (four.code, "还剩 4 天", False)]
        assert listed(-1) == [(late.code, "已超期 1 天", True)]                       # 已超期
        assert [c for c, _, _ in listed(3)] == [late.code, today.code, three.code]   # 3天内到期（含已超期）
        assert [c for c, _, _ in listed(0)] == [late.code, today.code]
        assert [c for c, _, _ in listed(4)] == [late.code, today.code, three.code, four.code]


def test_filters_by_state_category_district_and_code(db_engine):
    with Session(db_engine) as s:
        a = aged(s, 2, district="槐荫区", category="建议意见")
        b = aged(s, 2, district="历下区")
        staff.request_more(session=s, actor=CLERK, prefiling_id=b.id, reply="请补充合同。")

        def codes(**f):
            return {r.code for r in staff.queue(session=s, actor=CLERK, today=TODAY, **f)}

        assert codes(district="槐荫区") == {a.code}
        assert codes(category="建议意见") == {a.code}
        assert codes(state="需补充材料") == {b.code}
        assert codes(code=b.code[2:7].lower()) == {b.code}  # part of it, any case
        grouped = f"{a.code[:4]}-{a.code[4:8]}"
        assert codes(code=grouped) == {a.code}
        assert codes(district="槐荫区", state="需补充材料") == set()
        assert {"槐荫区", "历下区"} <= set(staff.districts(session=s, actor=CLERK))


@pytest.mark.parametrize(("func", "value", "expected"), [
    (masking.mask_id_number, "370102196503151234", "3701**********1234"),
    (masking.mask_id_number, "37010219650315123X", "3701**********123X"),
    (masking.mask_phone, "13812345678", "138****5678"),
    (masking.mask_phone, "0531-87654321", "053******4321"),
    (masking.mask_name, "张秀兰", "张**"),
    (masking.mask_name, "欧阳", "欧*"),
    (masking.mask_address, "济南市历下区文化东路1号2单元301室", "济南市历下区****"),
    (masking.mask_phone, "", ""),
    (masking.mask_name, None, None),
])
def test_masking(func, value, expected):
    assert func(value) == expected


@pytest.mark.parametrize(("func", "value"), [
    (masking.mask_name, "王"),                 # a one-character name is hidden whole (mask_name)
    (masking.mask_id_number, "37010219"),      # 8 characters: four kept at each end would be all of it
    (masking.mask_id_number, "3701021"),
    (masking.mask_phone, "8765432"),           # a short number stored by another route
    (masking.mask_phone, "876543"),
])
def test_short_values_are_never_shown_whole(func, value):
    """The masked forms keep "just enough to tell two records apart … and hide the rest"
    (portal/prefiling/masking.py): a value too short for that loses at least half to stars."""
    shown = func(value)
    assert shown != value and shown.count(masking.STAR) * 2 >= len(value), shown
    if func is not masking.mask_phone:
        assert set(shown) == {masking.STAR}, shown


def test_detail_is_masked_and_reveal_is_logged(db_engine):
    with Session(db_engine) as s:
        made = make_prefiling(s, agents=[{"name": "李建国", "phone": "13900001111", "relation": "近亲属"}])
        pid = made.prefiling.id
        shown = handling.detail(session=s, actor=CLERK, prefiling_id=pid)
        text = repr(shown)
        assert shown.name == "张**" and shown.phone == "138****5678" and shown.personal_masked
        assert shown.id_number.startswith("3701") and "*" * 10 in shown.id_number
        for secret in ("张秀兰", "13812345678", "文化东路", "李建国", "13900001111"):
            assert secret not in text
        assert shown.request  # the matter itself is not personal data: shown
        assert audit(s, REVEAL, f"prefiling:{made.code}") == []

        clear = handling.reveal(session=s, actor=CLERK, prefiling_id=pid)
        assert clear.name == "张秀兰" and clear.phone == "13812345678" and not clear.personal_masked
        entries = audit(s, REVEAL, f"prefiling:{made.code}")
        assert [e.actor_name for e in entries] == ["clerk"]
        assert "张秀兰" not in entries[0].detail and "1381234" not in entries[0].detail


def test_restricted_content_only_with_reports_role(db_engine):
    with Session(db_engine) as s:
        made = make_prefiling(s, category="检举控告", facts="某局副局长收受红包。", name="检举人甲")
        pid = made.prefiling.id
        hidden = handling.detail(session=s, actor=CLERK, prefiling_id=pid)
        assert hidden.hidden and hidden.facts is None and hidden.name is None and hidden.attachments == []
        with pytest.raises(PermissionDenied):
            handling.reveal(session=s, actor=CLERK, prefiling_id=pid)
        assert audit(s, REVEAL, f"prefiling:{made.code}") == []
        shown = handling.detail(session=s, actor=INSPECTOR, prefiling_id=pid)
        assert shown.facts == "某局副局长收受红包。" and shown.name == "检***"
        assert handling.reveal(session=s, actor=INSPECTOR, prefiling_id=pid).name == "检举人甲"


def test_restricted_replies_rating_comment_and_refusal_reason_only_with_reports_role(db_engine):
    """信访工作条例 第三十条、第四十六条第五项: a 检举控告 件's content stays with 检举控告 staff,
    and that includes what staff wrote back, the citizen's rating words and a refusal's reason."""
    from portal.prefiling.lookup import rate

    with Session(db_engine) as s:
        closed = make_prefiling(s, category="检举控告", facts="某局副局长收受红包。")
        cid = closed.prefiling.id
        staff.register(session=s, actor=INSPECTOR, prefiling_id=cid, official_number="JK2026-0001")
        staff.close(session=s, actor=INSPECTOR, prefiling_id=cid, reply="经查，副局长王某已被立案审查。")
        rate(session=s, code=closed.code, secret=closed.secret, client=client(), rating="满意",
             comment="王某的事终于查了")
        refused = make_prefiling(s, category="检举控告", facts="某所所长违规收费。")
        rid = refused.prefiling.id
        staff.reject(session=s, actor=INSPECTOR, prefiling_id=rid, reason="所反映的李所长已另案查处",
                     channel="市纪委监委")
        shown = handling.detail(session=s, actor=INSPECTOR, prefiling_id=cid)
        assert "经查，副局长王某已被立案审查。" in [h.reply for h in shown.history]
        assert shown.rating_comment == "王某的事终于查了"
        assert handling.detail(session=s, actor=INSPECTOR, prefiling_id=rid).reject_reason == "所反映的李所长已另案查处"

        for pid in (cid, rid):
            view = handling.detail(session=s, actor=CLERK, prefiling_id=pid)
            assert view.hidden
            assert all(h.reply == "" for h in view.history), view.history
            assert view.rating_comment is None and view.reject_reason == ""
            for secret in ("王某", "李所长"):
                assert secret not in repr(view)
        clerk_view = handling.detail(session=s, actor=CLERK, prefiling_id=cid)
        assert clerk_view.rating == "满意"  # the rating itself is no content: it counts in the figures


def test_offered_actions_follow_the_table():
    # written out by hand (README 预登记办理: 登记, 需补充材料, 不予登记, 办结, 更正信访件编号), not
    # read from TRANSITIONS: a finished 件 (不予登记, 已办结, 已撤回) offers no button
    by_hand = {
        "草稿": set(), "已提交": {"register", "request_more", "reject"},
        "已登记": {"close", "correct_number"}, "需补充材料": {"register", "reject"},
        "不予登记": set(), "已办结": set(), "已撤回": set(),
    }
    assert set(STATES) == set(by_hand)
    for state in STATES:
        assert set(handling.offered_actions(state)) == by_hand[state], state
    assert handling.offered_actions("已提交") == ("register", "request_more", "reject")
    assert handling.offered_actions("已登记") == ("close", "correct_number")  # 办结, or put the number right
    assert handling.offered_actions("已办结") == ()


def test_transitions_are_audited_and_illegal_ones_refused(db_engine):
    with Session(db_engine) as s:
        made = make_prefiling(s)
        pid, target = made.prefiling.id, f"prefiling:{made.code}"
        with pytest.raises(IllegalTransition):
            staff.close(session=s, actor=CLERK, prefiling_id=pid, reply="办结了")
        s.rollback()
        assert audit(s, TRANSITION, target) == []
        staff.register(session=s, actor=CLERK, prefiling_id=pid, official_number="LX2026-0042")
        staff.close(session=s, actor=CLERK, prefiling_id=pid, reply="已修复屋顶。")
        entries = audit(s, TRANSITION, target)
        assert [e.detail for e in entries] == ["登记为信访件：已提交 → 已登记", "办结：已登记 → 已办结"]
        for action in handling.ACTION_LABELS:  # nothing moves a closed one
            assert action not in handling.offered_actions("已办结")
        with pytest.raises(IllegalTransition):
            staff.reject(session=s, actor=CLERK, prefiling_id=pid, reason="r", channel="c")


def read_csv(data: bytes) -> list[dict]:
    assert data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_export_neutralises_formulas_and_leaves_out_personal_data(db_engine):
    with Session(db_engine) as s:
        p = aged(s, 20)
        p.subject, p.district = EVIL, "+cmd|' /C calc'!A0"  # as if stored by some other route
        s.add(p)
        s.commit()
        rows = staff.queue(session=s, actor=CLERK, today=TODAY, code=p.code)
        data = export.export_csv(session=s, actor=CLERK, rows=rows, filters="已超期", today=TODAY)
        [line] = read_csv(data)
        assert line["查询码"] == codes_grouped(p.code)   # as screens and receipts write it (r48a)
        assert line["被反映对象"] == "'" + EVIL and line["问题属地"].startswith("'+")
        assert line["期限"] == "已超期 5 天" and line["剩余天数"] == "-5"
        text = data.decode("utf-8")
        for personal in ("张秀兰", "13812345678", "文化东路", "姓名", "身份证号"):
            assert personal not in text
        [entry] = audit(s, EXPORT, "prefiling-queue")
        [own] = audit(s, EXPORT, f"prefiling:{p.code}")      # and under the 件's own 查询码
        assert own.detail == "随预登记列表导出（不含身份信息，共 1 条）"
        assert entry.actor_name == "clerk" and "不含身份信息，含事项原文" in entry.detail and "已超期" in entry.detail
        assert entry.detail.endswith(f"查询码：{p.code}")      # which 件 went out, as a reveal names its 件


def test_export_counts_the_days_for_its_day_from_the_record_as_it_is_now(db_engine):
    """The list drawn at 23:50, downloaded after midnight: the file's day (its name, the page's day)
    decides the counts, and a 件 withdrawn since the list was drawn is not counted as running."""
    with Session(db_engine) as s:
        late, kept = aged(s, 20), aged(s, 10)
        rows = staff.queue(session=s, actor=CLERK, today=TODAY, code=None)
        rows = [r for r in rows if r.id in (late.id, kept.id)]
        assert [r.deadline_text for r in rows] == ["已超期 5 天", "还剩 5 天"]
        late.state = "已撤回"
        s.add(late)
        s.commit()
        lines = {r["查询码"].replace("-", ""): r for r in read_csv(export.export_csv(session=s, actor=CLERK, rows=rows,
                                                                   today=TODAY + dt.timedelta(days=1)))}
        late, kept = late.code, kept.code
    assert (lines[kept]["期限"], lines[kept]["剩余天数"]) == ("还剩 4 天", "4")
    assert (lines[late]["状态"], lines[late]["期限"], lines[late]["剩余天数"]) == (
        "已撤回", "已结束，不计期限", "")


def test_export_with_personal_data_only_on_request_and_restricted_only_for_reports(db_engine):
    with Session(db_engine) as s:
        plain = make_prefiling(s)
        stored = s.get(Prefiling, plain.prefiling.id)
        stored.name_enc = get_cipher().encrypt("=cmd")  # the form refuses it; test the export anyway
        s.add(stored)
        s.commit()
        secret = make_prefiling(s, category="检举控告", subject="某局副局长", name="检举人甲",
                                request="请求查处副局长收受红包的问题。")
        rows = [r for r in staff.queue(session=s, actor=CLERK) if r.code in (plain.code, secret.code)]
        data = export.export_csv(session=s, actor=CLERK, rows=rows, include_personal=True)
        assert "收受红包" not in data.decode("utf-8") and "检举人甲" not in data.decode("utf-8")
        lines = {r["查询码"].replace("-", ""): r for r in read_csv(data)}
        assert lines[secret.code]["诉求"] == staff.RESTRICTED_NOTICE
        assert lines[plain.code]["诉求"] == "请求督促物业公司修复漏水的屋顶。"
        assert lines[plain.code]["姓名"] == "'=cmd" and lines[plain.code]["电话"] == "13812345678"
        # the ID number as text: a bare 18-digit cell opened in a spreadsheet keeps 15 digits
        assert lines[plain.code]["身份证号"] == "\t" + get_cipher().decrypt(stored.id_number_enc)
        assert lines[secret.code]["姓名"] == export.WITHHELD
        assert lines[secret.code]["被反映对象"] == staff.RESTRICTED_NOTICE
        lines = {r["查询码"].replace("-", ""): r for r in read_csv(
            export.export_csv(session=s, actor=INSPECTOR, rows=rows, include_personal=True))}
        assert lines[secret.code]["姓名"] == "检举人甲" and lines[secret.code]["被反映对象"] == "某局副局长"
        assert [e.detail.split("；")[1] for e in audit(s, EXPORT, "prefiling-queue")] == ["含身份信息", "含身份信息"]
        assert all(e.detail.endswith(f"查询码：{plain.code}、{secret.code}") or
                   e.detail.endswith(f"查询码：{secret.code}、{plain.code}") for e in audit(s, EXPORT, "prefiling-queue"))
        # the report's own entries: its identity went out to the inspector only
        assert [e.detail.split("，")[0] for e in audit(s, EXPORT, f"prefiling:{secret.code}")] == [
            "随预登记列表导出（不含身份信息", "随预登记列表导出（含身份信息"]
        with pytest.raises(PermissionDenied):
            export.export_csv(session=s, actor=Actor("r", frozenset({REPORTS})), rows=rows)


def test_an_export_too_long_to_name_every_code_names_as_many_as_fit_and_counts_the_rest():
    codes = [f"C{n:09d}" for n in range(200)]
    detail = export.with_codes("200 条；含身份信息", codes)
    assert len(detail) <= export.AUDIT_DETAIL_LIMIT
    shown = detail.split("查询码：")[1].split("……")[0].split("、")
    assert shown == codes[:len(shown)] and len(shown) > 50
    assert detail.endswith(f"……另 {200 - len(shown)} 条未列出")
    assert export.with_codes("2 条；含身份信息", codes[:2]) == f"2 条；含身份信息；查询码：{codes[0]}、{codes[1]}"


@pytest.mark.parametrize(("cell", "expected"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("正常文字", "正常文字"), (-3, -3), (None, ""), ("a=b", "a=b"),
])
def test_neutralise(cell, expected):
    assert export.neutralise(cell) == expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("370102196503151003", "\t370102196503151003"), ("37010219650315100X", "\t37010219650315100X"),
    ("053187654321", "\t053187654321"), ("13812345678", "13812345678"), ("0531-87654321", "0531-87654321"),
    ("ABCDEFGHJK", "ABCDEFGHJK"), ("'=1+1", "'=1+1"), (-5, -5), ("0", "0"),
])
def test_digit_strings_a_spreadsheet_would_change_are_kept_as_text(cell, expected):
    assert export.as_text(cell) == expected


def test_an_attachment_whose_file_is_gone_is_marked_missing_and_logged_without_personal_data(db_engine, caplog):
    """A storage fault (or a restore without attachments/) lost one file the database still names:
    the detail marks that one missing, the others not, and the log names the 件 and the stored
    name for the administrator — not the petitioner."""
    import logging

    from portal.prefiling import attachments
    from portal.settings import get_settings
    from tests.prefiling import files
    from tests.prefiling.factories import make_with_attachment

    directory = get_settings().attachments_dir
    with Session(db_engine) as s:
        made = make_with_attachment(s, name="张秀兰")
        kept = attachments.store(data=files.png(), directory=directory, cipher=get_cipher())
        lost = s.exec(select(PrefilingAttachment).where(
            PrefilingAttachment.prefiling_id == made.prefiling.id)).one()
        other = PrefilingAttachment(prefiling_id=made.prefiling.id, stored_name=kept["stored_name"],
                                          kind=kept["kind"], size=kept["size"])
        s.add(other)
        s.commit()
        (directory / lost.stored_name).unlink()
        with caplog.at_level(logging.WARNING, logger="portal.prefiling.staff_view"):
            view = staff.staff_view(session=s, actor=Actor("clerk", frozenset({HANDLER})),
                                    prefiling_id=made.prefiling.id)
    assert [a["missing"] for a in view.attachments] == [True, False]
    [entry] = [r for r in caplog.records if r.name == "portal.prefiling.staff_view"]
    assert made.code in entry.getMessage() and lost.stored_name in entry.getMessage()
    assert "张秀兰" not in caplog.text and kept["stored_name"] not in caplog.text


def test_numbers_the_citizen_wrote_into_their_own_words_are_masked_until_revealed_and_in_an_export_without_them(
        db_engine):
    """诉求 and 事实与理由 are shown while 姓名 and 电话 are masked: a phone or ID number written into
    them (电话13912345678) is masked there too, revealed with the rest, and masked in a CSV that
    leaves personal data out."""
    phone, id_number = "13912345678", "370102196503150011"
    with Session(db_engine) as s:
        made = make_prefiling(s, request=f"请联系我，电话{phone}。", facts=f"我的身份证{id_number}被冒用办了公司。")
        view = staff.staff_view(session=s, actor=CLERK, prefiling_id=made.prefiling.id)
        assert phone not in view.request and id_number not in view.facts
        assert "139****5678" in view.request and "被冒用办了公司" in view.facts
        shown = staff.staff_view(session=s, actor=CLERK, prefiling_id=made.prefiling.id, reveal=True)
        assert phone in shown.request and id_number in shown.facts
        rows = [r for r in staff.queue(session=s, actor=CLERK) if r.code == made.code]
        [line] = read_csv(export.export_csv(session=s, actor=CLERK, rows=rows))
        assert line["诉求"] == "请联系我，电话139****5678。"
        [line] = read_csv(export.export_csv(session=s, actor=CLERK, rows=rows, include_personal=True))
        assert line["诉求"] == f"请联系我，电话{phone}。"



def test_a_number_in_a_supplement_note_is_masked_until_revealed(db_engine):
    from portal.prefiling import supplements

    phone = "13912345678"
    with Session(db_engine) as s:
        made = make_prefiling(s)
        staff.request_more(session=s, actor=CLERK, prefiling_id=made.prefiling.id, reply="请补充物业合同。")
        supplements.send(session=s, code=made.code, secret=made.secret, client=client(), uploads=[],
                         note=f"合同找不到了，我换了新手机号{phone}。")
        view = staff.staff_view(session=s, actor=CLERK, prefiling_id=made.prefiling.id)
        assert not any(phone in h.reply for h in view.history)
        assert any("139****5678" in h.reply for h in view.history)
        shown = staff.staff_view(session=s, actor=CLERK, prefiling_id=made.prefiling.id, reveal=True)
        assert any(phone in h.reply for h in shown.history)


def registered_long_ago(session: Session, category: str, days: int = 70) -> Prefiling:
    """A 件 of `category` registered `days` days before TODAY (received five days before that)."""
    p = aged(session, days + 5, category=category)
    staff.register(session=session, actor=INSPECTOR, prefiling_id=p.id, official_number=f"LX2026-{p.id:04d}")
    p = session.get(Prefiling, p.id)
    p.registered_date = TODAY - dt.timedelta(days=days)
    session.add(p)
    session.commit()
    return p


def test_a_registered_proposal_or_report_has_no_60_day_deadline_to_be_overdue_against(db_engine):
    """信访工作条例 第三十四条 (a 第三十一条第六项 matter) and 山东省信访条例 第四十二条 (申诉求决类) give
    60 days to 申诉求决 only; 建议意见 (第二十九条) and 检举控告 (第三十条) have no day count, as 进度查询
    tells the citizen. Registered 70 days ago, the 申诉求决 is overdue (its 60th day, Sunday 06-21,
    moves to Monday 06-22: 9 days ago); the other two are listed after it, running, not overdue, and
    a 建议意见's 15 days to 登记 still count before it is registered."""
    with Session(db_engine) as s:
        proposal = registered_long_ago(s, "建议意见")
        report = registered_long_ago(s, "检举控告")
        dispute = registered_long_ago(s, "申诉求决")
        waiting = aged(s, 20, category="建议意见")       # not registered: its 登记转送 is 5 days late
        rows = {r.code: r for r in staff.queue(session=s, actor=INSPECTOR, today=TODAY)}
        assert (rows[dispute.code].overdue, rows[dispute.code].deadline_text) == (True, "已超期 9 天")
        assert (rows[waiting.code].overdue, rows[waiting.code].deadline_text) == (True, "已超期 5 天")
        for p in (proposal, report):
            assert (rows[p.code].days_left, rows[p.code].overdue) == (None, False)
            assert rows[p.code].deadline_text == "不适用60日办结期限"
        order = [r.code for r in staff.queue(session=s, actor=INSPECTOR, today=TODAY)]
        assert order.index(proposal.code) > order.index(dispute.code)
        overdue = {r.code for r in staff.queue(session=s, actor=INSPECTOR, today=TODAY, max_days_left=-1)}
        assert {dispute.code, waiting.code} <= overdue and not {proposal.code, report.code} & overdue
        soon = {r.code for r in staff.queue(session=s, actor=INSPECTOR, today=TODAY, max_days_left=7)}
        assert not {proposal.code, report.code} & soon
        lines = {r["查询码"].replace("-", ""): r for r in read_csv(export.export_csv(session=s, actor=INSPECTOR,
                                                                   rows=list(rows.values()), today=TODAY))}
        assert (lines[proposal.code]["期限"], lines[proposal.code]["剩余天数"]) == ("不适用60日办结期限", "")
        assert lines[dispute.code]["剩余天数"] == "-9"


def test_a_closed_proposal_still_reads_as_ended_and_sorts_after_running_ones(db_engine):
    with Session(db_engine) as s:
        running = registered_long_ago(s, "建议意见")
        ended = registered_long_ago(s, "建议意见")
        staff.close(session=s, actor=CLERK, prefiling_id=ended.id, reply="已研究，予以采纳。")
        rows = [r for r in staff.queue(session=s, actor=CLERK, today=TODAY) if r.code in (running.code, ended.code)]
        assert [(r.code, r.deadline_text) for r in rows] == [
            (running.code, "不适用60日办结期限"), (ended.code, "已结束，不计期限")]
