"""月通报 disclosure control as a statistician checking the published bulletin would: a "<5" cell
must not be recoverable from the printed totals, in either format; nothing is hidden needlessly."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import random
import re

from portal.stats import bulletin as bul
from portal.stats.disclosure import Group, intervals, suppress
from portal.stats.facts import month_period
from portal.stats.figures import DueLists, Intake, Outcomes, Share, Timeliness

NOVEMBER, OCTOBER = month_period(2026, 11), month_period(2026, 10)
FLOW_PARTS = ("办结", "不予登记", "撤回", "待审核", "办理中")


def make_month(period, *, categories, districts, flow_parts, channels=(("人民法院（诉讼）", 3),),
               ratings=(20, 10, 6), unrated=6, extended=0) -> bul.MonthFigures:
    """One month's figures: `flow_parts` are the counts by state today (办结, 不予登记, 撤回, 待审核,
    办理中); 提交 is their sum and 登记 is 办结 + 办理中, as portal.stats.figures counts them."""
    parts = dict(zip(FLOW_PARTS, flow_parts, strict=True))
    total = sum(flow_parts)
    assert sum(n for _k, n in categories) == total == sum(n for _k, n in districts)
    flow = {"提交": total, "登记": parts["办结"] + parts["办理中"], **parts}
    satisfied, basic, unhappy = ratings
    closed = satisfied + basic + unhappy + unrated
    return bul.MonthFigures(
        intake=Intake(period=period, total=total, by_month=[], by_category=list(categories),
                      by_district=list(districts), by_channel=list(channels), flow=flow,
                      restricted_counted=True, confirmed_repeats=0),
        timeliness=Timeliness(period=period, acceptance_on_time=30, acceptance_late=10, acceptance_pending=0,
                              handling_on_time=20, handling_extended=extended, handling_late=10,
                              handling_pending=0, restricted_counted=True),
        outcomes=Outcomes(period=period, first_time=Share(10, 20), closed=closed,
                          ratings={"满意": satisfied, "基本满意": basic, "不满意": unhappy},
                          one_time=Share(satisfied + basic, closed), restricted_counted=True))


def make_bulletin(now: bul.MonthFigures, before: bul.MonthFigures) -> bul.Bulletin:
    return bul.Bulletin(period=NOVEMBER, now=now, before=before, due=DueLists(day=NOVEMBER.end),
                        generated_on=dt.date(2026, 12, 1), restricted_counted=True)


FULL = dict(categories=[("建议意见", 10), ("申诉求决", 20)], districts=[("历下区", 18), ("市中区", 12)],
            flow_parts=(8, 5, 0, 6, 11))
# a 3 in 槐荫区 and a 3 in 待审核, each beside a printed 提交 of 23
SMALL_ONE = dict(categories=[("建议意见", 8), ("申诉求决", 15)],
                 districts=[("历下区", 12), ("市中区", 8), ("槐荫区", 3)],
                 flow_parts=(7, 5, 0, 3, 8))


# --- reading the bulletin back, as a reader would ---------------------------------------------

def md_tables(markdown: str) -> dict[str, dict[str, list[str]]]:
    """Section heading -> row label -> the printed cells after the label."""
    out: dict[str, dict[str, list[str]]] = {}
    section = ""
    for line in markdown.splitlines():
        if line.startswith("## "):
            section = line[3:]
            out[section] = {}
        elif line.startswith("| ") and not line.startswith("| ---"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if cells[0] != "项目":
                out[section][cells[0]] = cells[1:]
    return out


def html_tables(page: str) -> dict[str, dict[str, list[str]]]:
    out = {}
    for heading, body in re.findall(r"<h2>(.*?)</h2>.*?<tbody>(.*?)</tbody>", page):
        rows = {}
        for row in re.findall(r"<tr>(.*?)</tr>", body):
            cells = [html.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
            rows[cells[0]] = cells[1:]
        out[html.unescape(heading)] = rows
    return out


def printed_groups(tables: dict[str, dict[str, list[str]]], column: int
                   ) -> tuple[dict[str, str], list[tuple[str, list[str]]]]:
    """One month's printed cells by name, and each sum a reader can check: (total, parts)."""
    cells = {f"flow:{k}": v[column] for k, v in tables["一、预登记接收和办理情况"].items()}
    for kind, section in (("category", "二、按类别"), ("district", "三、按问题属地")):
        cells |= {f"{kind}:{k}": v[column] for k, v in tables[section].items()}
    groups = [("flow:登记", ["flow:办结", "flow:办理中"]),
              ("flow:提交", [f"flow:{k}" for k in ("登记", "不予登记", "撤回", "待审核")]),
              ("flow:提交", [f"flow:{k}" for k in FLOW_PARTS]),
              ("flow:提交", [k for k in cells if k.startswith("category:")]),
              ("flow:提交", [k for k in cells if k.startswith("district:")])]
    return cells, groups


