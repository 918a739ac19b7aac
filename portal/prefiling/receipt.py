"""The receipt (预登记回执): pre-registration, what happens next, statutory dates from StatutoryClock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from portal.clock import ACCEPTANCE_NOTICE, HANDLING, REVIEW_REQUEST, StatutoryClock, last_day
from portal.prefiling.codes import grouped
from portal.prefiling.models import Prefiling, PrefilingEvent
from portal.prefiling.states import (
    CLOSED,
    NEEDS_MORE,
    REGISTERED,
    REJECTED,
    SUBMITTED,
    WITHDRAWN,
    allowed,
)
from portal.site import Office
from portal.timeutil import as_utc, beijing_today, date_text

SUMMARY_CHARS = 100

HOLIDAY_NOTE = ("以上日期按日历日推算（起算当日不计入）。有关机关的期限最后一日遇法定休假日的，已参照民法典"
                "第二百零三条顺延至休假日后第一个工作日（最后一日所在年份的放假安排本网站尚未录入的，按周末和法定节日当日顺延，调休未计入）；您自己提出复查、复核请求的"
                "日期不作顺延推算，请尽早提出。实际日期以有关机关的书面告知为准。")
PENDING = ("这是网上信访预登记，还没有正式登记，也不是受理。工作人员审核后，会登记为正式信访件并告知信访件编号，"
           "或者请您补充材料，或者告知不予登记的理由和应当通过的途径。")
# nothing is sent to the citizen (no SMS, no e-mail, no letter from this site): every answer is on
# 进度查询; the form asks for a phone number 方便工作人员联系您, so a call may come, never promised
HOW_YOU_HEAR = ("本网站不发短信或其他通知。工作人员的答复都显示在“进度查询”页面，请每隔几天用查询码和查询密码查看一次；"
                "需要时，工作人员也可能按您留下的电话联系您。")
WITHDRAW_STEP = "工作人员登记前，您可以在“进度查询”页面撤回这份预登记。"
# What the receipt says comes next, for each state a submitted pre-filing can be in (states.STATES
# but 草稿). The 撤回 step is added where the state machine allows `withdraw`, and nowhere else.
NEXT_STEPS: dict[str, tuple[str, ...]] = {
    SUBMITTED: (PENDING, HOW_YOU_HEAR),
    NEEDS_MORE: ("工作人员请您补充材料：要求写在“进度查询”页面的答复中，可以在该页面直接上传。补充后工作人员继续审核。"
                 "这份预登记还没有正式登记，也不是受理。", HOW_YOU_HEAR),
    REGISTERED: ("这份预登记已登记为正式信访件（信访件编号见上），正在办理。", HOW_YOU_HEAR),
    CLOSED: ("这件信访事项已办结，答复见“进度查询”页面的“办理记录和答复”。",),
    REJECTED: ("工作人员决定不予登记，理由和应当通过的途径见上。这份预登记不再办理，请按写明的途径反映您的问题。",),
    WITHDRAWN: ("您已撤回这份预登记，工作人员不再处理。如需再反映，请重新提交。",),
}


def review_due(lines: Iterable[ClockLine]) -> dt.date | None:
    """The last day to request 复查 as the periods give it; None when there is none (a 建议意见 or
    检举控告, or the answer not yet recorded)."""
    return next((line.due for line in lines if line.name == REVIEW_REQUEST.name and line.due), None)


def review_step(lines: Iterable[ClockLine]) -> str:
    """已办结 with a 信访处理意见书: 请求复查 and its last day, as the periods below give it ('' when
    there is no dated 请求复查)."""
    if (due := review_due(lines)) is None:
        return ""
    return (f"对信访处理意见书不服的，可以请求原办理机关、单位的上一级机关、单位复查，最迟 {date_text(due)}"
            "（见下面“法定期限”）。在“进度查询”页面评价办理结果，不等于请求复查。")


@dataclass(frozen=True)
class ClockLine:
    """One statutory period as the citizen reads it."""

    name: str
    text: str
    due: dt.date | None          # None: no date can be given yet (a period the citizen starts)
    due_extended: dt.date | None
    provision_ids: tuple[str, ...]


def clock_of(prefiling: Prefiling, events: Iterable[PrefilingEvent] | None = None) -> StatutoryClock:
    """The clock of one pre-filing from what happened: received on the Beijing date of submission,
    registered (受理) on the date of the 登记 event, answered on the date of the 办结 event. Without
    `events` the same dates come from the columns the transitions write from those events."""
    registered = prefiling.registered_date
    answered = None
    if prefiling.state == CLOSED and prefiling.closed_at is not None:
        answered = beijing_today(as_utc(prefiling.closed_at))
    if events is not None:
        registered = answered = None
        for e in events:
            if e.action == "register":
                registered = beijing_today(as_utc(e.at))
            elif e.action == "close":
                answered = beijing_today(as_utc(e.at))
    return StatutoryClock(prefiling.received_date, accepted=registered, answered=answered)




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


# the periods of 第三十四条 to 第三十六条 are those of a 信访处理意见书 (第三十一条第六项): a 申诉求决
# matter; 建议意见 and 检举控告 are handled under 第二十九条 and 第三十条, without a day count
OWN_RULE = {
    "建议意见": ("建议意见类事项，有权处理的机关、单位应当认真研究论证，对科学合理、具有现实可行性的，采纳或者部分采纳"
             "并予以回复；您要求答复办理结果的，有关机关应当向您反馈办理情况。60日办结和复查、复核的规定适用于"
             "申诉求决类事项。",
             ("xinfang-gongzuo-tiaoli-2022:第二十九条", "shandong-xinfang-tiaoli-2015:第五十条")),
    "检举控告": ("检举控告类事项，由纪检监察机关或者有权处理的机关、单位依规依纪依法接收、受理、办理和反馈。"
             "60日办结和复查、复核的规定适用于申诉求决类事项。",
             ("xinfang-gongzuo-tiaoli-2022:第三十条",)),
}
SHANDONG_60 = "shandong-xinfang-tiaoli-2015:第四十二条"


def handling_counted(category: str) -> bool:
    """Whether 第三十四条's 60 days (and the 30 more on approval) are counted for a 件 of `category`
    once it is registered. Not for a 建议意见 or 检举控告 (OWN_RULE): 第三十四条 is a 第三十一条第六项
    matter's and 山东 第四十二条 a 申诉求决 one's, and 第二十九条 / 第三十条 set no day count, so there
    is no last day to count to or be overdue against. 其他 is counted: the citizen is told the 60 days
    on the condition that it is a 申诉求决 matter (SIXTH), and staff decide what it is."""
    return category not in OWN_RULE


SIXTH = "申诉求决类事项（《山东省信访条例》第四十二条、《信访工作条例》第三十四条），"


def clock_lines(clock: StatutoryClock, *, category: str) -> list[ClockLine]:
    """Each period as the citizen may rely on it. The bureau's and the handling body's periods give
    their latest date: from recorded dates where they exist (saying which), otherwise assuming every
    earlier period ran to its end (and saying so). A period the citizen must keep (请求复查 / 请求复核)
    is dated only once the answer is recorded, never later than the law allows (not moved past
    法定休假日), and counted from the day the citizen received the answer if that was earlier; later
    periods that hang on the citizen's own request get no projected date."""
    out = []
    for m in clock.timeline():
        rule = m.rule
        if rule is ACCEPTANCE_NOTICE:
            then = ("纪检监察机关处理检举控告事项的告知按照有关规定执行。" if category == "检举控告" else
                    f"有权处理的机关、单位应自收到之日起{rule.days}日内书面告知您接收情况以及处理途径和程序。")
            text = (f"信访部门收到后应当登记，并自{rule.starts_from}（{date_text(m.start)}）起{rule.days}日内"
                    f"转送、交办有权处理的机关、单位，最迟 {due_text(m.due)}；{then}")
            out.append(ClockLine(rule.name, text, m.due, None, rule.provision_ids))
            continue
        if category in OWN_RULE:
            text, pids = OWN_RULE[category]
            out.append(ClockLine("办理", text, None, None, pids))
            break
        if rule is HANDLING:
            basis = f"按登记日（{date_text(m.start)}）推算" if m.recorded else "按前一步用足期限推算"
            about = "" if m.recorded else "约"
            # 其他: the citizen did not say it is a 申诉求决 matter, so the 60 days are told on that condition
            sixth = SIXTH if category == "申诉求决" else f"如属{SIXTH}"
            text = (f"{sixth}{rule.who}应自{rule.starts_from}起{rule.days}日内办结，{basis}最迟{about} "
                    f"{due_text(m.due)}；情况复杂的可延长不超过{rule.extension_days}日并告知延期理由，延长后最迟{about} "
                    f"{due_text(m.due_extended)}（办理机关的受理日期以其书面告知为准）。")
            out.append(ClockLine(rule.name, text, m.due, m.due_extended, (*rule.provision_ids, SHANDONG_60)))
        elif rule is REVIEW_REQUEST and m.recorded:
            text = (f"对信访处理意见不服的，{rule.who}可以自{rule.starts_from}起{rule.days}日内请求上一级机关、单位复查。"
                    f"按本网站记录的办结日（{date_text(m.start)}）推算，最迟 {date_text(m.due)}；"
                    "您收到书面答复的日期更早的，从收到之日起算。")
            out.append(ClockLine(rule.name, text, m.due, None, rule.provision_ids))
        elif m.recorded:
            own = rule.who == "信访人"   # a citizen's own period: the date the law gives, not moved
            text = (f"{rule.who}{'可以' if own else '应'}自{rule.starts_from}（{date_text(m.start)}）起{rule.days}日内"
                    f"{_act(rule.name)}，最迟 {date_text(m.due) if own else due_text(m.due)}。")
            out.append(ClockLine(rule.name, text, m.due, None, rule.provision_ids))
        else:
            verb = "可以" if rule.who == "信访人" else "应"
            text = f"{rule.who}{verb}自{rule.starts_from}起{rule.days}日内{_act(rule.name)}。"
            out.append(ClockLine(rule.name, text, None, None, rule.provision_ids))
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
    reject_reason: str = ""
    reject_channel: str = ""

    def next_steps(self) -> tuple[str, ...]:
        """What comes next, as of the state the receipt shows (the first receipt: 已提交)."""
        state = self.state or SUBMITTED
        steps = NEXT_STEPS[state]
        if state == CLOSED and (review := review_step(self.lines)):
            steps += (review,)
        if allowed(state, "withdraw"):
            steps += (WITHDRAW_STEP,)
        return steps

    def _facts(self) -> list[tuple[str, str]]:
        out = [("查询码", grouped(self.code))]
        if self.secret:
            out.append(("查询密码", f"{self.secret}（请妥善保管，不要告诉他人）"))
        out += [("提交日期", date_text(self.submitted)), ("类别", self.category), ("问题属地", self.district)]
        if self.as_of is not None:
            out.append(("办理状态", f"{self.state}（截至 {date_text(self.as_of)}）"))
        if self.official_number:
            out.append(("信访件编号", self.official_number))
        if self.reject_reason:
            out += [("不予登记的理由", self.reject_reason), ("应当通过的途径", self.reject_channel)]
        if self.summary:
            out.append(("诉求（摘要）", self.summary))
        return out

    def _contacts(self) -> list[tuple[str, str]]:
        o = self.office
        if o is None:
            return []
        return [("接收单位", o.full_name), ("来访接待电话", o.phone), ("地址", o.city + o.address),
                ("接待时间", o.hours_text)]

    def _periods_heading(self) -> str:
        when = f"，按截至 {date_text(self.as_of)} 的办理情况计算" if self.as_of is not None else ""
        return f"法定期限（《信访工作条例》{when}）"

    def text(self) -> str:
        title = f"{self.office.full_name} " if self.office else ""
        out = [f"{title}网上信访预登记回执", "", "本回执证明您已提交网上信访预登记（不是正式受理通知）。", ""]
        out += [f"{k}：{v}" for k, v in self._facts()]
        out += ["", "接下来会怎样："]
        out += [f"{i}. {step}" for i, step in enumerate(self.next_steps(), 1)]
        out += ["", self._periods_heading() + "："]
        out += [self.periods_over] if self.periods_over else [f"· {line.name}：{line.text}" for line in self.lines]
        if not self.periods_over:   # no dates, nothing moved past a 法定休假日
            out += ["", HOLIDAY_NOTE]
        if self.office:
            out += ["", "联系我们："] + [f"{k}：{v}" for k, v in self._contacts()]
        return "\n".join(out) + "\n"

    def text_file(self) -> bytes:
        """`text()` as the file 保存回执（纯文字） saves: UTF-8 with a byte-order mark and CRLF line
        ends, so an older Windows 记事本 shows the Chinese and the lines, not one long garbled line."""
        return ("\ufeff" + self.text().replace("\n", "\r\n")).encode("utf-8")

    def html(self) -> str:
        """A page to keep: readable on a phone, prints on one A4 sheet, no script, no outside files."""
        import html as _html

        e = _html.escape

        def dl(rows: list[tuple[str, str]]) -> str:
            return "<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows) + "</dl>"

        bureau = e(self.office.full_name) if self.office else ""
        steps = "".join(f"<li>{e(s)}</li>" for s in self.next_steps())
        periods = (f"<p>{e(self.periods_over)}</p>" if self.periods_over else
                   "<ul>" + "".join(f"<li><strong>{e(line.name)}</strong>：{e(line.text)}</li>" for line in self.lines)
                   + "</ul>")
        contacts = f"<h2>联系我们</h2>{dl(self._contacts())}" if self.office else ""
        holiday = "" if self.periods_over else f"<p class=\"small\">{e(HOLIDAY_NOTE)}</p>"
        return ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                f"<title>网上信访预登记回执 {e(grouped(self.code))}</title><style>{RECEIPT_CSS}</style></head><body>"
                f"<header><p class=\"bureau\">{bureau}</p><h1>网上信访预登记回执</h1></header>"
                "<p class=\"note\">本回执证明您已提交网上信访预登记（不是正式受理通知）。</p>"
                f"{dl(self._facts())}<h2>接下来会怎样</h2><ol>{steps}</ol>"
                f"<h2>{e(self._periods_heading())}</h2>{periods}{holiday}"
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
    # on paper: one A4 sheet whatever the browser's margins (the longest 诉求 summary, every period)
    "@page{size:A4;margin:12mm;}"
    "@media print{body{font-size:10.5pt;line-height:1.5;max-width:none;padding:0;}"
    "header{margin-bottom:0.5rem;}h1{font-size:1.4rem;}h2{font-size:1.1rem;margin:0.7rem 0 0.2rem 0;}"
    "ol,ul{margin:0.2rem 0;}p{margin:0.3rem 0;}.small{font-size:0.9rem;}}"
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
                   lines=clock_lines(StatutoryClock(submitted), category=category) if lines is None else lines,
                   office=office, summary=summary)
