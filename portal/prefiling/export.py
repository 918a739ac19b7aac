"""CSV export of the handler queue (导出), safe to open in a spreadsheet.

- Formula injection: a text cell that a spreadsheet would read as a formula or a control
  (starting with = + - @, tab, CR or LF — also full-width ＝＋－＠, small ﹦, or behind
  zero-width characters or spaces) gets a leading apostrophe; invisible characters (bidi
  overrides, zero-width) are dropped from every cell. Numbers we compute
  ourselves (剩余天数) are written as numbers; an ID number or a 0-led landline written as
  digits is kept as text (behind a tab), so the spreadsheet does not round or trim it.
- Identity data (姓名, 身份证号, 电话, 住址) only when the HANDLER explicitly asks for it; the
  export is audited either way, with the 查询码 it held, and says whether it held identity data
  (the matter's own words, 被反映对象 and 诉求, are in every export).
- 检举控告 rows: their content and personal data only for the REPORTS role.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from itertools import accumulate

from sqlmodel import Session

from portal.audit.models import AuditEntry
from portal.audit.service import EXPORT, record
from portal.identity import Actor, require
from portal.prefiling.codes import grouped
from portal.prefiling.crypto import Cipher, get_cipher
from portal.prefiling.models import Prefiling
from portal.prefiling.queue import QueueRow, days_left_of, deadline_words
from portal.prefiling.staff_view import RESTRICTED_NOTICE
from portal.prefiling.states import TERMINAL
from portal.qa.personal import mask_personal_numbers
from portal.roles import HANDLER, REPORTS
from portal.textinput import dangerous_cell, strip_invisible
from portal.timeutil import beijing_today

COLUMNS = ("查询码", "状态", "类别", "问题属地", "收到日期", "期限", "剩余天数", "信访件编号",
           "被反映对象", "诉求")
PERSONAL_COLUMNS = ("姓名", "身份证号", "电话", "住址")
WITHHELD = "（无权查看）"
AUDIT_DETAIL_LIMIT = AuditEntry.__table__.c.detail.type.length   # 1000


# a digit string a spreadsheet would read as a number and change: 18 digits keep 15 (an ID number
# 370102196503151003 became 3.70102E+17, its last three digits 000), a leading 0 is dropped
_NUMBER_LIKE = re.compile(r"\d{12,}[Xx]?|0\d+")


def as_text(value: object) -> object:
    """An ID number or a landline kept exactly as filed: behind a tab the spreadsheet reads the
    cell as text (a tab before digits alone cannot start a formula)."""
    return "\t" + value if isinstance(value, str) and _NUMBER_LIKE.fullmatch(value) else value


def neutralise(value: object) -> object:
    """A cell as a spreadsheet will read it safely: text that could start a formula is prefixed
    with an apostrophe; ints pass through (a number cannot hold a formula)."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + strip_invisible(text) if dangerous_cell(text) else strip_invisible(text)


def with_codes(detail: str, codes: Sequence[str], limit: int = AUDIT_DETAIL_LIMIT) -> str:
    """The audit detail naming which 件 went out (a reveal of one is logged by its 查询码; a file of
    many must not be less accountable): as many 查询码 as the entry holds, then how many more."""
    named = f"{detail}；查询码：{'、'.join(codes)}"
    if len(named) <= limit:
        return named
    room = limit - len(f"{detail}；查询码：……另 {len(codes)} 条未列出")   # the tail at its longest
    if room < 0:
        return detail
    # each code with the 、 before it; the first has none (hence room + 1)
    shown = sum(1 for used in accumulate(len(code) + 1 for code in codes) if used <= room + 1)
    return f"{detail}；查询码：{'、'.join(codes[:shown])}……另 {len(codes) - shown} 条未列出"


def export_csv(*, session: Session, actor: Actor, rows: Sequence[QueueRow], include_personal: bool = False,
               filters: str = "", cipher: Cipher | None = None, today: dt.date | None = None) -> bytes:
    """The rows (the queue's choice of records, each read again) as UTF-8 CSV with a BOM (for
    Excel); 期限 and 剩余天数 counted for `today` (default: today in Beijing) from the record as it is
    now, as the queue counts them; audited, commits."""
    require(actor, HANDLER)
    today = today or beijing_today()
    dec = (cipher or get_cipher()).decrypt
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS + (PERSONAL_COLUMNS if include_personal else ()))
    exported: list[str] = []
    exported_with: list[tuple[str, bool]] = []   # each 查询码 and whether its personal data went out

    def own(words: str) -> str:   # the citizen's words: without personal data, their ID and phone numbers masked
        return words if include_personal else mask_personal_numbers(words)

    for row in rows:
        p = session.get(Prefiling, row.id)  # re-read: the page's rows only choose which records
        if p is None:
            continue
        exported.append(p.code)
        see = not p.restricted or actor.has(REPORTS)
        exported_with.append((p.code, include_personal and see))   # a report's identity withheld: not in it
        left = days_left_of(p, today)
        cells: list[object] = [
            grouped(p.code), p.state, p.category, p.district, p.received_date.isoformat(),
            deadline_words(left, ended=p.state in TERMINAL), left, p.official_number,
            *((own(p.subject), own(p.request)) if see else (RESTRICTED_NOTICE, RESTRICTED_NOTICE))]
        if include_personal:
            cells += ([dec(p.name_enc), dec(p.id_number_enc), dec(p.phone_enc), dec(p.address_enc)]
                      if see else [WITHHELD] * len(PERSONAL_COLUMNS))
        writer.writerow([as_text(neutralise(c)) for c in cells])
    detail = f"{len(exported)} 条；{'含身份信息' if include_personal else '不含身份信息，含事项原文'}"
    detail = f"{detail}；筛选：{filters}" if filters else detail
    record(session=session, actor_name=actor.username, action=EXPORT, target="prefiling-queue",
           detail=with_codes(detail, exported))
    # and one entry for each 件 that went out, under its 查询码 as a reveal is: 操作日志's search by
    # 查询码 finds every export of it, however long the list (the summary names only what fits)
    for code, with_personal in exported_with:
        kind = "含身份信息" if with_personal else "不含身份信息"
        record(session=session, actor_name=actor.username, action=EXPORT, target=f"prefiling:{code}",
               detail=f"随预登记列表导出（{kind}，共 {len(exported)} 条）")
    session.commit()
    return ("\ufeff" + out.getvalue()).encode("utf-8")