def recoverable(cells: dict[str, str], groups: list[tuple[str, list[str]]], *, top: int = 80) -> list[str]:
    """Every hidden cell a reader can pin: "<5" taken as 1 to 4 and "*" as 5 or more (up to `top`),
    tried in every combination that satisfies all the printed sums at once."""
    hidden = sorted(k for k, text in cells.items() if not text.isdigit()
                    and any(k == t or k in parts for t, parts in groups))
    ranges = [range(1, 5) if cells[k] == "<5" else range(5, top) for k in hidden]
    seen: dict[str, set[int]] = {k: set() for k in hidden}
    for values in itertools.product(*ranges):
        value = {k: int(t) for k, t in cells.items() if t.isdigit()} | dict(zip(hidden, values, strict=True))
        if all(value[t] == sum(value[p] for p in parts) for t, parts in groups):
            for k in hidden:
                seen[k].add(value[k])
    return [f"{k} = {min(v)}" for k, v in seen.items() if len(v) == 1]


# --- the tests --------------------------------------------------------------------------------

def test_a_3_beside_a_printed_total_cannot_be_worked_out_in_either_format():
    b = make_bulletin(make_month(NOVEMBER, **SMALL_ONE), make_month(OCTOBER, **FULL))
    for tables in (md_tables(bul.to_markdown(b)), html_tables(bul.to_html(b))):
        districts = tables["三、按问题属地"]
        assert districts["槐荫区"][0] == "<5"
        assert districts["市中区"][0] == "*" and districts["历下区"][0] == "12"   # the smallest other one
        assert list(districts) == ["历下区", "市中区", "槐荫区"]    # hidden rows last, by name: no bounds
        assert districts["市中区"][2] == "—"                     # no change from a hidden cell
        flow = tables["一、预登记接收和办理情况"]
        assert flow["待审核"][0] == "<5" and flow["不予登记"][0] == "*" and flow["提交"][0] == "23"
        cells, groups = printed_groups(tables, 0)
        for total, parts in groups:          # a hidden cell never stands alone beside its total
            assert not cells[total].isdigit() or sum(not cells[p].isdigit() for p in parts) != 1
        assert recoverable(cells, groups) == []
        assert recoverable(*printed_groups(tables, 1)) == []


def test_without_the_second_hidden_cell_the_3_would_be_recoverable():
    """The checker finds the leak the bulletin had: 23 - 12 - 8 = 3."""
    leaky = {"一、预登记接收和办理情况": {"提交": ["23"], "登记": ["15"], "办结": ["7"], "不予登记": ["5"], "撤回": ["0"],
                               "待审核": ["<5"], "办理中": ["8"]},
             "二、按类别": {"建议意见": ["8"], "申诉求决": ["15"]},
             "三、按问题属地": {"历下区": ["12"], "市中区": ["8"], "槐荫区": ["<5"]}}
    assert recoverable(*printed_groups(leaky, 0)) == ["district:槐荫区 = 3", "flow:待审核 = 3"]


