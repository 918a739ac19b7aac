"""Transitions that cannot both win: two writers on one record at the same moment, 20 trials each,
on SQLite and PostgreSQL. Exactly one wins; the other is refused (刚刚已有他人处理，您这次的操作没有执行 when it
acted on what it had seen) and writes nothing — no event, no audit entry, no revision."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlmodel import Session, func, select

from portal.audit.models import AuditEntry
from portal.cases import lifecycle as case_lifecycle
from portal.cases import service as cases
from portal.cases.models import CaseRevision, TypicalCase
from portal.concurrency import TAKEN
from portal.identity import Actor
from portal.prefiling import staff
from portal.prefiling.crypto import get_cipher
from portal.prefiling.lookup import RatingRefused, rate, withdraw
from portal.prefiling.models import Prefiling, PrefilingEvent
from portal.prefiling.states import IllegalTransition
from portal.roles import COUNSEL, EDITOR, HANDLER
from tests.cases.factories import make_case
from tests.prefiling.factories import client, make_prefiling

TRIALS = 20
WANG = Actor("wang", frozenset({HANDLER}))
LI = Actor("li", frozenset({HANDLER}))


def _race(*actions):
    """Run the actions in threads released together; return (results, errors) in action order."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)
    errors: list = [None] * len(actions)

    def run(i, action):
        barrier.wait()
        try:
            results[i] = action()
        except Exception as exc:  # the loser's refusal, inspected by the test
            errors[i] = exc

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def _in_session(engine, call):
    def action():
        with Session(engine) as s:
            return call(s)
    return action


def _counts(engine, p_id: int, code: str) -> tuple[int, int]:
    with Session(engine) as s:
        events = s.exec(select(func.count()).select_from(PrefilingEvent)
                        .where(PrefilingEvent.prefiling_id == p_id)).one()
        audits = s.exec(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.action == "transition", AuditEntry.target == f"prefiling:{code}")).one()
    return events, audits


def _fresh(engine):
    with Session(engine, expire_on_commit=False) as s:
        made = make_prefiling(s)
        return made, made.prefiling.version


def test_register_and_reject_at_once(db_engine):
    get_cipher()
    doubles = taken = 0
    for _ in range(TRIALS):
        made, seen = _fresh(db_engine)
        pid = made.prefiling.id
        _results, errors = _race(
            _in_session(db_engine, lambda s, pid=pid, seen=seen: staff.register(
                session=s, actor=WANG, prefiling_id=pid, official_number=f"XF-1-{pid}", version=seen)),
            _in_session(db_engine, lambda s, pid=pid, seen=seen: staff.reject(
                session=s, actor=LI, prefiling_id=pid, reason="不属于信访事项", channel="人民法院", version=seen)))
        losers = [e for e in errors if e is not None]
        assert len(losers) == 1 and isinstance(losers[0], IllegalTransition)
        taken += str(losers[0]) == TAKEN
        events, audits = _counts(db_engine, pid, made.code)
        doubles += events != 2 or audits != 1
        with Session(db_engine) as s:
            p = s.get(Prefiling, pid)
            # the final state agrees with the other fields: no 不予登记 with an official number
            assert (p.state, bool(p.official_number), bool(p.reject_reason)) in (
                ("已登记", True, False), ("不予登记", False, True))
    assert doubles == 0 and taken == TRIALS


def test_citizen_withdraws_while_staff_registers(db_engine):
    get_cipher()
    doubles = 0
    for _ in range(TRIALS):
        made, seen = _fresh(db_engine)
        pid = made.prefiling.id
        _results, errors = _race(
            _in_session(db_engine, lambda s, made=made: withdraw(session=s, code=made.code, secret=made.secret, client=client())),
            _in_session(db_engine, lambda s, pid=pid, seen=seen: staff.register(
                session=s, actor=WANG, prefiling_id=pid, official_number=f"XF-2-{pid}", version=seen)))
        losers = [e for e in errors if e is not None]
        assert len(losers) == 1 and isinstance(losers[0], IllegalTransition)
        events, audits = _counts(db_engine, pid, made.code)
        with Session(db_engine) as s:
            state = s.get(Prefiling, pid).state
        doubles += events != 2 or audits != (1 if state == "已登记" else 0)
        assert state in ("已登记", "已撤回")
    assert doubles == 0


