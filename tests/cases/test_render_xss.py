"""Real XSS payloads in case Markdown never reach a citizen's browser as live code."""

from __future__ import annotations

import re

import pytest

from portal.cases.render import dropped, plain_text, render_markdown
from portal.text.escape import markdown_escape

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle/></svg>",
    "<body onload=alert(1)>",
    '<a href="#" onclick="alert(1)">点我</a>',
    '<div onmouseover="alert(1)">悬停</div>',
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    '<form action="javascript:alert(1)"><button>提交</button></form>',
    '<style>body{background:url("javascript:alert(1)")}</style>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[点我](javascript:alert(1))",
    "[点我](JAVASCRIPT:alert(1))",
    "[点我](  javascript:alert(document.cookie) )",
    "[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[点我][ref]\n\n[ref]: javascript:alert(1)",
    "![图](javascript:alert(1))",
    '![图](x" onerror="alert(1))',
    "<javascript:alert(1)>",
    '[x](https://example.org" onclick="alert(1))',
    "[a](vbscript:msgbox(1))",
    "<!-- <script>alert(1)</script> -->",
]


def _live_code(html: str) -> list[str]:
    """What would execute: script/style/iframe/object/form tags, on* attributes, bad URL schemes."""
    problems = re.findall(r"<\s*(script|style|iframe|object|embed|form|svg|math|img|body)\b", html, re.I)
    problems += re.findall(r"<[^>]*\son\w+\s*=", html, re.I)
    problems += re.findall(r"""(?:href|src|action)\s*=\s*["']?\s*(?:javascript|data|vbscript):""", html, re.I)
    problems += re.findall(r"\sstyle\s*=", html, re.I)
    return problems


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_neutralised(payload):
    html = render_markdown(f"案情如下。\n\n{payload}\n\n完。")
    assert _live_code(html) == [], html
    assert "案情如下。" in html  # the legitimate text before it survives


def test_safe_markdown_is_kept():
    html = render_markdown("**加粗** 与 *强调*\n\n1. 第一\n2. 第二\n\n[法规库](https://example.org/laws?law=x&article=y)")
    assert "<strong>加粗</strong>" in html and "<em>强调</em>" in html and "<ol>" in html
    assert 'href="https://example.org/laws?law=x&amp;article=y"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_section_headings_cannot_outrank_the_page():
    html = render_markdown("# 大标题\n\n## 次标题")
    assert "<h1>" not in html and "<h2>" not in html and html.count("<h3>") == 2


def test_plain_text_and_markdown_escape_are_inert():
    assert plain_text("**重要**：<script>alert(1)</script>见 [链接](javascript:x)") == "重要：见 链接"
    escaped = markdown_escape("[x](javascript:alert(1)) <b>粗</b>")
    assert "](" not in escaped and "<b>" not in escaped


@pytest.mark.parametrize("payload", PAYLOADS)
def test_what_is_taken_out_is_named_for_the_editor(payload):
    """The preview showed a removed script or link simply gone; the editor is told what goes."""
    assert dropped(f"案情如下。\n\n{payload}\n\n完。")


def test_formatting_and_plain_prose_are_not_reported():
    text = ("**加粗**，a < b 且 c > d。\n\n1. 第一\n\n[法规库](https://example.org/laws)、[邮件](mailto:x@y.cn)、"
            "[本站](/laws?law=x)\n\n# 大标题\n\n| 甲 | 乙 |\n| --- | --- |\n| 1 | 2 |")
    assert dropped(text) == []
