"""When something fails on the server, a citizen reads what happened and what to do in Chinese,
not Streamlit's English "This app has encountered an error…" with links to ask Google and ChatGPT."""

from __future__ import annotations

import inspect

import pytest
import streamlit.elements.exception as st_exception
from streamlit.runtime import backend_operation_handler

from tests.browser.conftest import running_streamlit
from ui.site_frame import DOWNLOAD_FAILED, UNCAUGHT_ERROR


def test_the_text_translated_is_the_one_streamlit_shows():
    """A Streamlit upgrade that rewords it would bring the English back: this says so."""
    assert UNCAUGHT_ERROR == st_exception._GENERIC_UNCAUGHT_EXCEPTION_TEXT
    assert f'error_msg="{DOWNLOAD_FAILED}"' in inspect.getsource(backend_operation_handler)


@pytest.fixture(scope="module")
def fault_url(run_dir):
    with running_streamlit(["-m", "streamlit", "run", "tests/browser/fault_app.py"], run_dir / "fault-app.log") as url:
        yield url


def test_a_fault_in_a_step_is_told_in_chinese_with_the_hotline(fault_url, phone, artifacts):
    from portal.settings import get_settings

    phone.goto(fault_url)
    phone.get_by_role("button", name="继续").wait_for(timeout=30_000)
    phone.get_by_role("button", name="继续").click()
    message = phone.get_by_text("抱歉，系统出现故障，刚才的操作没有完成")
    message.wait_for(timeout=20_000)
    phone.screenshot(path=str(artifacts / "fault-message-phone.png"))
    text = phone.locator('[data-testid="stMain"]').inner_text()
    assert get_settings().bureau_phone in text
    assert "This app has encountered an error" not in text
    assert not phone.get_by_text("Ask Google").is_visible() and not phone.get_by_text("Ask ChatGPT").is_visible()


def test_a_download_refused_at_the_click_is_told_in_chinese(fault_url, phone, artifacts):
    """A staff download made at the click (附件, 月通报) is refused when the session ended after the
    page was drawn: Streamlit then writes "Failed to generate file for download" under the button."""
    phone.goto(fault_url)
    button = phone.get_by_role("button", name="下载月通报")
    button.wait_for(timeout=30_000)
    button.click()
    message = phone.get_by_text("没有下载：文件没有生成。如果登录已过期或已退出，请重新登录后再下载")
    message.wait_for(timeout=30_000)  # shown five seconds from when the refusal comes back, however late
    phone.screenshot(path=str(artifacts / "download-refused-phone.png"))
    assert "Failed to generate" not in phone.locator('[data-testid="stMain"]').inner_text()
