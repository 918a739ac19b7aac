"""The law library is parsed once per process while the files stay the same (start-up import and
pages share it), and parsed afresh as soon as a file changes, appears or goes."""

from __future__ import annotations

import shutil
from pathlib import Path

from portal.laws.library import load_library_shared

LAWS = Path(__file__).resolve().parents[2] / "content" / "laws"
SLUG = "xinfang-gongzuo-tiaoli-2022"


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "laws"
    folder.mkdir()
    for name in (f"{SLUG}.md", "xinfang-tiaoli-2005.md", "catalog.yaml"):
        shutil.copy(LAWS / name, folder / name)
    return folder


def test_unchanged_files_are_not_parsed_again(tmp_path):
    folder = _copy(tmp_path)
    first = load_library_shared(folder)
    assert sorted(first.library.laws) == [SLUG, "xinfang-tiaoli-2005"] and not first.errors
    assert load_library_shared(folder).library is first.library


def test_a_changed_article_is_seen_at_once(tmp_path):
    folder = _copy(tmp_path)
    before = load_library_shared(folder).library.provision(f"{SLUG}:第三十二条").text
    path = folder / f"{SLUG}.md"
    # same length, one character different: a size or timestamp check alone could miss it
    path.write_text(path.read_text(encoding="utf-8").replace(before, before.replace("信访", "訪信", 1)),
                    encoding="utf-8")
    after = load_library_shared(folder).library.provision(f"{SLUG}:第三十二条").text
    assert after != before and after == before.replace("信访", "訪信", 1)


def test_a_broken_file_is_refused_and_a_removed_one_disappears(tmp_path):
    folder = _copy(tmp_path)
    assert not load_library_shared(folder).errors
    path = folder / "xinfang-tiaoli-2005.md"
    path.write_text(path.read_text(encoding="utf-8").replace("第二条　", "第三条　", 1), encoding="utf-8")
    broken = load_library_shared(folder)
    assert [e.path for e in broken.errors] == ["xinfang-tiaoli-2005.md"]
    assert sorted(broken.library.laws) == [SLUG]
    path.unlink()
    gone = load_library_shared(folder)
    assert not gone.errors and sorted(gone.library.laws) == [SLUG]