def test_two_ratings_at_once_count_once(db_engine):
    get_cipher()
    for _ in range(TRIALS):
        made, _seen = _fresh(db_engine)
        pid = made.prefiling.id
        with Session(db_engine) as s:
            staff.register(session=s, actor=WANG, prefiling_id=pid, official_number=f"XF-3-{pid}")
            staff.close(session=s, actor=WANG, prefiling_id=pid, reply="已办结。")
        _results, errors = _race(
            *(_in_session(db_engine, lambda s, r=r, made=made: rate(session=s, code=made.code, secret=made.secret,
                                                         client=client(), rating=r))
              for r in ("满意", "不满意")))
        losers = [e for e in errors if e is not None]
        assert len(losers) == 1 and isinstance(losers[0], RatingRefused)
        with Session(db_engine) as s:
            assert s.get(Prefiling, pid).rating in ("满意", "不满意")


def test_two_editors_publish_one_case_once(db_engine, library):
    editors = [Actor(f"editor-{n}", frozenset({EDITOR})) for n in ("zhao", "qian")]
    doubles = 0
    for _ in range(TRIALS):
        slug = f"race-{uuid.uuid4().hex[:8]}"
        with Session(db_engine) as s:
            make_case(s, library, slug)
            s.commit()
        _results, errors = _race(
            *(_in_session(db_engine, lambda s, e=e, slug=slug: (cases.publish(session=s, actor=e, library=library, slug=slug),
                                                    s.commit()))
              for e in editors))
        losers = [e for e in errors if e is not None]
        assert len(losers) == 1 and isinstance(losers[0], case_lifecycle.IllegalTransition)
        with Session(db_engine) as s:
            revisions = s.exec(select(func.count()).select_from(CaseRevision)
                               .where(CaseRevision.case_slug == slug)).one()
            published = s.exec(select(func.count()).select_from(AuditEntry)
                               .where(AuditEntry.action == "publish", AuditEntry.target == f"case:{slug}")).one()
            assert s.get(TypicalCase, slug).state == "已发布"
        doubles += revisions != 2 or published != 1
    assert doubles == 0


def test_two_editors_creating_one_case_name_at_once_get_one_case_and_a_plain_refusal(db_engine, library):
    """Two 编辑 create a new case under the same 网址名 in the same instant: one case is made with one
    revision and one audit entry; the other is asked for another name, not shown a database error."""
    from portal.field_errors import ValidationFailed
    from tests.cases.factories import make_draft

    editors = [Actor(f"editor-{n}", frozenset({EDITOR})) for n in ("zhao", "qian")]
    for _ in range(TRIALS):
        slug = f"new-{uuid.uuid4().hex[:8]}"
        _results, errors = _race(*(_in_session(db_engine, lambda s, e=e, slug=slug: (
            cases.save_case(session=s, actor=e, library=library, slug=slug, draft=make_draft(title=e.username),
                            new=True), s.commit())) for e in editors))
        losers = [e for e in errors if e is not None]
        assert len(losers) == 1 and isinstance(losers[0], ValidationFailed), errors
        assert losers[0].errors[0].message == f"网址名“{slug}”已被其他案例使用，请换一个。"
        with Session(db_engine) as s:
            revisions = s.exec(select(func.count()).select_from(CaseRevision)
                               .where(CaseRevision.case_slug == slug)).one()
            saved = s.exec(select(func.count()).select_from(AuditEntry)
                           .where(AuditEntry.target == f"case:{slug}")).one()
            winner = editors[[e is None for e in errors].index(True)].username
            assert s.get(TypicalCase, slug).title == winner
        assert (revisions, saved) == (1, 1)


@pytest.mark.parametrize("first", ["register", "reject"])
def test_acting_on_a_stale_view_is_refused_with_the_plain_message(db_engine, first):
    made, seen = _fresh(db_engine)
    pid = made.prefiling.id
    with Session(db_engine) as s:
        if first == "register":
            staff.register(session=s, actor=WANG, prefiling_id=pid, official_number=f"XF-4-{pid}", version=seen)
        else:
            staff.reject(session=s, actor=WANG, prefiling_id=pid, reason="理由", channel="法院", version=seen)
    with Session(db_engine) as s, pytest.raises(IllegalTransition, match="刚刚已有他人处理，您这次的操作没有执行"):
        staff.request_more(session=s, actor=LI, prefiling_id=pid, reply="请补充身份证明。", version=seen)
    assert _counts(db_engine, pid, made.code) == (2, 1)


def _one_holder(engine, number: str, errors: list) -> bool:
    """After two moves to one 信访件编号: at most one was refused, as a number already used, and
    exactly one 件 carries the number (however it was typed)."""
    from portal.prefiling.transitions import StaffInputError

    losers = [e for e in errors if e is not None]
    assert len(losers) <= 1, losers
    if losers:
        assert isinstance(losers[0], StaffInputError) and "已用于另一件预登记" in str(losers[0]), losers[0]
    with Session(engine) as s:
        holders = s.exec(select(func.count()).select_from(Prefiling).where(
            func.upper(Prefiling.official_number) == number.upper())).one()
    return holders == 1


