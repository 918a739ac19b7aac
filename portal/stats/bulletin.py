"""月通报: the monthly bulletin from the same figures as the dashboard, as Markdown and as a
printable HTML page (no script, no outside files, charts as inline SVG).

Disclosure control: a count from 1 to 4 is printed "<5" (0 is printed, it names nobody). Where
printed counts add up to a printed total (see `intake_groups`, and 办结 by rating), further counts
are printed "*" until no "<5" can be worked out by subtraction (portal.stats.disclosure). A
percentage is printed "<5" when its numerator, its denominator or their difference is from 1 to 4,
or when it is worked out from a hidden count, since it would give that count away; a change
against the previous month is printed "—" when either month's cell is hidden. Each month is
protected from its own figures alone, so a month printed in two bulletins is hidden the same way
while its figures are the same. Overdue matters appear by 查询码 only. Nothing personal is ever
read: the figures come from non-sensitive columns (portal.stats.facts)."""

from __future__ import annotations

import datetime as dt
import html as _html
from dataclasses import dataclass

from sqlmodel import Session

from portal.audit.service import EXPORT, record
from portal.clock import ACCEPTANCE_NOTICE
from portal.identity import Actor
from portal.prefiling.codes import grouped
from portal.stats import figures
from portal.stats.disclosure import PRIMARY, SMALL, Group, Masked, small, suppress
from portal.stats.facts import Period, RangeError, counting, month_period, previous_month
from portal.stats.figures import (
    DEFINITIONS,
    DUE_NOTE,
    RATINGS,
    RESTRICTED_LEFT_OUT,
    SATISFIED,
    DueLists,
    Intake,
    Outcomes,
    Share,
    Timeliness,
)
from portal.text.escape import markdown_escape

HIDDEN = PRIMARY
FORMATS = {"md": ("text/markdown", "md"), "html": ("text/html", "html")}
SUPPRESSION_NOTE = ("为保护信访人，1至4件的数字记为“<5”；为防止由合计推算出被隐去的数字，另有个别数字记为“*”；"
                    "比例的分子、分母或两者之差为1至4件的，或比例由被隐去的数字算出的，比例也记为“<5”；"
                    "任一月份被隐去的，环比记为“—”。本通报不含任何个人信息，超期事项只列查询码。")
FLOW_STATES = ("办结", "不予登记", "撤回", "待审核", "办理中")   # each pre-filing in exactly one


def cell(n: int) -> str:
    return small(n)


def hidden_share(share: Share) -> bool:
    return any(0 < n < SMALL for n in (share.part, share.whole, share.whole - share.part))


def pct(share: Share, *, hidden: bool = False) -> str:
    """A share as printed; `hidden` when a printed count it is worked out from is hidden."""
    if share.whole == 0:
        return "—"
    if hidden or hidden_share(share):
        return HIDDEN
    return f"{share.part / share.whole:.1%}"


def change(now: int | str, before: int | str) -> str:
    """The change between two counts, or between two cells as printed ("—" if either is hidden)."""
    now_text, before_text = (cell(v) if isinstance(v, int) else v for v in (now, before))
    if not now_text.isdigit() or not before_text.isdigit():
        return "—"
    a, b = int(now_text), int(before_text)
    return f"{a - b:+d}" if a != b else "0"


def change_pct(now: Share, before: Share, *, hidden: bool = False) -> str:
    if hidden or not now.whole or not before.whole or hidden_share(now) or hidden_share(before):
        return "—"
    points = (now.part / now.whole - before.part / before.whole) * 100
    return f"{points:+.1f} 个百分点"


def intake_groups(intake: Intake) -> list[Group]:
    """The printed intake cells that add up to a printed total: the flow (提交 splits by state
    today; 登记 is 办结 plus 办理中, since only a 登记 件 is closed and none is withdrawn after 登记),
    and 提交 by category and by district. Suggested channels are not a split (a pre-filing may have
    several or none), so they add up to nothing."""
    flow = [f"flow:{k}" for k in FLOW_STATES]
    return [Group("flow:登记", ("flow:办结", "flow:办理中")),
            Group("flow:提交", ("flow:登记", "flow:不予登记", "flow:撤回", "flow:待审核")),
            Group("flow:提交", tuple(flow)),
            Group("flow:提交", tuple(f"category:{k}" for k, _n in intake.by_category)),
            Group("flow:提交", tuple(f"district:{k}" for k, _n in intake.by_district))]


def masked_intake(intake: Intake) -> Masked:
    """The month's intake cells with small counts hidden and the cells hidden to protect them."""
    values = {f"flow:{k}": v for k, v in intake.flow.items()}
    values |= {f"category:{k}": v for k, v in intake.by_category}
    values |= {f"district:{k}": v for k, v in intake.by_district}
    values |= {f"channel:{k}": v for k, v in intake.by_channel}
    return suppress(values, intake_groups(intake))


