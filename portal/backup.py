"""Online backup of an SQLite installation: database (SQLite backup API) and attachments."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from portal.db import private_dir, private_file
from portal.settings import Settings
from portal.timeutil import utcnow

PARTIAL_SUFFIX = ".partial"

# what an operator is told for the usual causes (the system's own words follow in brackets)
_CAUSES = {
    errno.ENOSPC: "目标磁盘空间不足",
    errno.EDQUOT: "目标磁盘配额已用完",
    errno.EACCES: "没有写入目标文件夹的权限",
    errno.EPERM: "没有写入目标文件夹的权限",
    errno.EROFS: "目标文件系统是只读的",
    errno.EIO: "磁盘读写出错",
}


class BackupFailed(Exception):
    """The backup could not be completed; what was written of it has been removed. The message
    (Chinese, one line, no path or personal data) names the cause for the operator."""


def failure_cause(exc: BaseException) -> str:
    """The cause of a failed copy in the operator's words, with the system's own in brackets."""
    if isinstance(exc, sqlite3.Error):
        words = str(exc)
        if "full" in words:
            return f"目标磁盘空间不足（{words}）"
        return f"数据库无法读取或写入（{words}）"
    if isinstance(exc, OSError):
        words = exc.strerror or str(exc)
        return f"{_CAUSES.get(exc.errno or 0, '读写文件出错')}（{words}）"
    return f"{type(exc).__name__}（{exc}）"


def backup(*, settings: Settings, destination: Path) -> Path:
    """Write `<destination>/portal-backup-<UTC time>/` with portal.db and attachments/ (empty when
    the installation has none yet).

    Everything is first written into a hidden `.portal-backup-<UTC time>.<random>.partial` folder
    beside it, flushed to disk, and renamed to the final name only when complete: a folder named
    `portal-backup-…` is always a whole backup. On a write or database error (a full disk …) the
    partial folder is removed and BackupFailed raised; FileExistsError when the final folder exists.

    The encryption key is deliberately not copied: keep it apart from the data."""
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        raise ValueError("backup copies SQLite only; for PostgreSQL use pg_dump (see README)")
    source = Path(url.database or "")
    if not source.is_file():
        raise ValueError(f"database file not found: {source}")
    stamp = f"portal-backup-{utcnow():%Y%m%dT%H%M%SZ}"
    target = destination / stamp
    if target.exists():
        raise FileExistsError(f"backup folder exists: {target}")
    partial: Path | None = None
    try:
        private_dir(destination)
        # owner-only, like the live database (0600 in a 0700 folder): it holds the same personal data
        partial = Path(tempfile.mkdtemp(prefix=f".{stamp}.", suffix=PARTIAL_SUFFIX, dir=destination))
        copy_database(source, partial / "portal.db")
        if settings.attachments_dir.is_dir():
            _copy_folder(settings.attachments_dir, partial / "attachments")
        else:   # none stored yet: the folder all the same, so the README's restore copies it as written
            (partial / "attachments").mkdir(mode=0o700)
            os.chmod(partial / "attachments", 0o700)
        _fsync(partial)
        taken = _rename_unless_taken(partial, target)
    except BaseException as exc:   # also Ctrl-C: no half backup is left behind
        if partial is not None:
            shutil.rmtree(partial, ignore_errors=True)
        if isinstance(exc, OSError | sqlite3.Error):
            raise BackupFailed(f"备份没有完成：{failure_cause(exc)}，已删除未完成的备份。") from exc
        raise
    if taken:   # another backup finished under the same name meanwhile: it stays, this copy goes
        shutil.rmtree(partial, ignore_errors=True)
        raise FileExistsError(f"backup folder exists: {target}")
    with contextlib.suppress(OSError):   # the rename itself on disk; the backup is whole either way
        _fsync(destination)
    return target


def copy_database(source: Path, target: Path) -> None:
    """SQLite's online backup of `source` into the new file `target` (owner-only, like the live
    database: it holds the same personal data), flushed to disk."""
    private_file(target)
    with contextlib.closing(sqlite3.connect(source)) as src, contextlib.closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    _fsync(target)


def _rename_unless_taken(partial: Path, target: Path) -> bool:
    """Rename the finished folder to its final name (atomic); True, leaving it, when that name exists."""
    if target.exists():
        return True
    try:
        os.rename(partial, target)
    except OSError as exc:
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
            return True
        raise
    return False


def _copy_folder(source: Path, target: Path) -> None:
    """Copy a folder tree (0700 folders, files with their mode and times, each flushed to disk).
    A file deleted while it is copied (a draft discarded meanwhile) is skipped, as it would be
    had the backup started a moment later."""
    target.mkdir(mode=0o700)
    os.chmod(target, 0o700)
    for entry in sorted(source.iterdir()):
        if entry.is_dir():
            _copy_folder(entry, target / entry.name)
            continue
        try:
            shutil.copy2(entry, target / entry.name)
        except FileNotFoundError:
            if entry.exists():
                raise
            continue
        _fsync(target / entry.name)
    _fsync(target)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