def test_a_month_without_small_counts_is_printed_in_full_and_zero_stays_zero():
    b = make_bulletin(make_month(NOVEMBER, **FULL), make_month(OCTOBER, **FULL))
    md, page = bul.to_markdown(b), bul.to_html(b)
    for tables in (md_tables(md), html_tables(page)):
        flow = tables["一、预登记接收和办理情况"]
        assert flow["提交"] == ["30", "30", "0"] and flow["撤回"] == ["0", "0", "0"]
        assert tables["三、按问题属地"]["市中区"] == ["12", "12", "0"]
        for section in ("一、预登记接收和办理情况", "二、按类别", "三、按问题属地"):
            assert not any("*" in c or "<5" in c for row in tables[section].values() for c in row)
    assert "含延期办结率 | 66.7%" in md and "满意率 | 83.3%" in md


def test_rates_that_would_give_a_small_count_away_are_hidden():
    """满意 3 beside 基本满意 20 and 不满意 10: 满意率 (23 of 33) and 一次性结服率 (23 of 39 办结)
    would give the 3 back. 2 answered in the extension, 10 late: 含延期办结率 68.8% says 32 were
    due, and then only 2 in the extension gives 60日内办结率 62.5% to 0.1%."""
    now = make_month(NOVEMBER, **FULL, ratings=(3, 20, 10), extended=2)
    md = bul.to_markdown(make_bulletin(now, make_month(OCTOBER, **FULL)))
    results, timely = md_tables(md)["六、办结与评价"], md_tables(md)["五、按期办理情况"]
    assert results["评价“满意”（件）"][0] == "<5"
    assert results["满意率"] == ["<5", "83.3%", "—"] and results["一次性结服率"][0] == "<5"
    assert timely["60日内办结率"] == ["<5", "66.7%", "—"]
    assert timely["含延期办结率"][0] == "68.8%"      # 22 of 32: the 2 stay inside the 22


def test_a_small_unrated_count_is_protected_though_it_is_not_printed():
    """办结 39 = 20 满意 + 10 基本满意 + 6 不满意 + 3 未评价: printing all four numbers would give the
    3 away, so the smallest rating is hidden too — and every rate worked out from it."""
    md = bul.to_markdown(make_bulletin(make_month(NOVEMBER, **FULL, unrated=3), make_month(OCTOBER, **FULL)))
    results = md_tables(md)["六、办结与评价"]
    assert results["办结（件）"][0] == "39" and results["评价“满意”（件）"][0] == "20"
    assert results["评价“不满意”（件）"] == ["*", "6", "—"]
    assert results["满意率"][0] == "<5" and results["一次性结服率"][0] == "76.9%"    # 20 + 10 of 39


def test_charts_draw_no_bar_for_a_secondarily_hidden_count():
    page = bul.to_html(make_bulletin(make_month(NOVEMBER, **SMALL_ONE), make_month(OCTOBER, **FULL)))
    district_svg = page.split("三、按问题属地", 1)[1].split("</svg>", 1)[0]
    assert district_svg.count("<rect") == 1 and ">*</text>" in district_svg and "&lt;5</text>" in district_svg
    flow_svg = page.split("一、预登记接收和办理情况", 1)[1].split("</svg>", 1)[0]
    assert flow_svg.count("<rect") == 4            # 提交, 登记, 办结, 办理中; not 不予登记 (*) nor 待审核


