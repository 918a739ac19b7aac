"""The server migrates and imports before it serves (python -m ui.serve, as ./run.sh runs it), once
per process and database; the first page finds that done. A refused content file stops the start."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, delete, func, select

from portal.bootstrap import bootstrap_once
from portal.db import make_engine
from portal.laws.models import ProvisionRecord
from portal.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]


def _count(engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(ProvisionRecord)).one()


def test_bootstrap_once_imports_a_fresh_database_once(tmp_path, library):
    settings = load_settings({"PORTAL_CONTENT_DIR": str(ROOT / "content")})
    engine = make_engine(f"sqlite:///{tmp_path / 'once.db'}")
    report = bootstrap_once(engine=engine, settings=settings)
    assert report.laws.provisions_added == len(library.provisions) == _count(engine)
    with Session(engine) as s:  # a second call in the same process does not import again
        s.exec(delete(ProvisionRecord).where(ProvisionRecord.id == "xinfang-gongzuo-tiaoli-2022:第一条"))
        s.commit()
    assert bootstrap_once(engine=engine, settings=settings) is report
    assert _count(engine) == len(library.provisions) - 1
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")  # another database gets its own
    assert bootstrap_once(engine=other, settings=settings).laws.provisions_added == _count(other) > 0


@pytest.mark.parametrize(("broken", "change", "said"), [
    ("laws/xinfang-tiaoli-2005.md", ("第二条　", "第三条　"), "REFUSED xinfang-tiaoli-2005.md"),
    # deadlines would be counted without the State Council's days off
    ("holidays.yaml", ("from: 2026-02-15", "from: 2026-02-25"), "REFUSED holidays.yaml: 2026 春节: to (2026-02-23) is before"),
])
def test_server_start_refuses_a_broken_content_file_before_serving(tmp_path, broken, change, said):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    path = content / broken
    path.write_text(path.read_text(encoding="utf-8").replace(*change, 1), encoding="utf-8")
    env = dict(os.environ, PORTAL_CONTENT_DIR=str(content), PORTAL_DATA_DIR=str(tmp_path / "data"),
               DATABASE_URL=f"sqlite:///{tmp_path / 'serve.db'}")
    done = subprocess.run([sys.executable, "-m", "ui.serve", "--server.address", "127.0.0.1", "--server.port", "1"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert said in done.stdout and "schema up to date" in done.stdout
    assert "refused" not in done.stderr     # said once, in the report, not logged again on stderr
