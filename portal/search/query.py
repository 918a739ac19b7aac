"""Checks on a citizen's question before it is searched: empty, too long, no Chinese text.
Each problem comes with the plain-Chinese message the page shows.

A question typed in traditional characters (繁体: Hong Kong, Macao, Taiwan, or a phone's
handwriting input set that way) is searched in simplified characters, the library's script:
OpenCC's t2s tables (opencc-python-reimplemented, Apache-2.0), word by word where a word needs
it (答覆 → 答复). Only a question with a character that t2s changes is converted at all; t2s
leaves every line of the 41 laws and every question of the bank and the dev sets unchanged
(tests/search/test_query_script.py). The conversion lives in portal.textinput: 法规库's
查找法规 and 查找条文 use it too."""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass, replace

from portal.textinput import HAN, strip_invisible, to_simplified

MAX_QUERY_CHARS = 500
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
    simplified: bool = False  # written in traditional characters, searched in simplified ones

SIMPLIFIED_NOTE = "您输入的是繁体字，已按简体字查找。"


def check_query(query: str | None) -> CheckedQuery:
    # a zero-width space pasted from a chat app inside 工资 would split the word for the keyword search
    typed = unicodedata.normalize("NFKC", strip_invisible(query or "")).strip()
    text = to_simplified(typed)
    checked = _checked(text)
    return replace(checked, simplified=True) if text != typed else checked


def _checked(text: str) -> CheckedQuery:
    if not text:
        return CheckedQuery("", QueryProblem.EMPTY, "请输入您的问题，例如：“老板拖欠工资，能申请劳动仲裁吗？”")
    if not _WORDISH.search(text):
        return CheckedQuery(text, QueryProblem.NO_TEXT, "没有看懂您的问题。请用文字描述您遇到的事情，例如：“信访事项多久能办完？”")
    if not HAN.search(text):
        return CheckedQuery(text, QueryProblem.NOT_CHINESE,
                            "本网站目前只能检索中文法律条文，请用中文描述您的问题，或输入条文编号（例如“第三十二条”）。")
    if len(text) > MAX_QUERY_CHARS:
        return CheckedQuery(text[:MAX_QUERY_CHARS], QueryProblem.TOO_LONG,
                            f"您的问题较长，已按前 {MAX_QUERY_CHARS} 个字查找。简短描述关键事实，结果会更准确。")
    return CheckedQuery(text, QueryProblem.NONE)