def masked_ratings(outcomes: Outcomes) -> Masked:
    """办结 splits into the three ratings and 未评价: 未评价 is not printed but follows from the
    others, so a small 未评价 is protected like a printed "<5" (and a "<5" rating by it)."""
    values = {"closed": outcomes.closed, "unrated": outcomes.closed - outcomes.rated}
    values |= {f"rating:{k}": v for k, v in outcomes.ratings.items()}
    return suppress(values, [Group("closed", (*(f"rating:{k}" for k in outcomes.ratings), "unrated"))])


def title_of(year: int, month: int) -> str:
    """The 月通报's title (and its download's file name)."""
    return f"{year}年{month}月信访工作数据通报"

@dataclass(frozen=True)
class MonthFigures:
    intake: Intake
    timeliness: Timeliness
    outcomes: Outcomes


@dataclass(frozen=True)
class Bulletin:
    period: Period
    now: MonthFigures
    before: MonthFigures
    due: DueLists
    generated_on: dt.date
    restricted_counted: bool

    @property
    def title(self) -> str:
        return title_of(self.period.start.year, self.period.start.month)


def _month(session: Session, actor: Actor, period: Period, today: dt.date) -> MonthFigures:
    return MonthFigures(intake=figures.intake(session=session, actor=actor, period=period),
                        timeliness=figures.timeliness(session=session, actor=actor, period=period, today=today),
                        outcomes=figures.outcomes(session=session, actor=actor, period=period))


def monthly_bulletin(*, session: Session, actor: Actor | None, year: int, month: int, today: dt.date) -> Bulletin:
    """The figures of one calendar month and the one before it; overdue matters as at the month's
    last day (or `today`, for the running month). Refuses a month that has not begun."""
    counted = counting(actor)
    period = month_period(year, month)
    if period.start > today:
        raise RangeError("这个月份还没有开始，不能生成月通报。")
    return Bulletin(period=period, now=_month(session, actor, period, today),
                    before=_month(session, actor, previous_month(period), today),
                    due=figures.due_lists(session=session, actor=actor, day=min(period.end, today)),
                    generated_on=today, restricted_counted=counted)


