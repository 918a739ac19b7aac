"""Who else may read the portal's private files.

The portal creates its SQLite database (and SQLite its -wal and -shm files) and the key file
readable by its own user only (0600), and the data and attachments folders 0700. A file from an
installation older than that, a database restored with `cp`, or a key copied by hand can still be
open to the group or to everyone: with the database and the key together anyone on the machine
reads the petitions. `setup` and the server's start warn (portal.cli_core); modes are not changed,
since the operator may have set them on purpose (a backup user's group).
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

from portal.db import sqlite_path
from portal.settings import Settings


@dataclass(frozen=True)
class Exposed:
    """A private file or folder that the group or other users may open."""

    path: Path
    mode: int   # the permission bits, e.g. 0o644

    @property
    def advice(self) -> str:
        private = "700" if stat.S_ISDIR(self.mode) else "600"
        return (f"{self.path} can be opened by other users (mode {stat.S_IMODE(self.mode):04o}); "
                f"chmod {private} {self.path}")


def private_paths(settings: Settings) -> list[Path]:
    """The files and folders that hold personal data or the key to it, for these settings."""
    paths = [settings.data_dir, settings.attachments_dir]
    if database := sqlite_path(settings.database_url):
        paths += [database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")]
    if not settings.encryption_key:   # a key given in the environment has no file here
        paths.append(settings.encryption_key_file)
    return paths


def exposed(settings: Settings) -> list[Exposed]:
    """Each existing private path (private_paths) with any permission for group or others."""
    found = []
    for path in private_paths(settings):
        try:
            mode = path.stat().st_mode
        except OSError:   # not there (yet), or not ours to look at: nothing to say
            continue
        if mode & 0o077:
            found.append(Exposed(path=path, mode=mode))
    return found
