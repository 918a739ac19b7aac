"""The receipt (预登记回执): pre-registration, what happens next, statutory dates from StatutoryClock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from portal.clock import ACCEPTANCE_NOTICE, HANDLING, StatutoryClock, last_day
from portal.prefiling.codes import grouped
from portal.prefiling.models import Prefiling, PrefilingEvent
from portal.prefiling.states import CLOSED
from portal.site import Office
from portal.timeutil import beijing_today, date_text

SUMMARY_CHARS = 100

HOLIDAY_NOTE = ("以上日期按日历日推算（起算当日不计入），期限最后一日遇法定休假日的，已顺延至休假日后第一个"
                "工作日（民法典第二百零三条）；实际日期以有关机关的书面告知为准。")
NEXT_STEPS = (
    "这是网上信访预登记，还不是正式受理。工作人员审核后，会登记为正式信访件并告知信访件编号，"
    "或者请您补充材料，或者告知不予登记的理由和应当通过的途径。",
    "您可以随时在“进度查询”页面用查询码和查询密码查看办理进展和工作人员的答复。",
    "工作人员登记前，您可以在“进度查询”页面撤回这份预登记。",
)


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


def due_text(nominal: dt.date) -> str:
    """A period's last day as the citizen may rely on it: moved past 法定休假日 (民法典 第二百零三条),
    naming the nominal day when it moved, so every page and the receipt give the same date."""
    real = last_day(nominal)
    if real == nominal:
        return date_text(nominal)
    return f"{date_text(real)}（{date_text(nominal)}为法定休假日，顺延）"


def _act(name: str) -> str:
    """请求复查 is done; 复查意见 / 复核意见 are 提出 (信访工作条例 第三十五条、第三十六条)."""
    return f"提出{name}" if name.endswith("意见") else name


def clock_lines(clock: StatutoryClock) -> list[ClockLine]:
    """Each period with its latest date: from recorded dates where they exist, otherwise assuming
    every earlier period ran to its end (and saying so)."""
    out = []
    for m in clock.timeline():
        rule = m.rule
        since = f"{rule.starts_from}（{date_text(m.start)}）" if m.recorded else rule.starts_from
        if rule is ACCEPTANCE_NOTICE:
            text = f"{rule.who}应自{since}起{rule.days}日内告知是否受理，最迟 {due_text(m.due)}。"
        elif rule is HANDLING:
            about = "" if m.recorded else "约"
            text = (f"{rule.who}应自{since}起{rule.days}日内办结，最迟{about} {due_text(m.due)}；"
                    f"情况复杂的可延长不超过{rule.extension_days}日，最迟{about} {due_text(m.due_extended)}。")
        elif m.recorded:
            text = f"{rule.who}应自{since}起{rule.days}日内{_act(rule.name)}，最迟 {due_text(m.due)}。"
        else:
            text = (f"{rule.who}应自{rule.starts_from}起{rule.days}日内{_act(rule.name)}，"
                    f"按最迟情形推算为 {due_text(m.due)}。")
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
    office: Office | None = None
    summary: str = ""      # the 诉求, shortened
    # downloaded again from 进度查询: the state and 信访件编号 as of that day, and the periods
    # counted from what has happened (not the submission day's estimates, which grow stale: a
    # 复查 deadline estimated at 2027-04-21 when the reply came on 2026-12-05 and it is 2027-01-04)
    as_of: dt.date | None = None
    state: str = ""
    official_number: str = ""
    periods_over: str = ""   # no periods any more (不予登记, 已撤回): said instead of them
    def _facts(self) -> list[tuple[str, str]]:
        out = [("查询码", grouped(self.code))]
        if self.secret:
            out.append(("查询密码", f"{self.secret}（请妥善保管，不要告诉他人）"))
        out += [("提交日期", date_text(self.submitted)), ("类别", self.category), ("问题属地", self.district)]
        if self.as_of is not None:
            out.append(("办理状态", f"{self.state}（截至 {date_text(self.as_of)}）"))
        if self.official_number:
            out.append(("信访件编号", self.official_number))
        if self.summary:
            out.append(("诉求（摘要）", self.summary))
        return out

    def _contacts(self) -> list[tuple[str, str]]:
        o = self.office
        if o is None:
            return []
        return [("受理机关", o.full_name), ("来访接待电话", o.phone), ("地址", o.city + o.address),
                ("接待时间", o.hours_text)]

    def _periods_heading(self) -> str:
        when = f"，按截至 {date_text(self.as_of)} 的办理情况计算" if self.as_of is not None else ""
        return f"法定期限（《信访工作条例》{when}）"

    def text(self) -> str:
        title = f"{self.office.full_name} " if self.office else ""
        out = [f"{title}网上信访预登记回执", "", "本回执证明您已提交网上信访预登记（不是正式受理通知）。", ""]
        out += [f"{k}：{v}" for k, v in self._facts()]
        out += ["", "接下来会怎样："]
        out += [f"{i}. {step}" for i, step in enumerate(NEXT_STEPS, 1)]
        out += ["", self._periods_heading() + "："]
        out += [self.periods_over] if self.periods_over else [f"· {line.name}：{line.text}" for line in self.lines]
        out += ["", HOLIDAY_NOTE]
        if self.office:
            out += ["", "联系我们："] + [f"{k}：{v}" for k, v in self._contacts()]
        return "\n".join(out) + "\n"

    def html(self) -> str:
        """A page to keep: readable on a phone, prints on one A4 sheet, no script, no outside files."""
        import html as _html

        e = _html.escape

        def dl(rows: list[tuple[str, str]]) -> str:
            return "<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows) + "</dl>"

        bureau = e(self.office.full_name) if self.office else ""
        steps = "".join(f"<li>{e(s)}</li>" for s in NEXT_STEPS)
        periods = (f"<p>{e(self.periods_over)}</p>" if self.periods_over else
                   "<ul>" + "".join(f"<li><strong>{e(line.name)}</strong>：{e(line.text)}</li>" for line in self.lines)
                   + "</ul>")
        contacts = f"<h2>联系我们</h2>{dl(self._contacts())}" if self.office else ""
        return ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                f"<title>网上信访预登记回执 {e(grouped(self.code))}</title><style>{RECEIPT_CSS}</style></head><body>"
                f"<header><p class=\"bureau\">{bureau}</p><h1>网上信访预登记回执</h1></header>"
                "<p class=\"note\">本回执证明您已提交网上信访预登记（不是正式受理通知）。</p>"
                f"{dl(self._facts())}<h2>接下来会怎样</h2><ol>{steps}</ol>"
                f"<h2>{e(self._periods_heading())}</h2>{periods}<p class=\"small\">{e(HOLIDAY_NOTE)}</p>"
                f"{contacts}</body></html>")


RECEIPT_CSS = (
    "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;font-size:18px;line-height:1.7;"
    "color:#111;max-width:42rem;margin:0 auto;padding:1rem;}"
    "header{border-bottom:4px solid #a11212;margin-bottom:1rem;}.bureau{font-weight:700;font-size:1.2rem;margin:0;}"
    "h1{font-size:1.6rem;margin:0.2rem 0 0.5rem 0;}h2{font-size:1.25rem;margin:1.2rem 0 0.4rem 0;}"
    ".note{border-left:6px solid #0b6b2f;padding-left:0.6rem;font-weight:700;}"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:0.3rem 1rem;margin:0;}"
    "dt{font-weight:700;}dd{margin:0;word-break:break-all;}.small{font-size:0.95rem;}"
    "@media (max-width:30rem){dl{grid-template-columns:1fr;}dd{margin-bottom:0.4rem;}}"
    "@media print{body{font-size:12pt;max-width:none;padding:0;}}"
)


def make_receipt(*, code: str, secret: str | None, submitted: dt.date, category: str,
                 district: str, office: Office | None = None, request: str = "",
                 lines: list[ClockLine] | None = None) -> Receipt:
    """A receipt; its period `lines` are the ones counted from `submitted` unless given (a receipt
    downloaded again says the periods as the lookup page counts them that day)."""
    summary = " ".join(request.split())
    if len(summary) > SUMMARY_CHARS:
        summary = summary[:SUMMARY_CHARS] + "……"
    return Receipt(code=code, secret=secret, submitted=submitted, category=category, district=district,
                   lines=clock_lines(StatutoryClock(submitted)) if lines is None else lines,
                   office=office, summary=summary)