def export_bulletin(*, session: Session, actor: Actor | None, year: int, month: int, fmt: str,
                    today: dt.date) -> bytes:
    """The bulletin as a file ("md" or "html"); the export is written to the audit log."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown bulletin format {fmt!r}")
    bulletin = monthly_bulletin(session=session, actor=actor, year=year, month=month, today=today)
    text = to_markdown(bulletin) if fmt == "md" else to_html(bulletin)
    record(session=session, actor_name=actor.username, action=EXPORT, target=f"bulletin:{year}-{month:02d}",
           detail=f"月通报（{'Markdown' if fmt == 'md' else 'HTML'}）")
    return text.encode("utf-8")


# --- the document, as sections of (heading, rows, chart) -----------------------------------

Chart = list[tuple[str, int, str]]     # (label, count, the count as printed): a hidden one gets no bar


def _sections(b: Bulletin) -> list[tuple[str, list[str], list[list[str]], Chart | None, str]]:
    """(heading, column heads, rows, chart data or None, definition)."""
    now, before = b.now, b.before
    ni, bi = now.intake, before.intake
    mn, mb = masked_intake(ni), masked_intake(bi)
    heads = ["项目", "本月", "上月", "环比"]

    def row(label: str, now_text: str, before_text: str) -> list[str]:
        return [label, now_text, before_text, change(now_text, before_text)]

    flow = [row(k, mn.text(f"flow:{k}"), mb.text(f"flow:{k}")) for k in ni.flow]
    flow.append(row("其中确认为重复信访", cell(ni.confirmed_repeats), cell(bi.confirmed_repeats)))

    def breakdown(kind: str, current: list[tuple[str, int]], previous: list[tuple[str, int]],
                  *, by_count: bool) -> tuple[list[list[str]], Chart]:
        cur = dict(current)
        names = [k for k, _ in current] + [k for k, _ in previous if k not in cur]
        if by_count:
            # rows ordered by a hidden count would bound it by its neighbours: hidden rows (and rows
            # only last month had) come after the printed ones, by name
            first = {k: i for i, k in enumerate(names)}

            def place(k: str) -> tuple[int, int | str]:
                if mn.hidden(f"{kind}:{k}"):
                    return 1, k
                return (0, first[k]) if cur.get(k, 0) else (2, k)
            names.sort(key=place)
        rows = [row(k, mn.text(f"{kind}:{k}"), mb.text(f"{kind}:{k}")) for k in names]
        return rows, [(k, cur[k], mn.text(f"{kind}:{k}")) for k in names if k in cur]

    categories = breakdown("category", ni.by_category, bi.by_category, by_count=False)
    districts = breakdown("district", ni.by_district, bi.by_district, by_count=True)
    channels = breakdown("channel", ni.by_channel, bi.by_channel, by_count=True)

    nt, bt = now.timeliness, before.timeliness
    # with the late count printed, the 60-day rate's 0.1% pins a small 延期内 count (its whole
    # follows from the rate with extension): that rate is hidden then; the other gives nothing away
    ext_now, ext_before = (0 < t.handling_extended < SMALL for t in (nt, bt))
    timely = [
        [f"{ACCEPTANCE_NOTICE.name}按期率", pct(nt.acceptance), pct(bt.acceptance), change_pct(nt.acceptance, bt.acceptance)],
        row("按期告知（件）", cell(nt.acceptance_on_time), cell(bt.acceptance_on_time)),
        row("逾期告知或超期未告知（件）", cell(nt.acceptance_late), cell(bt.acceptance_late)),
        ["60日内办结率", pct(nt.handling, hidden=ext_now), pct(bt.handling, hidden=ext_before),
         change_pct(nt.handling, bt.handling, hidden=ext_now or ext_before)],
        ["含延期办结率", pct(nt.handling_with_extension), pct(bt.handling_with_extension),
         change_pct(nt.handling_with_extension, bt.handling_with_extension)],
        row("办结超期或超过60日未办结（件）", cell(nt.handling_late), cell(bt.handling_late)),
    ]
    no, bo = now.outcomes, before.outcomes
    rn, rb = masked_ratings(no), masked_ratings(bo)
    # a rate worked out from a hidden rating would give it back (满意率 with the printed 不满意,
    # 一次性结服率 with the printed 办结)
    sat_now, sat_before = (any(m.hidden(f"rating:{k}") for k in RATINGS) for m in (rn, rb))
    once_now, once_before = (any(m.hidden(f"rating:{k}") for k in SATISFIED) for m in (rn, rb))
    results = [
        ["初信初访三周办结率", pct(no.first_time), pct(bo.first_time), change_pct(no.first_time, bo.first_time)],
        row("办结（件）", rn.text("closed"), rb.text("closed")),
        ["满意率", pct(no.satisfaction, hidden=sat_now), pct(bo.satisfaction, hidden=sat_before),
         change_pct(no.satisfaction, bo.satisfaction, hidden=sat_now or sat_before)],
        ["一次性结服率", pct(no.one_time, hidden=once_now), pct(bo.one_time, hidden=once_before),
         change_pct(no.one_time, bo.one_time, hidden=once_now or once_before)],
    ] + [row(f"评价“{k}”（件）", rn.text(f"rating:{k}"), rb.text(f"rating:{k}")) for k in no.ratings]
    return [
        ("一、预登记接收和办理情况", heads, flow, [(k, v, mn.text(f"flow:{k}")) for k, v in ni.flow.items()],
         DEFINITIONS["intake"] + DEFINITIONS["repeats"]),
        ("二、按类别", heads, *categories, ""),
        ("三、按问题属地", heads, *districts, ""),
        ("四、系统建议的其他途径", heads, *channels, "一件预登记可能同时建议几种途径，分别计数。"),
        ("五、按期办理情况", heads, timely, None, DEFINITIONS["acceptance"] + DEFINITIONS["handling"]),
        ("六、办结与评价", heads, results, None,
         DEFINITIONS["first_time"] + DEFINITIONS["satisfaction"] + DEFINITIONS["one_time"]),
    ]


def _overdue_rows(b: Bulletin) -> list[list[str]]:
    return [[grouped(r.code), r.step, r.due.isoformat(), str(-r.days_left)] for r in b.due.overdue]


def _intro(b: Bulletin) -> list[str]:
    out = [f"统计区间：{b.period.label}（与上月 {previous_month(b.period).label} 比较）。",
           f"生成日期：{b.generated_on.isoformat()}。", SUPPRESSION_NOTE]
    if not b.restricted_counted:
        out.append(RESTRICTED_LEFT_OUT)
    return out


def _md_table(heads: list[str], rows: list[list[str]], *, words_first: bool = True) -> str:
    """`words_first`: the first column names what is counted and may be a citizen's words (问题属地
    is typed): made inert, so a link or an image in it is text in the bulletin. The rest is the
    portal's own (figures, 查询码, dates)."""
    def line(cells: list[str], inert: bool = words_first) -> str:
        first, *rest = cells
        return "| " + " | ".join([markdown_escape(first) if inert else first.replace("|", "\\|"),
                                  *(c.replace("|", "\\|") for c in rest)]) + " |"
    return "\n".join([line(heads, False), "| " + " | ".join("---" for _ in heads) + " |", *map(line, rows)])


