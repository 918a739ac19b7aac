"""Real-browser fixtures: `streamlit run` on 127.0.0.1 and a free port, and Debian's chromium
driven by Playwright. Every test here is marked `browser`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("streamlit did not become healthy")


@contextmanager
def running_portal(log_path: Path):
    """Start the portal as ./run.sh does (python -m ui.serve) on a free 127.0.0.1 port; yield its URL."""
    port = _free_port()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ui.serve", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, proc)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="session")
def portal_url(run_dir):
    """Base URL of a portal started for this test session (same isolated data as the other tests)."""
    with running_portal(run_dir / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium (the README's test command does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def phone(browser):
    """A 375-px-wide phone viewport."""
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()


def wait_idle(pg, timeout: float = 60_000) -> None:
    """Wait until the script run has finished (Streamlit keeps stale elements during a rerun)."""
    pg.wait_for_function(
        """() => { const app = document.querySelector('[data-testid="stApp"]');
                   const s = app && app.getAttribute('data-test-script-state');
                   return s && !['running', 'rerunRequested', 'initial'].includes(s); }""",
        timeout=timeout)


def wait_for_app(pg, text: str, timeout: float = 60_000) -> None:
    """Wait until Streamlit has rendered `text` somewhere on the page and the run has finished."""
    pg.get_by_text(text, exact=False).first.wait_for(state="visible", timeout=timeout)
    wait_idle(pg, timeout)


PHONE_WIDTH = 375


def assert_fits_phone(pg, what: str = "page", *, slack: int = 5) -> None:
    """The page does not scroll sideways on a 375-px phone (a few px of slack for scroll bars)."""
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH + slack, f"{what} scrolls sideways on a {PHONE_WIDTH}-px phone ({width}px)"


def new_staff_user(role: str) -> str:
    """A fresh staff account holding `role` in the portal's database; returns its username."""
    import uuid

    from sqlmodel import Session

    from tests.staff.factories import make_user
    from tests.staff.portal_db import ready_engine

    name = f"u{uuid.uuid4().hex[:8]}"
    with Session(ready_engine()) as s:
        make_user(s, name, role)
        s.commit()
    return name


def sign_in(pg, portal_url: str, username: str, password: str | None = None) -> None:
    """Sign in on 工作人员登录 as `username` (the factories' password unless given)."""
    from tests.staff.factories import PASSWORD

    pg.goto(f"{portal_url}/staff_login")
    wait_for_app(pg, "工作人员登录")
    pg.get_by_label("用户名").fill(username)
    pg.get_by_label("密码", exact=True).fill(password or PASSWORD)
    pg.get_by_role("button", name="登录").click()
    wait_for_app(pg, f"您已登录：{username}")


def open_staff_page(pg, portal_url: str, username: str, nav: str, ready: str) -> None:
    """On a phone: open the portal, sign in as `username`, pick `nav` in the (collapsed) sidebar,
    wait for `ready`, and collapse the sidebar again. The site is opened first so a fresh server is
    in st.navigation mode (notes/queue.md); a new address would start a signed-out session."""
    pg.goto(portal_url)
    wait_for_app(pg, "我们能为您做什么")
    sign_in(pg, portal_url, username)
    pg.get_by_test_id("stExpandSidebarButton").click()
    pg.get_by_test_id("stSidebarNavLink").filter(has_text=nav).first.click()
    wait_for_app(pg, ready)
    pg.get_by_test_id("stSidebarCollapseButton").locator("button").first.click()
    pg.wait_for_timeout(500)


def open_prefiling(pg, code: str) -> None:
    """On 预登记办理: pick the pre-filing `code` in 打开一件预登记 and wait for its detail."""
    from portal.prefiling.codes import grouped

    option = pg.get_by_role("option", name=grouped(code)).first
    for _attempt in range(3):  # a rerun that lands while the list is open closes it again
        pg.get_by_label("打开一件预登记").click()
        try:
            option.wait_for(state="visible", timeout=10_000)
            break
        except Exception:  # noqa: BLE001 - retried, then the click below fails with the real error
            pg.keyboard.press("Escape")
            wait_for_app(pg, "打开一件预登记")
    option.click()
    wait_for_app(pg, "显示个人信息")
