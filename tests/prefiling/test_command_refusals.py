"""What an operator reads when a command cannot do its work (review r47d, findings 5-7): a lost or
wrong key is `KEY PROBLEM …` as `setup` says it, not 40 lines of traceback; a database server that
does not answer is one line from `setup` and `copy-data` too; before `setup`, a command says to run
it. Each exits with status 2 and changes nothing."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlmodel import Session

from portal.__main__ import main
from portal.db import make_engine
from portal.identity import Actor
from portal.migrate import migrate
from portal.prefiling import staff
from portal.prefiling.crypto import new_key
from portal.prefiling.models import Prefiling
from portal.roles import HANDLER
from portal.settings import get_settings
from portal.staff import accounts
from portal.staff.cli import CLI_ACTOR
from tests.conftest import one_line
from tests.prefiling.factories import make_prefiling

# a port nothing listens on (the discard port, refused at once on 127.0.0.1)
DEAD_PG = "postgresql+psycopg://portal:secret@127.0.0.1:9/portal"


@pytest.fixture
def closed_case(tmp_path):
    """A database of its own holding one closed 件 (encrypted under the run's key) and the staff
    member `wang`: (its SQLite URL, the 件's 查询码)."""
    url = f"sqlite:///{tmp_path / 'data' / 'portal.db'}"
    engine = make_engine(url)
    migrate(engine=engine)
    clerk = Actor("clerk", frozenset({HANDLER}))
    with Session(engine, expire_on_commit=False) as s:
        made = make_prefiling(s)
        staff.register(session=s, actor=clerk, prefiling_id=made.prefiling.id,
                       official_number=f"XF-{uuid.uuid4().hex[:8]}")
        staff.close(session=s, actor=clerk, prefiling_id=made.prefiling.id, reply="已答复。")
        accounts.create_user(session=s, actor=CLI_ACTOR, username="wang", password="a long enough passphrase",
                             roles=[HANDLER])
        s.commit()
    engine.dispose()
    return url, made.prefiling.code


@pytest.mark.parametrize("key", ["lost", "wrong"])
@pytest.mark.parametrize("argv", [["erase-prefiling", "{code}", "--by", "wang", "--reason", "信访人来电申请，已核实身份"],
                                  ["repeats", "--model", "fake"]])
def test_a_lost_or_wrong_key_is_said_as_setup_says_it(closed_case, env_file, tmp_path, capsys, key, argv):
    url, code = closed_case
    key_setting = ({"PORTAL_ENCRYPTION_KEY_FILE": str(tmp_path / "restored" / "portal.key")} if key == "lost"
                   else {"PORTAL_ENCRYPTION_KEY": new_key()})
    env = env_file(DATABASE_URL=url, PORTAL_DATA_DIR=str(tmp_path / "data"), **key_setting)
    run_env = dict(os.environ)
    assert main(["--env-file", env, "setup"]) == 2
    said_by_setup = capsys.readouterr().err.splitlines()[0]
    assert said_by_setup.startswith("KEY PROBLEM ")
    assert main(["--env-file", env, *[a.format(code=code) for a in argv]]) == 2
    out, err = capsys.readouterr()
    assert out == "" and one_line(err) == f"{said_by_setup}没有做任何改动。"
    assert not (tmp_path / "restored").exists(), "no new key was made over the stored data"
    os.environ.clear()                 # the run's settings and key again, to read the 件 back
    os.environ.update(run_env)
    get_settings.cache_clear()
    with Session(make_engine(url)) as s:
        kept = s.exec(Prefiling.__table__.select().where(Prefiling.__table__.c.code == code)).one()
        assert kept.anonymised_at is None and kept.name_enc


@pytest.mark.parametrize("argv", [["setup"], ["copy-data", "--to", DEAD_PG]])
def test_a_database_server_that_does_not_answer_isone_line(argv, env_file, tmp_path, capsys):
    """Nothing listening on the PostgreSQL port: 130 lines of traceback before; now what the other
    commands say (the driver's first line, no password)."""
    if argv[0] == "setup":
        env = env_file(DATABASE_URL=DEAD_PG, PORTAL_DATA_DIR=str(tmp_path / "data"))
        start = "设置没有完成：无法连接数据库或数据库出错（"
        end = "）。请检查 DATABASE_URL 和数据库服务器，再运行。"
    else:
        source = tmp_path / "data" / "portal.db"
        migrate(engine=make_engine(f"sqlite:///{source}"))
        env = env_file(DATABASE_URL=f"sqlite:///{source}", PORTAL_DATA_DIR=str(tmp_path / "data"))
        start = "复制没有完成：无法连接数据库或数据库出错（"
        end = "），没有复制任何内容。请检查 --to 的地址和数据库服务器，再运行。"
    assert main(["--env-file", env, *argv]) == 2
    out, err = capsys.readouterr()
    line = one_line(err)
    assert line.startswith(start) and line.endswith(end) and "secret" not in out + err


def test_copy_data_refuses_a_target_address_it_cannot_read(env_file, tmp_path, capsys):
    source = tmp_path / "data" / "portal.db"
    migrate(engine=make_engine(f"sqlite:///{source}"))
    env = env_file(DATABASE_URL=f"sqlite:///{source}")
    assert main(["--env-file", env, "copy-data", "--to", "postgres://portal:secret@db/portal"]) == 2
    assert one_line(capsys.readouterr().err) == (
        "--to 以 postgres:// 开头，SQLAlchemy 不认：应写成 sqlite:////绝对路径/portal.db 或 "
        "postgresql+psycopg://用户:密码@主机:5432/库名（SQLAlchemy 的地址）")


@pytest.mark.parametrize("argv", [["users", "list"], ["purge-expired"], ["cases", "export", "{out}"],
                                  ["bank", "import"], ["repeats", "--model", "fake"],
                                  ["erase-prefiling", "ABCD-EFGH-JK", "--by", "wang", "--reason", "测试"]])
def test_before_setup_every_data_command_says_to_run_it(argv, env_file, tmp_path, capsys):
    """README (Configuration, Accounts): before `setup` these commands refuse saying to run it first."""
    missing = tmp_path / "fresh" / "portal.db"
    env = env_file(DATABASE_URL="", PORTAL_DATA_DIR=str(tmp_path / "fresh"))   # the default: portal.db there
    assert main(["--env-file", env, *[a.format(out=tmp_path / "out") for a in argv]]) == 2
    out, err = capsys.readouterr()
    assert out == "" and one_line(err) == (
        f"找不到数据库文件 {missing}（没有新建）。新安装的，请先运行 `python -m portal setup`（由它建立数据库），"
        "再运行这个命令；已经设置过的，请检查 PORTAL_DATA_DIR / DATABASE_URL，在 cron 或命令行里用 "
        "`python -m portal --env-file /etc/portal/portal.env …` 读取服务的设置。")
    assert not missing.exists() and not (tmp_path / "fresh" / "native").exists()