def to_markdown(b: Bulletin) -> str:
    out = [f"# {b.title}", ""] + [f"{p}  " for p in _intro(b)] + [""]
    for heading, heads, rows, _chart, definition in _sections(b):
        out += [f"## {heading}", "", _md_table(heads, rows) if rows else "（无）", ""]
        if definition:
            out += [f"说明：{definition}", ""]
    out += [f"## 七、超期未办事项（截至 {b.due.day.isoformat()}）", ""]
    rows = _overdue_rows(b)
    out += [_md_table(["查询码", "所处环节", "法定期限", "超期天数"], rows, words_first=False) if rows
            else "无超期未办事项。", "", f"说明：{DUE_NOTE}", ""]
    return "\n".join(out)


def _bars_svg(data: Chart, title: str) -> str:
    """A horizontal bar chart; a hidden ("<5" or "*") value gets no bar, so its length cannot give
    it away."""
    shown = [(k, v, text) for k, v, text in data]
    if not shown:
        return ""
    top = max((v for _k, v, text in shown if text.isdigit()), default=0) or 1
    row_h, label_w, bar_w = 28, 190, 260
    height = row_h * len(shown) + 8
    parts = [f'<svg role="img" aria-label="{_html.escape(title)}" viewBox="0 0 {label_w + bar_w + 60} {height}" '
             f'width="100%" xmlns="http://www.w3.org/2000/svg" font-size="14" font-family="sans-serif">']
    for i, (k, v, value) in enumerate(shown):
        y = i * row_h + 4
        parts.append(f'<text x="{label_w - 6}" y="{y + 18}" text-anchor="end">{_html.escape(k[:14])}</text>')
        width = round(bar_w * v / top) if value.isdigit() else 0
        if width:
            parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{width}" height="18" fill="#1f4e79"/>')
        parts.append(f'<text x="{label_w + width + 6}" y="{y + 18}">{_html.escape(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _html_table(heads: list[str], rows: list[list[str]]) -> str:
    e = _html.escape
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in heads)
    body = "".join("<tr>" + f'<th scope="row">{e(r[0])}</th>' + "".join(f"<td>{e(c)}</td>" for c in r[1:]) + "</tr>"
                   for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def to_html(b: Bulletin) -> str:
    e = _html.escape
    body = [f"<h1>{e(b.title)}</h1>"] + [f"<p class=\"note\">{e(p)}</p>" for p in _intro(b)]
    for heading, heads, rows, chart, definition in _sections(b):
        body.append(f"<section><h2>{e(heading)}</h2>")
        if chart:
            body.append(f'<figure>{_bars_svg(chart, heading)}<figcaption>图：{e(heading)}（本月，数字见下表）'
                        f"</figcaption></figure>")
        body.append(_html_table(heads, rows) if rows else "<p>（无）</p>")
        if definition:
            body.append(f'<p class="def">说明：{e(definition)}</p>')
        body.append("</section>")
    rows = _overdue_rows(b)
    body.append(f"<section><h2>七、超期未办事项（截至 {e(b.due.day.isoformat())}）</h2>")
    body.append(_html_table(["查询码", "所处环节", "法定期限", "超期天数"], rows) if rows else "<p>无超期未办事项。</p>")
    body.append(f'<p class="def">说明：{e(DUE_NOTE)}</p>')
    body.append("</section>")
    return ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{e(b.title)}</title><style>{BULLETIN_CSS}</style></head><body>"
            + "".join(body) + "</body></html>")


BULLETIN_CSS = (
    "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;font-size:16px;line-height:1.6;color:#111;"
    "max-width:48rem;margin:0 auto;padding:1rem;}h1{font-size:1.5rem;border-bottom:4px solid #a11212;}"
    "h2{font-size:1.2rem;margin-top:1.5rem;}.note,.def{font-size:0.95rem;}"
    "table{border-collapse:collapse;width:100%;margin:0.5rem 0;}th,td{border:1px solid #555;padding:0.25rem 0.5rem;"
    "text-align:right;}th[scope=row],thead th:first-child{text-align:left;}thead th{background:#eee;}"
    "figure{margin:0.5rem 0;}figcaption{font-size:0.9rem;color:#333;}"
    "@media (max-width:30rem){body{font-size:15px;padding:0.5rem;}th,td{padding:0.2rem;}}"
    "@media print{body{max-width:none;padding:0;font-size:11pt;}section{break-inside:avoid;}}"
)
