"""The staff lists' page table sizes itself by its contents (ui.tables.table_widths): which columns
keep one line where there is room, and how wide it must be to show them so."""

from __future__ import annotations

from ui.accessibility import TABLE_TEXT_REM as TEXT_REM
from ui.tables import REST_EM, WHOLE_EM, table_widths, text_em

QUEUE_ROW = {"期限": "还剩 15 天", "查询码": "3M4A-8YHP-EW", "重复信访": "疑似重复（1）", "状态": "已提交",
             "类别": "申诉求决", "问题属地": "平阴县高新技术产业开发区某某街道办事处", "收到日期": "2026-12-07"}


def test_short_columns_are_kept_whole_and_a_long_one_wraps():
    whole, need = table_widths([QUEUE_ROW, {**QUEUE_ROW, "问题属地": "商河县"}])
    assert whole == [1, 2, 3, 4, 5, 7]                      # nth-child numbers: all but 问题属地
    # the six whole columns at their widest value or heading, and room for 问题属地
    assert 34 < need / TEXT_REM - REST_EM < 36
    # in 大字号 (20 px a rem) the 920-px column leaves 880 px for the list: room enough
    assert need * 20 <= 880


def test_a_width_counts_wide_characters_as_one_em_and_a_column_takes_its_widest_cell():
    assert text_em("已提交") == 3 and text_em("2026-12-07") < 6
    assert table_widths([{"a": "x"}, {"a": "商" * 20}])[0] == []
    assert table_widths([{"说明": "短"}])[0] == [1]
    assert table_widths([]) == ([], 0.0)
    assert WHOLE_EM < text_em("平阴县高新技术产业开发区某某街道办事处")
