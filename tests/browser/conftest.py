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


# What a failing browser test leaves behind: a full-page screenshot of every open page in
# test-artifacts/ and, in the failure report, what each page said (alerts, then the main area's
# text; the middle of a long page is left out, its end is where a flash or an inline error sits).
PAGE_TEXT_HEAD, PAGE_TEXT_TAIL = 1000, 3000
ALERTS = '[data-testid="stAlert"], [data-testid="stException"]'


def _safely(read):
    try:
        return read()
    except Exception as exc:  # noqa: BLE001 - a report helper must not hide the real failure
        return f"<{type(exc).__name__}: {(str(exc).splitlines() or [''])[0]}>"


def _describe_page(pg, shot: Path) -> str:
    taken = _safely(lambda: pg.screenshot(path=str(shot), full_page=True, timeout=15_000)
                    and f"screenshot: {shot.relative_to(ROOT)}")
    state = _safely(lambda: pg.get_attribute('[data-testid="stApp"]', "data-test-script-state", timeout=2_000))
    alerts = _safely(lambda: pg.locator(ALERTS).all_inner_texts())
    text = _safely(lambda: pg.locator('[data-testid="stMain"]').inner_text(timeout=5_000))
    if len(text) > PAGE_TEXT_HEAD + PAGE_TEXT_TAIL:
        text = f"{text[:PAGE_TEXT_HEAD]}\n[…]\n{text[-PAGE_TEXT_TAIL:]}"
    return f"{pg.url}\n{taken}\nscript state: {state}\nalerts: {alerts}\n-- page text --\n{text}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    browser = item.funcargs.get("browser") if hasattr(item, "funcargs") else None
    if not report.failed or report.when == "teardown" or browser is None:
        return
    pages = [pg for context in browser.contexts for pg in context.pages if not pg.is_closed()]
    folder = ROOT / "test-artifacts"
    folder.mkdir(exist_ok=True)
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in item.name)[:120]
    for i, pg in enumerate(pages, start=1):
        report.sections.append((f"browser page {i} of {len(pages)} at failure",
                                _describe_page(pg, folder / f"failed-{name}-{i}.png")))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90, context=None) -> None:
    """`context`: the ssl.SSLContext for an https:// `url` (one that trusts a test's own certificate)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2, context=context) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("streamlit did not become healthy")


@contextmanager
def running_portal(log_path: Path):
    """Start the portal as ./run.sh does (python -m ui.serve) on a free 127.0.0.1 port; yield its URL.
    The index is built first, as the README's deployment does (`python -m portal.search build`
    ahead of serving): otherwise the first pages answer with keyword search while it builds and
    rerun when it is ready, under a test that is reading them."""
    subprocess.run([sys.executable, "-m", "portal.search", "build"], cwd=ROOT, env=dict(os.environ),
                   check=True, capture_output=True, timeout=600)
    with running_streamlit(["-m", "ui.serve"], log_path) as url:
        yield url


@contextmanager
def running_streamlit(command: list[str], log_path: Path):
    """`python <command>` serving Streamlit on a free 127.0.0.1 port, from the project's root (its
    .streamlit/config.toml applies); yield its URL once healthy, stop it after."""
    port = _free_port()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, *command, "--server.address", "127.0.0.1",
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


def _phone_context(browser, width: int, height: int):
    return browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=2,
                               is_mobile=True, has_touch=True, locale="zh-CN")


@pytest.fixture
def phone(browser):
    """A 375-px-wide phone viewport."""
    context = _phone_context(browser, 375, 812)
    yield context.new_page()
    context.close()


@pytest.fixture
def small_phone(browser):
    """The narrowest phone people use: 320 px wide."""
    context = _phone_context(browser, 320, 700)
    yield context.new_page()
    context.close()




def wait_idle(pg, timeout: float = 60_000) -> None:
    """Wait until the script run has finished (Streamlit keeps stale elements during a rerun)."""
    pg.wait_for_function(
        """() => { const app = document.querySelector('[data-testid="stApp"]');
                   const s = app && app.getAttribute('data-test-script-state');
                   return s && !['running', 'rerunRequested', 'initial'].includes(s); }""",
        timeout=timeout)


# `ms` on the page's own clock, then a frame drawn. The page's delayed scrolls and focus moves
# (150 ms to 3 s after a run: ui.site_frame) are timers on that clock, run in deadline order; a
# wait in the test (Playwright's wait_for_timeout runs in its driver) could run out first when a
# loaded machine held the browser back.
_PAGE_CLOCK = "ms => new Promise(done => setTimeout(() => requestAnimationFrame(() => done()), ms))"


def settle(pg, ms: int = 1500, timeout: float = 60_000) -> None:
    """Wait until the page is at rest after a run: the run finished (wait_idle), then `ms` on the
    page's own clock for its scripts' delayed moves; then again for a run one of them started, and
    a short while on for a move a late timer put off (one that retries 500 ms after its try). For
    a measurement of where something ended up, or a check that nothing more happens."""
    wait_idle(pg, timeout)
    pg.evaluate(_PAGE_CLOCK, ms)
    wait_idle(pg, timeout)
    pg.evaluate(_PAGE_CLOCK, 600)


def wait_for_app(pg, text: str, timeout: float = 60_000, *, within=None) -> None:
    """Wait until Streamlit has rendered `text` somewhere on the page (or inside the locator
    `within`), visibly, and the run has finished without an error shown (the folded sidebar's links
    are hidden: 进度查询 there is not the page's)."""
    (within or pg).get_by_text(text, exact=False).filter(visible=True).first.wait_for(state="visible", timeout=timeout)
    wait_idle(pg, timeout)
    shown = pg.get_by_test_id("stException")
    assert shown.count() == 0, f"the page shows an error: {shown.first.inner_text()[:300]}"


def wait_for_main(pg, text: str, timeout: float = 60_000) -> None:
    """wait_for_app, but `text` must be in the page's own area: a page title is also a sidebar link
    (visible at 1280 px), which would pass for a page that never drew or drew an error."""
    wait_for_app(pg, text, timeout, within=pg.get_by_test_id("stMain"))


# Counts the script runs the page has shown: a "running" state seen, even one left within a task.
_RUNS_SEEN = """() => {
  if (window.__stRuns === undefined) {
    window.__stRuns = 0;
    const app = document.querySelector('[data-testid="stApp"]');
    new MutationObserver(records => {
      if (records.some(r => r.oldValue === 'running') || app.getAttribute('data-test-script-state') === 'running')
        window.__stRuns += 1;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state'], attributeOldValue: true});
  }
  return [window.__stRuns, performance.now()];
}"""


def after_rerun(pg, action, text: str, timeout: float = 60_000) -> None:
    """Do `action` (a click or key press that makes the script rerun), then wait until that rerun
    has run and finished with `text` shown. For a `text` that may be on the page already: the page
    says "running" only once the server has started the rerun, so wait_for_app alone can return
    before it, and the next step lands in the middle of it. A rerun too quick to be seen running
    is taken as done after 2 s."""
    runs, started = pg.evaluate(_RUNS_SEEN)
    action()
    pg.wait_for_function("([runs, started]) => window.__stRuns > runs || performance.now() - started > 2000",
                         arg=[runs, started], timeout=timeout)
    wait_for_app(pg, text, timeout)


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
    wait for `ready`; the sidebar folds away by itself. The site is opened first so a fresh server is
    in st.navigation mode (notes/queue.md); a new address would start a signed-out session."""
    pg.goto(portal_url)
    wait_for_app(pg, "我们能为您做什么")
    sign_in(pg, portal_url, username)
    pg.get_by_test_id("stExpandSidebarButton").click()
    pg.get_by_test_id("stSidebarNavLink").filter(has_text=nav).first.click()
    wait_for_app(pg, ready)
    sidebar_folded(pg)


def sidebar_folded(pg) -> None:
    """On a screen the open sidebar lies over (768 px or less): a page chosen in it, it folds away by
    itself; wait until it has (its slide takes 300 ms)."""
    pg.locator('[data-testid="stSidebar"][data-collapsed="true"]').wait_for(state="attached", timeout=10_000)
    pg.wait_for_timeout(500)


def filter_queue(pg, code: str, expect: str = "共 1 件") -> None:
    """On 预登记办理: look `code` up in 按查询码查找 and wait until the filtered list shows `expect`."""
    pg.get_by_role("textbox", name="按查询码查找（可只输入一部分）", exact=True).fill(code)
    after_rerun(pg, lambda: pg.keyboard.press("Enter"), expect)


def open_prefiling(pg, code: str) -> None:
    """On 预登记办理: pick the pre-filing `code` in 打开一件预登记 and wait for its detail. A rerun
    that lands while the list is open closes it or replaces the option under the pointer: the list
    is opened again, as a person would (pick_option)."""
    from portal.prefiling.codes import grouped

    pick_option(pg, lambda: pg.get_by_label("打开一件预登记").click(),
                pg.get_by_role("option", name=grouped(code)).first)
    wait_for_app(pg, "显示个人信息")


def pick_option(pg, open_list, option) -> None:
    """Open a select's list (`open_list`) and click `option` in it. A rerun that lands while the
    list is open closes it or replaces the option under the pointer: the list is opened again, as a
    person would, up to three times."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(3):
        open_list()
        try:
            option.click(timeout=10_000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            pg.keyboard.press("Escape")
            wait_idle(pg)


def open_expander(pg, label: str) -> None:
    """Open the st.expander titled `label` and wait until it has finished opening, as a person sees
    it open before typing into it. While its height animation runs the panel clips its content: a
    field focused then scrolls the panel, and the button below it slides away between the press
    and the release of a click, which is lost (no rerun, no action, no message)."""
    summary = pg.locator('[data-testid="stExpander"] summary').filter(has=pg.get_by_text(label, exact=True)).first
    summary.click()
    pg.wait_for_function("d => d.open && !d.style.height && d.getAnimations().length === 0",
                         arg=summary.locator("xpath=ancestor::details[1]").element_handle())
