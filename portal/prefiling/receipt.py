"""The receipt (预登记回执): pre-registration, what happens next, statutory dates from StatutoryClock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from portal.clock import ACCEPTANCE_NOTICE, HANDLING, StatutoryClock
from portal.prefiling.codes import grouped
from portal.prefiling.models import Prefiling, PrefilingEvent
from portal.prefiling.states import CLOSED
from portal.timeutil import beijing_today

HOLIDAY_NOTE = ("以上日期按日历日推算（起算当日不计入），期限最后一日遇法定节假日的顺延至节假日后第一个"
                "工作日；实际日期以有关机关的书面告知为准。")
NEXT_STEPS = (
    "这是网上信访预登记，还不是正式受理。工作人员审核后，会登记为正式信访件并告知信访件编号，"
    "或者请您补充材料，或者告知不予登记的理由和应当通过的途径。",
    "您可以随时在“进度查询”页面用查询码和查询密码查看办理进展和工作人员的答复。",
    "工作人员登记前，您可以在“进度查询”页面撤回这份预登记。",
)


def date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class ClockLine:
    """One statutory period as the citizen reads it."""

    name: str
    text: str
    due: dt.date
    due_extended: dt.date | None
    provision_ids: tuple[str, ...]


def clock_of(prefiling: Prefiling, events: Iterable[PrefilingEvent] | None = None) -> StatutoryClock:
    """The clock of one pre-filing from what happened: received on the Beijing date of submission,
    registered (受理) on the date of the 登记 event, answered on the date of the 办结 event. Without
    `events` the same dates come from the columns the transitions write from those events."""
    registered = prefiling.registered_date
    answered = None
    if prefiling.state == CLOSED and prefiling.closed_at is not None:
        answered = beijing_today(_aware(prefiling.closed_at))
    if events is not None:
        registered = answered = None
        for e in events:
            if e.action == "register":
                registered = beijing_today(_aware(e.at))
            elif e.action == "close":
                answered = beijing_today(_aware(e.at))
    return StatutoryClock(prefiling.received_date, accepted=registered, answered=answered)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)  # SQLite: naive UTC


def clock_lines(clock: StatutoryClock) -> list[ClockLine]:
    """Each period with its latest date: from recorded dates where they exist, otherwise assuming
    every earlier period ran to its end (and saying so)."""
    out = []
    for m in clock.timeline():
        rule = m.rule
        since = f"{rule.starts_from}（{date_text(m.start)}）" if m.recorded else rule.starts_from
        if rule is ACCEPTANCE_NOTICE:
            text = f"{rule.who}应自{since}起{rule.days}日内告知是否受理，最迟 {date_text(m.due)}。"
        elif rule is HANDLING:
            about = "" if m.recorded else "约"
            text = (f"{rule.who}应自{since}起{rule.days}日内办结，最迟{about} {date_text(m.due)}；"
                    f"情况复杂的可延长不超过{rule.extension_days}日，最迟{about} {date_text(m.due_extended)}。")
        elif m.recorded:
            text = f"{rule.who}应自{since}起{rule.days}日内{rule.name}，最迟 {date_text(m.due)}。"
        else:
            text = (f"{rule.who}应自{rule.starts_from}起{rule.days}日内{rule.name}，"
                    f"按最迟情形推算为 {date_text(m.due)}。")
        out.append(ClockLine(rule.name, text, m.due, m.due_extended, rule.provision_ids))
    return out


@dataclass(frozen=True)
class Receipt:
    """What the confirmation page shows and the citizen downloads."""

    code: str
    secret: str | None
    submitted: dt.date
    category: str
    district: str
    lines: list[ClockLine]

    def text(self) -> str:
        out = ["网上信访预登记回执", "", "本回执证明您已提交网上信访预登记（不是正式受理通知）。", "",
               f"查询码：{grouped(self.code)}"]
        if self.secret:
            out.append(f"查询密码：{self.secret}（请妥善保管，不要告诉他人）")
        out += [f"提交日期：{date_text(self.submitted)}", f"类别：{self.category}",
                f"问题属地：{self.district}", "", "接下来会怎样："]
        out += [f"{i}. {step}" for i, step in enumerate(NEXT_STEPS, 1)]
        out += ["", "法定期限（《信访工作条例》）："]
        out += [f"· {line.name}：{line.text}" for line in self.lines]
        out += ["", HOLIDAY_NOTE]
        return "\n".join(out) + "\n"

    def html(self) -> str:
        import html as _html

        body = "".join(f"<p>{_html.escape(line) or '&nbsp;'}</p>" for line in self.text().split("\n"))
        return ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                "<title>网上信访预登记回执</title></head><body>" + body + "</body></html>")


def make_receipt(*, code: str, secret: str | None, submitted: dt.date, category: str,
                 district: str) -> Receipt:
    return Receipt(code=code, secret=secret, submitted=submitted, category=category, district=district,
                   lines=clock_lines(StatutoryClock(submitted)))