def test_suppress_hides_the_total_when_no_other_cell_can_cover_a_small_one():
    groups = [Group("t", ("a", "b"))]
    masked = suppress({"t": 6, "a": 1, "b": 5}, groups)       # hiding the 5 alone: 6 - 5 = 1
    assert [masked.text(k) for k in ("t", "a", "b")] == ["*", "<5", "*"]
    masked = suppress({"t": 14, "a": 4, "b": 5, "c": 5}, [Group("t", ("a", "b", "c"))])
    # one 5 hidden beside a printed 5 is known to be at most 5, hence exactly 5: both go
    assert [masked.text(k) for k in ("a", "b", "c")] == ["<5", "*", "*"]
    assert all(lo < hi for lo, hi in intervals(masked, [Group("t", ("a", "b", "c"))]).values())
    masked = suppress({"t": 27, "a": 2, "b": 3, "c": 22}, [Group("t", ("a", "b", "c"))])
    # two hidden, 5 together, are safe as they are; the 22 goes all the same (whatever the values: see
    # the next test)
    assert [masked.text(k) for k in ("a", "b", "c")] == ["<5", "<5", "*"]


def test_the_second_hidden_cell_does_not_say_that_it_was_needed():
    """A "*" printed only where a "<5" would otherwise be worked out says so itself: beside 35 in a
    total of 45, two "<5" and a "*" (at least 5) are 10 together; the "*" was needed only if the
    two were 1 and 1 (or 4 and 4, too many). So a group with a "<5" and a printed part gets its
    "*" whatever the values, and a reader who replays the rule on every filling that prints the
    same learns nothing."""
    groups = [Group("t", ("a", "b", "c", "d"))]

    def shown(a: int, b: int, c: int) -> list[str]:
        masked = suppress({"t": 45, "a": a, "b": b, "c": c, "d": 35}, groups)
        return [masked.text(k) for k in ("t", "a", "b", "c", "d")]

    printed = shown(1, 1, 8)
    assert printed == ["45", "<5", "<5", "*", "35"]
    same = [(a, b) for a in range(1, 5) for b in range(1, 5) if 10 - a - b >= 5 and shown(a, b, 10 - a - b) == printed]
    assert len({a for a, _b in same}) > 1 and len({b for _a, b in same}) > 1, same


def test_no_single_breakdown_gives_a_hidden_count_away_even_to_a_reader_who_knows_the_rule():
    """100 random breakdowns beside their total, each tried against every combination a reader
    could fill in — one who knows that a "*" is the smallest printed part, ties going to the name
    that sorts first: so at most the smallest part still printed, and below a printed part whose
    name sorts before its own (a "*" p3 beside a printed 6 in p0 is 5). Nothing hidden when there is
    no small count."""
    rng = random.Random(7)
    for _case in range(300):
        parts = {f"p{i}": rng.choice([0, 1, 2, 3, 4, 5, 5, 6, 6, 7, 9, 12, 20]) for i in range(rng.randint(2, 5))}
        values = {"t": sum(parts.values()), **parts}
        masked = suppress(values, [Group("t", tuple(parts))])
        shown = {k: masked.text(k) for k in values}
        if not any(0 < n < 5 for n in values.values()):
            assert shown == {k: str(n) for k, n in values.items()}
            continue
        printed = [(k, int(t)) for k, t in shown.items() if k != "t" and t.isdigit() and t != "0"]
        most = int(shown["t"]) if shown["t"].isdigit() else 99   # no part is above a printed total
        ranges = {k: range(1, 5) if t == "<5" else range(5, min(ceiling(k, printed), most) + 1 if k != "t" else 100)
                  for k, t in shown.items() if not t.isdigit()}
        seen = _fill_in(shown, ranges, tuple(parts))
        assert all(len(v) > 1 for k, v in seen.items() if shown[k] == "<5"), (values, shown, seen)


def ceiling(key: str, printed: list[tuple[str, int]]) -> int:
    return min((n - (name < key) for name, n in printed), default=99)


