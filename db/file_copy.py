"""A SQLite store copied whole while it may be open (the backup API), into one file: for the
daily backups (``app.backup``) and for the copy kept before a schema upgrade."""

import os
import sqlite3
from datetime import datetime
from pathlib import Path

# app.backup's folder beside the database; the copy before an upgrade goes there too.
BACKUP_DIR_NAME = "backups"


def online_copy(path: Path, target: Path) -> None:
    """``path`` copied into ``target`` as one self-contained file (no -wal); sqlite3's errors
    are the caller's to say."""
    source = sqlite3.connect(path)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        source.close()


def copy_before_upgrade(path: Path, revision: str, now: datetime | None = None) -> Path:
    """The store as it is before its schema is upgraded from ``revision``, in its backups
    folder but outside their rotation (``desk-before-upgrade-0011-20261202-140000.sqlite3``,
    never deleted), to go back to with the program it came from. Raises OSError or
    sqlite3.Error (nothing half-made is left)."""
    folder = path.parent / BACKUP_DIR_NAME
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    final = folder / f"{path.stem}-before-upgrade-{revision}-{stamp}.sqlite3"
    partial = folder / f".{final.name}.part"
    try:
        online_copy(path, partial)
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, final)
    except BaseException:
        for suffix in ("", "-journal"):
            partial.with_name(partial.name + suffix).unlink(missing_ok=True)
        raise
    return final
