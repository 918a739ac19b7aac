"""The handler's desk (预登记办理): one pre-filing masked by default, revealed on request and
logged, and the actions the current state allows.

Pages call `open_record` (masked, the opening audited), `detail` (masked, a rerun) and `reveal`
(audited); they never need `staff.staff_view` directly, so personal data cannot reach a screen
without an audit entry.
"""

from __future__ import annotations

from sqlmodel import Session

from portal.audit.service import OPEN, record
from portal.identity import Actor, require
from portal.prefiling.crypto import Cipher
from portal.prefiling.staff_view import StaffView, staff_view
from portal.prefiling.states import STAFF, STAFF_ACTION_LABELS, actions_from
from portal.roles import HANDLER

ACTION_LABELS = STAFF_ACTION_LABELS  # the button words, from the one transition table


def detail(*, session: Session, actor: Actor, prefiling_id: int, cipher: Cipher | None = None) -> StaffView:
    """The pre-filing with 姓名, 身份证号, 电话, 住址 (and agents/representatives) masked."""
    require(actor, HANDLER)
    return staff_view(session=session, actor=actor, prefiling_id=prefiling_id, cipher=cipher)


def open_record(*, session: Session, actor: Actor, prefiling_id: int, cipher: Cipher | None = None) -> StaffView:
    """`detail`, opened by a handler: audited and committed, since the matter itself (who is
    accused, what happened, every reply) is often more sensitive than a phone number. A page calls
    it once per opening, `detail` on its reruns."""
    view = detail(session=session, actor=actor, prefiling_id=prefiling_id, cipher=cipher)
    record(session=session, actor_name=actor.username, action=OPEN, target=f"prefiling:{view.code}",
           detail="检举控告件，事项内容未显示" if view.hidden else "查看事项内容（个人信息隐去）")
    session.commit()
    return view


def reveal(*, session: Session, actor: Actor, prefiling_id: int, cipher: Cipher | None = None) -> StaffView:
    """The pre-filing with personal data in clear; writes a REVEAL audit entry and commits.

    Restricted (检举控告) personal data needs the REPORTS role: without it this refuses rather than
    logging a reveal that showed nothing."""
    require(actor, HANDLER)
    view = staff_view(session=session, actor=actor, prefiling_id=prefiling_id, reveal=True, cipher=cipher)
    session.commit()
    return view


def offered_actions(state: str) -> tuple[str, ...]:
    """The staff actions the state machine allows from `state` (the buttons a page shows)."""
    return actions_from(state, by=STAFF)
