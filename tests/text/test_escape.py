"""One escaping module, two distinct names: HTML and Markdown."""

import importlib

from portal.text.escape import html_escape, html_lines, markdown_escape


def test_html_escape_makes_markup_and_attributes_inert():
    assert html_escape('<script>"x"</script>') == "&lt;script&gt;&quot;x&quot;&lt;/script&gt;"
    assert html_escape("a'b") == "a&#x27;b"


def test_html_lines_keeps_each_line_and_escapes_it():
    assert html_lines("第一款<b>\n第二款") == "第一款&lt;b&gt;<br>第二款"


def test_markdown_escape_is_not_html_escape():
    text = "[链接](javascript:alert(1)) <b>"
    assert markdown_escape(text) == r"\[链接\]\(javascript\:alert\(1\)\) \<b\>"
    assert "&lt;" not in markdown_escape(text)


def test_ui_modules_import_without_touching_streamlit_navigation():
    """Importing ui.* (as tests do) must not switch modes or rerun at import time."""
    from streamlit.runtime.pages_manager import PagesManager

    before = PagesManager.uses_pages_directory
    PagesManager.uses_pages_directory = True  # as in a fresh `streamlit run` with a pages/ folder
    try:
        for name in ("ui.frame", "ui.links", "ui.resources", "ui.law_view", "ui.ask_view"):
            importlib.reload(importlib.import_module(name))
        assert PagesManager.uses_pages_directory is True
    finally:
        PagesManager.uses_pages_directory = before
