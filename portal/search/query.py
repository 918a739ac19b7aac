"""Checks on a citizen's question before it is searched: empty, too long, no Chinese text.
Each problem comes with the plain-Chinese message the page shows."""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 500
_HAN = re.compile(r"[\u4e00-\u9fff]")
_WORDISH = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


class QueryProblem(enum.Enum):
    NONE = "none"
    EMPTY = "empty"
    NO_TEXT = "no_text"  # only emoji, punctuation or symbols
    NOT_CHINESE = "not_chinese"
    TOO_LONG = "too_long"


@dataclass(frozen=True)
class CheckedQuery:
    text: str
    problem: QueryProblem
    message: str = ""


def check_query(query: str | None) -> CheckedQuery:
    text = unicodedata.normalize("NFKC", query or "").strip()
    if not text:
        return CheckedQuery("", QueryProblem.EMPTY, "请输入您的问题，例如：“老板拖欠工资，能申请劳动仲裁吗？”")
    if not _WORDISH.search(text):
        return CheckedQuery(text, QueryProblem.NO_TEXT, "没有看懂您的问题。请用文字描述您遇到的事情，例如：“信访事项多久能办完？”")
    if not _HAN.search(text):
        return CheckedQuery(text, QueryProblem.NOT_CHINESE,
                            "本网站目前只能检索中文法律条文，请用中文描述您的问题，或输入条文编号（例如“第三十二条”）。")
    if len(text) > MAX_QUERY_CHARS:
        return CheckedQuery(text[:MAX_QUERY_CHARS], QueryProblem.TOO_LONG,
                            f"您的问题较长，已按前 {MAX_QUERY_CHARS} 个字查找。简短描述关键事实，结果会更准确。")
    return CheckedQuery(text, QueryProblem.NONE)
