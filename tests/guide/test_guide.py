"""信访指南: every article it cites exists, each point links to its article, and every deadline in
the text, the picture and the table comes from portal.clock.RULES."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from portal import clock
from portal.guide.content import GuideFormatError, fill_clock, load_guide
from portal.guide.timeline import steps, timeline_svg
from tests.conftest import page_text

GUIDE_DIR = Path(__file__).resolve().parents[2] / "content" / "guide"
XF = "xinfang-gongzuo-tiaoli-2022:"
SD = "shandong-xinfang-tiaoli-2015:"


def _all_ids() -> list[str]:
    return [pid for section in load_guide(GUIDE_DIR) for pid in section.provision_ids]


def test_every_provision_the_guide_mentions_resolves(library):
    ids = _all_ids()
    assert len(ids) >= 20
    missing = [pid for pid in ids if library.provision(pid) is None]
    assert not missing, missing


def test_guide_covers_the_articles_of_the_brief():
    ids = set(_all_ids())
    for label in ("第十七条", "第十九条", "第二十条", "第二十二条", "第二十六条", "第二十八条", "第三十一条",
                  "第三十四条", "第三十五条", "第三十六条"):
        assert XF + label in ids, label
    for label in ("第十二条", "第十三条", "第十四条", "第十五条"):
        assert SD + label in ids, label


def test_every_bullet_point_names_its_legal_basis():
    for section in load_guide(GUIDE_DIR):
        points = [ln for ln in section.body.split("\n") if re.match(r"^(- |\d+\. )", ln)]
        # rights/duties lists hang under a heading that carries the basis; other points carry their own
        if section.slug == "quanli-yiwu":
            continue
        for point in points:
            assert "[[" in point, f"{section.slug}: point without a legal basis: {point[:30]}"


def _with_rule(monkeypatch, key: str, **changes) -> None:
    rules = tuple(dataclasses.replace(r, **changes) if r.key == key else r for r in clock.RULES)
    monkeypatch.setattr(clock, "RULES", rules)


def test_picture_labels_and_day_counts_come_from_the_clock_rules():
    svg = timeline_svg()
    day = 0
    for rule in clock.RULES:
        assert f"{rule.name} {rule.days} 日" in svg
        if rule.extension_days:
            assert f"可延长 {rule.extension_days} 日" in svg
        day += rule.days + rule.extension_days
        assert f"最迟第 {day} 日" in svg
    assert [s.stage for s in steps()] == ["登记转送", "办理", "复查", "复查", "复核", "复核"]


def test_changing_a_rule_changes_the_picture_the_table_and_the_text(monkeypatch):
    before = timeline_svg()
    assert "办理 60 日 + 可延长 30 日" in before and "最迟第 105 日" in before
    _with_rule(monkeypatch, "handling", days=61, extension_days=29)
    after = timeline_svg()
    assert "办理 61 日 + 可延长 29 日" in after
    assert "办理 60 日" not in after
    assert "最迟第 225 日" in after  # 61 + 29 = 90, as before: the total is recomputed, not stored
    _with_rule(monkeypatch, "acceptance_notice", days=20)
    assert "最迟第 20 日" in timeline_svg()
    assert fill_clock("{{days:acceptance_notice}} 日内") == "20 日内"
    process = next(s for s in load_guide(GUIDE_DIR) if s.show_timeline)
    assert "20 日内转送" in fill_clock(process.body)


def test_unknown_period_in_the_guide_is_refused():
    with pytest.raises(GuideFormatError):
        fill_clock("{{days:no_such_rule}}")


def test_guide_text_never_types_a_deadline_by_hand():
    process = next(s for s in load_guide(GUIDE_DIR) if s.show_timeline)
    assert not re.search(r"\b(15|30|60)\s*日", process.body), "use {{days:…}} tokens from portal.clock"


def test_guide_names_no_reception_day_the_schedule_may_contradict():
    """Days and hours of reception are configured (content/schedule.yaml, 接访日程管理); the guide
    points there instead of naming a weekday (it once said 每周三接待群众来访 beside 周一至周五)."""
    for section in load_guide(GUIDE_DIR):
        assert not re.search(r"每周[一二三四五六日]|周[一二三四五六日]至周", section.body), section.title


def test_guide_page_links_each_point_to_its_article_and_shows_the_table(app_page):
    at = app_page("pages/guide.py")
    text = page_text(at)
    assert "[《信访工作条例》第十七条](/laws?law=xinfang-gongzuo-tiaoli-2022&article=" in text
    assert "[《山东省信访条例》第十二条](/laws?law=shandong-xinfang-tiaoli-2015&article=" in text
    assert "[[" not in text and "{{" not in text, "a token was left unrendered"
    # the table (text alternative) has one row per rule with the same numbers as the picture
    table = next(m.value for m in at.markdown if m.value.startswith("| 阶段"))
    assert len(table.strip().split("\n")) == 2 + len(clock.RULES)
    assert "| 办理 | 办理 | 60 日，情况复杂可延长 30 日 |" in table
    assert "第 225 日" in table
    assert "15 日内转送" in text and "60 日内办结" in text


def test_timeline_text_is_phone_sized_and_wrapped_not_cut():
    import re

    from portal.guide import timeline

    svg = timeline_svg()
    sizes = [int(x) for x in re.findall(r'font-size="(\d+)"', svg)]
    assert sizes and min(sizes) >= timeline.MIN_TEXT >= 16      # ≈15 CSS px at 375 px (browser test measures it)
    text = "信访部门或有权处理的机关，自收到信访事项之日起，另加一段足够长的说明文字用来换行"
    lines = timeline.wrap(text, size=16, width=326)
    assert len(lines) > 1 and "".join(lines) == text
    assert all(sum(timeline._em(c) for c in line) * 16 <= 326 for line in lines)


def test_the_timeline_in_large_text_draws_its_words_larger_and_keeps_bars_clear_of_them():
    """大字号 did not reach the picture: its words stayed at their size while the page's grew."""
    import re

    from portal.guide import timeline

    normal, large = timeline_svg(), timeline_svg(text_scale=timeline.LARGE)
    assert 'viewBox="0 0 360 ' in normal
    assert 'viewBox="0 0 288 ' in large          # the same width on screen: every unit 25 % larger
    assert large.count("<text") > normal.count("<text") - 1   # the same words, wrapped sooner
    assert [t for t in re.findall(r">([^<]+)</text>", normal) if "最迟" in t] == \
           [t for t in re.findall(r">([^<]+)</text>", large) if "最迟" in t]
    for svg, width in ((normal, 360), (large, 288)):
        ends = [float(x) + float(w) for x, w in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="16"', svg)]
        longest = max(sum(timeline._em(c) for c in t) * timeline.MIN_TEXT
                      for t in re.findall(r">(最迟[^<]+)</text>", svg))
        assert max(ends) <= width - 4 - longest, (width, max(ends), longest)   # no bar under 最迟第 N 日


def test_the_guide_text_says_the_extension_the_article_allows():
    """信访工作条例 第三十四条: 60日内办结 … 延长期限不得超过30日. The guide says 最多 30 日, not 60."""
    process = fill_clock(next(s for s in load_guide(GUIDE_DIR) if s.show_timeline).body)
    assert "{{days:handling}} 日内办结" not in process
    assert "60 日内办结" in process and "最多 30 日" in process
    assert fill_clock("{{ext:handling}}") == "30"


def test_timeline_words_are_escaped_in_the_picture(monkeypatch):
    _with_rule(monkeypatch, "handling", name="办理<与>答复&")
    svg = timeline_svg()
    assert "办理&lt;与&gt;答复&amp; 60 日" in svg and "<与>" not in svg


def test_the_labour_point_cites_each_article_that_sets_a_deadline_it_states():
    """劳动争议调解仲裁法: 劳动者 15 日 after a final award (第四十八条), 用人单位 30 日 to apply to set a
    final award aside (第四十九条), either party 15 日 after any other award (第五十条). The point
    states all three, so it cites all three."""
    LD = "laodong-zhengyi-tiaojie-zhongcai-fa-2007:"
    point = next(ln for section in load_guide(GUIDE_DIR) for ln in section.body.split("\n")
                 if ln.startswith("- **拖欠工资"))
    assert "十五日内向法院起诉" in point and "三十日内向中级人民法院申请撤销" in point
    for label in ("第四十八条", "第四十九条", "第五十条"):
        assert f"[[{LD}{label}]]" in point, label


def test_the_administrative_point_counts_from_known_or_ought_to_have_known():
    """行政复议法 第二十条 and 行政诉讼法 第四十六条 run from 知道或者应当知道: "知道" alone let a citizen
    who says they did not know think the 60 days or 6 months had not started."""
    point = next(ln for section in load_guide(GUIDE_DIR) for ln in section.body.split("\n")
                 if ln.startswith("- **不服罚款"))
    assert "知道或者应当知道之日起六十日内" in point and "知道或者应当知道之日起六个月内" in point
    assert "在知道之日起" not in point


def test_the_guide_moves_deadlines_past_a_rest_day_as_the_civil_code_and_the_receipt_do(library):
    """民法典 第二百零三条 moves a last day on a 法定休假日 (weekends included), not only on a 法定节假日.
    The receipt moves the authorities' days but not the citizen's own 复查/复核 request: the guide says so."""
    from portal.prefiling.receipt import HOLIDAY_NOTE

    assert "期间的最后一日是法定休假日的" in library.provision("minfadian-2020:第二百零三条").text

    process = next(s for s in load_guide(GUIDE_DIR) if s.show_timeline).body
    assert "最后一天是法定休假日（周六、周日和法定节假日" in process and "顺延到休假日结束后的第一天" in process
    assert "顺延到节假日后" not in process
    assert "您自己请求复查、复核的日期，本网站不作顺延推算" in process and "不要等到最后一天" in process
    assert "不作顺延推算" in HOLIDAY_NOTE and "复查、复核" in HOLIDAY_NOTE
    assert "[[minfadian-2020:第二百零三条]]" in process


def test_the_notice_step_says_what_article_23_says_is_told(library):
    """信访工作条例 第二十三条: the authority tells the citizen 接收情况以及处理途径和程序 within 15 days, not
    whether it is 受理 and who handles it. The picture counts days (最迟第 N 日), not dates."""
    assert "书面告知信访人接收情况以及处理途径和程序" in library.provision(XF + "第二十三条").text
    process = fill_clock(next(s for s in load_guide(GUIDE_DIR) if s.show_timeline).body)
    assert "15 日内书面告诉您是否接收、怎样处理" in process and "是否受理" not in process
    assert "下面图中的天数是按最长期限推算的" in process and "图中的日期" not in process



def test_the_discipline_point_promises_what_article_30_promises(library):
    """信访工作条例 第三十条第三款 keeps the 检举、揭发材料以及有关情况 from the person or unit accused; it
    does not make every detail of the informant secret, as 检举人的信息保密 read."""
    assert "不得将信访人的检举、揭发材料以及有关情况透露或者转给被检举、揭发的人员或者单位" in library.provision(
        XF + "第三十条").text
    point = next(ln for section in load_guide(GUIDE_DIR) for ln in section.body.split("\n")
                 if ln.startswith("- **检举公职人员"))
    assert "检举材料和有关情况不会透露或者转给被检举的人员或者单位" in point and "信息保密" not in point


def test_the_letter_point_says_what_to_write_not_that_a_letter_is_written():
    point = next(ln for section in load_guide(GUIDE_DIR) for ln in section.body.split("\n")
                 if ln.startswith("- **写信**"))
    assert point.startswith("- **写信**：写清楚您的姓名、住址、联系方式") and "书面形式" not in point


def _server_down():
    from sqlalchemy import create_engine

    return create_engine("postgresql://portal@127.0.0.1:9/portal", pool_pre_ping=True)  # nothing listens


def test_with_the_database_down_the_guide_shows_the_shipped_text_and_says_so(app_page, monkeypatch, caplog):
    """How to petition is what a citizen needs most when the online service is down: the page
    falls back to the files it was shipped with, says the text may be older, and gives the phone."""
    from portal import db
    from ui.site_frame import office

    app_page("pages/guide.py")   # set up (and seeded) first
    monkeypatch.setattr(db, "get_engine", _server_down)
    at = app_page("pages/guide.py")
    notes = [str(el.value) for el in at.info]
    assert any("随系统发布的版本" in n and office().phone in n for n in notes), notes
    text = page_text(at)
    assert "抱歉，系统出现故障" not in text
    assert "[《山东省信访条例》第十二条](/laws?law=shandong-xinfang-tiaoli-2015&article=" in text
    assert "guide: the shipped files shown, the database is away" in caplog.text


def test_with_the_database_up_the_guide_says_nothing_of_files(app_page):
    assert not any("随系统发布的版本" in str(el.value) for el in app_page("pages/guide.py").info)
