"""Online backup of an SQLite installation: database (SQLite backup API) and attachments."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from portal.db import private_dir, private_file
from portal.settings import Settings
from portal.timeutil import utcnow


def backup(*, settings: Settings, destination: Path) -> Path:
    """Write `<destination>/portal-backup-<UTC time>/` with portal.db and attachments/.

    The encryption key is deliberately not copied: keep it apart from the data."""
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        raise ValueError("backup copies SQLite only; for PostgreSQL use pg_dump (see README)")
    source = Path(url.database or "")
    if not source.is_file():
        raise ValueError(f"database file not found: {source}")
    target = destination / f"portal-backup-{utcnow():%Y%m%dT%H%M%SZ}"
    if target.exists():
        raise FileExistsError(f"backup folder exists: {target}")
    # owner-only, like the live database (0600 in a 0700 folder): it holds the same personal data
    private_dir(target)
    private_file(target / "portal.db")
    with sqlite3.connect(source) as src, sqlite3.connect(target / "portal.db") as dst:
        src.backup(dst)
    if settings.attachments_dir.is_dir():
        shutil.copytree(settings.attachments_dir, target / "attachments")
        os.chmod(target / "attachments", 0o700)
    return target