def _fill_in(shown: dict[str, str], ranges: dict[str, range], parts: tuple[str, ...]) -> dict[str, set[int]]:
    """The values each hidden cell takes over all fillings with t = sum(parts): the last hidden
    part (or a hidden total) follows from the others, so it is worked out rather than tried."""
    known = {k: int(t) for k, t in shown.items() if t.isdigit()}
    last = "t" if "t" in ranges else [k for k in parts if k in ranges][-1]
    free = [k for k in ranges if k != last]
    seen: dict[str, set[int]] = {k: set() for k in ranges}
    for combo in itertools.product(*(ranges[k] for k in free)):
        value = known | dict(zip(free, combo, strict=True))
        value[last] = 0
        value[last] = value["t"] - sum(value[k] for k in parts) if last != "t" else sum(value[k] for k in parts)
        if value[last] in ranges[last]:
            for k in ranges:
                seen[k].add(value[k])
    return seen


def test_a_change_against_a_month_whose_rate_was_hidden_is_not_printed():
    """October's 5 of 6 is printed "<5" (the 1 would show); a change of November's 60.0% against
    it would give October's rate back, whichever month is the hidden one."""
    assert bul.pct(Share(5, 6)) == "<5"
    assert bul.change_pct(Share(12, 20), Share(5, 6)) == "—"
    assert bul.change_pct(Share(5, 6), Share(12, 20)) == "—"
    assert bul.change_pct(Share(12, 20), Share(15, 20)) == "-15.0 个百分点"


def test_a_small_closed_count_cannot_be_worked_out_from_registered_less_in_progress():
    """办结 3 beside 登记 23 and 办理中 20 would be 23 - 20 = 3: 登记 is 办结 + 办理中 (only a
    registered matter is closed), so that sum is protected like the others."""
    month = dict(categories=[("建议意见", 16), ("申诉求决", 20)], districts=[("历下区", 20), ("市中区", 16)],
                 flow_parts=(3, 6, 0, 7, 20))
    b = make_bulletin(make_month(NOVEMBER, **month), make_month(OCTOBER, **FULL))
    for tables in (md_tables(bul.to_markdown(b)), html_tables(bul.to_html(b))):
        flow = tables["一、预登记接收和办理情况"]
        assert flow["办结"][0] == "<5"
        assert not (flow["登记"][0].isdigit() and flow["办理中"][0].isdigit())
        assert recoverable(*printed_groups(tables, 0), top=40) == []


def test_a_single_matter_closed_in_the_extension_hides_the_60_day_rate():
    """20 on time, 1 in the extension, 10 late: 含延期办结率 21 of 31 with the late 10 printed says
    31 were due, and then 60日内办结率 64.5% (20 of 31) would say exactly 1 was in the extension."""
    now = make_month(NOVEMBER, **FULL, extended=1)
    timely = md_tables(bul.to_markdown(make_bulletin(now, make_month(OCTOBER, **FULL))))["五、按期办理情况"]
    assert timely["60日内办结率"] == ["<5", "66.7%", "—"]
    assert timely["含延期办结率"][0] == "67.7%"


def test_hidden_rows_come_after_the_printed_ones_by_name_not_by_their_count():
    """Rows in count order would bound a hidden count by its neighbours (a "<5" listed above
    another says it is the larger): the hidden rows follow the printed ones in name order."""
    # by count 槐荫区 (4) before 市中区 (2); by name (code point order) 市中区 before 槐荫区
    month = dict(categories=[("建议意见", 10), ("申诉求决", 26)],
                 districts=[("历下区", 20), ("天桥区", 10), ("槐荫区", 4), ("市中区", 2)],
                 flow_parts=(10, 6, 0, 8, 12))
    b = make_bulletin(make_month(NOVEMBER, **month), make_month(OCTOBER, **FULL))
    for tables in (md_tables(bul.to_markdown(b)), html_tables(bul.to_html(b))):
        districts = tables["三、按问题属地"]
        assert [districts[k][0] for k in ("历下区", "天桥区", "槐荫区", "市中区")] == ["20", "*", "<5", "<5"]
        assert list(districts) == ["历下区", "天桥区", "市中区", "槐荫区"]