def test_two_filings_registered_with_one_number_at_once(db_engine):
    """Two handlers register two different 件 with the same 信访件编号 in the same instant: one
    number names one 件, so exactly one is registered and the other is told which 件 has it."""
    doubles = 0
    for trial in range(TRIALS):
        (a, seen_a), (b, seen_b) = _fresh(db_engine), _fresh(db_engine)
        number = f"XF-RACE-{uuid.uuid4().hex[:6]}-{trial}"
        results, errors = _race(
            _in_session(db_engine, lambda s, p=a.prefiling.id, v=seen_a, n=number: staff.register(
                session=s, actor=WANG, prefiling_id=p, official_number=n, version=v)),
            _in_session(db_engine, lambda s, p=b.prefiling.id, v=seen_b, n=number: staff.register(
                session=s, actor=LI, prefiling_id=p, official_number=n.lower(), version=v)))
        doubles += not _one_holder(db_engine, number, errors)
    assert doubles == 0


def test_a_correction_and_a_registration_to_one_number_at_once(db_engine):
    """更正信访件编号 takes the same numbering lock as 登记: a handler correcting one 件 to a number
    while a colleague registers another 件 under it cannot both succeed (two citizens would read the
    same 信访件编号 in 进度查询)."""
    doubles = 0
    for trial in range(TRIALS):
        (a, seen_a), (b, _seen) = _fresh(db_engine), _fresh(db_engine)
        with Session(db_engine) as s:
            registered = staff.register(session=s, actor=WANG, prefiling_id=b.prefiling.id,
                                        official_number=f"XF-OLD-{uuid.uuid4().hex[:6]}")
            seen_b = registered.version
        number = f"XF-FIX-{uuid.uuid4().hex[:6]}-{trial}"
        results, errors = _race(
            _in_session(db_engine, lambda s, p=a.prefiling.id, v=seen_a, n=number: staff.register(
                session=s, actor=WANG, prefiling_id=p, official_number=n, version=v)),
            _in_session(db_engine, lambda s, p=b.prefiling.id, v=seen_b, n=number: staff.correct_number(
                session=s, actor=LI, prefiling_id=p, official_number=n, reason="录入错误", version=v)))
        doubles += not _one_holder(db_engine, number, errors)
    assert doubles == 0


COUNSELS = [Actor(f"counsel-{n}", frozenset({COUNSEL})) for n in ("zhou", "wu")]


def _sent(engine) -> int:
    from portal.qa.inbox import send_question

    with Session(engine) as s:
        sent = send_question(session=s, text="房东不退押金，我该找谁？", client=client())
        s.commit()
        return sent.id


def test_two_counsellors_handle_one_sent_question_once(db_engine, library):
    """Two 法律顾问 act on one 群众来问 in the same instant (收入 and 收入, or 收入 and 忽略): one
    wins, the other is told 刚刚已有他人处理 and writes nothing — no second bank question, no
    second audit entry."""
    from portal.qa import inbox
    from portal.qa.models import BankQuestion, SentQuestion

    doubles = 0
    for trial in range(TRIALS):
        sid = _sent(db_engine)
        text = f"房东不退押金怎么办（{trial}-{uuid.uuid4().hex[:6]}）"
        answer = [_in_session(db_engine, lambda s, c=c, t=text, sid=sid: (inbox.answer_sent(
            session=s, actor=c, library=library, sent_id=sid, question=t,
            provision_ids=["xinfang-gongzuo-tiaoli-2022:第二十二条"]), s.commit())) for c in COUNSELS]
        dismiss = _in_session(db_engine, lambda s, sid=sid: (inbox.dismiss_sent(session=s, actor=COUNSELS[1], sent_id=sid),
                                                    s.commit()))
        _results, errors = _race(answer[0], answer[1] if trial % 2 else dismiss)
        losers = [e for e in errors if e is not None]
        assert len(losers) == 1, errors
        assert TAKEN in str(losers[0]) or "已收入" in str(losers[0]) or "已忽略" in str(losers[0]), losers[0]
        with Session(db_engine) as s:
            made = s.exec(select(func.count()).select_from(BankQuestion).where(BankQuestion.question == text)).one()
            handled = s.exec(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.target == f"sent:{sid}")).one()
            sent = s.get(SentQuestion, sid)
            assert sent.state in ("已收入", "已忽略") and sent.text == ""
            assert (sent.bank_question_id is not None) == (made == 1)
        doubles += made > 1 or handled != 1
    assert doubles == 0


def test_two_counsellors_save_one_bank_question_once(db_engine, library):
    """Two 法律顾问 save their edits of one question, both made on the version they saw, in the same
    instant: one is saved, the other is told the question was just changed, and the revision moves
    by one."""
    from portal.field_errors import ValidationFailed
    from portal.qa import service as bank
    from tests.qa.factories import make_question

    doubles = 0
    for trial in range(TRIALS):
        with Session(db_engine) as s:
            entry = make_question(s, library, question=f"工资被拖欠怎么办（{uuid.uuid4().hex[:6]}）")
            s.commit()
            qid, seen = entry.id, entry.revision
        _results, errors = _race(
            *(_in_session(db_engine, lambda s, c=c, qid=qid, seen=seen, trial=trial: (
                bank.edit_question(session=s, actor=c, library=library, question_id=qid,
                                   question=f"{c.username} 的改写（{trial}）", expected_revision=seen,
                                   provision_ids=["xinfang-gongzuo-tiaoli-2022:第二十二条"]), s.commit()))
              for c in COUNSELS))
        losers = [e for e in errors if e is not None]
        assert len(losers) == 1 and isinstance(losers[0], ValidationFailed), errors
        assert "刚被他人修改" in losers[0].errors[0].message
        with Session(db_engine) as s:
            saves = s.exec(select(func.count()).select_from(AuditEntry)     # the edits, not the 新建
                           .where(AuditEntry.action == "bank_save", AuditEntry.target == f"bank:{qid}",
                                  AuditEntry.detail.startswith("第"))).one()
            doubles += s.get(bank.BankQuestion, qid).revision != seen + 1 or saves != 1
    assert doubles == 0


@pytest.mark.parametrize("change", ["disable", "demote"])
def test_two_administrators_removing_each_other_at_once_leave_one(db_engine, change):
    """The only two 管理员 each disable (or take the role from) the other in the same instant: one
    is refused as the last administrator, so the portal always keeps one who can manage accounts."""
    from portal.field_errors import ValidationFailed
    from portal.roles import ADMIN
    from portal.staff import accounts
    from portal.staff.models import StaffUser
    from tests.staff.factories import make_user

    def remove(s, by: str, whom: str):
        who = Actor(by, frozenset({ADMIN}))
        if change == "disable":
            accounts.set_disabled(session=s, actor=who, username=whom)
        else:
            accounts.set_roles(session=s, actor=who, username=whom, roles=[HANDLER])
        s.commit()

    locked_out = 0
    for trial in range(TRIALS):
        names = [f"admin-{trial}-{n}-{uuid.uuid4().hex[:4]}" for n in ("a", "b")]
        with Session(db_engine) as s:    # a fresh portal: these two are its only administrators
            for user in s.exec(select(StaffUser)):
                s.delete(user)
            for name in names:
                make_user(s, name, ADMIN)
            s.commit()
        _results, errors = _race(_in_session(db_engine, lambda s, n=names: remove(s, n[0], n[1])),
                                 _in_session(db_engine, lambda s, n=names: remove(s, n[1], n[0])))
        losers = [e for e in errors if e is not None]
        assert len(losers) == 1 and isinstance(losers[0], ValidationFailed), errors
        assert "唯一的管理员" in losers[0].errors[0].message
        with Session(db_engine) as s:
            admins = [u for u in s.exec(select(StaffUser).where(StaffUser.disabled.is_(False)))
                      if ADMIN in u.role_set]
        locked_out += len(admins) != 1
    assert locked_out == 0


def test_two_administrators_creating_one_account_at_once_get_one_and_a_plain_refusal(db_engine):
    """Two 管理员 create the same new 用户名 in the same instant: one account is made and audited
    once; the other is told in Chinese that the name exists, not shown a database error."""
    from portal.audit.service import USER_CHANGE
    from portal.field_errors import ValidationFailed
    from portal.roles import ADMIN
    from portal.staff import accounts
    from portal.staff.models import StaffUser

    def create(s, by: str, roles: list[str], name: str):
        accounts.create_user(session=s, actor=Actor(by, frozenset({ADMIN})), username=name,
                             password="a long enough password 1", roles=roles)
        s.commit()

    for trial in range(TRIALS):
        name = f"new-{trial}-{uuid.uuid4().hex[:6]}"
        _results, errors = _race(_in_session(db_engine, lambda s, n=name: create(s, "zhao", [HANDLER], n)),
                                 _in_session(db_engine, lambda s, n=name: create(s, "qian", [EDITOR], n)))
        losers = [e for e in errors if e is not None]
        assert len(losers) == 1 and isinstance(losers[0], ValidationFailed), errors
        assert losers[0].errors[0].message == f"账号“{name}”已存在。"
        with Session(db_engine) as s:
            assert s.get(StaffUser, name) is not None
            audits = s.exec(select(func.count()).select_from(AuditEntry)
                            .where(AuditEntry.action == USER_CHANGE, AuditEntry.target == name)).one()
        assert audits == 1
