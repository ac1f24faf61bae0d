"""Backups of the SQLite store: online copies with the sqlite3 backup API, kept in rotation,
restored only after an integrity check; and the integrity check itself, at start.

A backup is taken while windows keep working (the backup API copies a consistent snapshot),
checked with ``PRAGMA integrity_check`` and renamed into place only when whole. Rotation keeps
the newest backup of each of the last 7 days that have one and of each of the last 4 ISO weeks.
A PostgreSQL store is backed up on the server with ``pg_dump``; these functions say so.
"""

import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.paths import sqlite_path

BACKUP_DIR_NAME = "backups"
KEEP_DAILY = 7
KEEP_WEEKLY = 4
_NAME = re.compile(r"^desk-(\d{8}-\d{6})\.sqlite3$")
PG_DUMP_ADVICE = (
    "PostgreSQL 数据库由服务器备份：请用 pg_dump（如 pg_dump -Fc -f desk.dump 数据库名）"
    "并由医院信息科按日保存"
)


class BackupError(Exception):
    """A backup or restore that could not be done; the message is Chinese."""


@dataclass(frozen=True)
class RestoreReport:
    restored: Path
    from_backup: Path
    old_kept_at: Path | None


# The window's start reads a file up to this size whole (``quick_check``, about 2-5 ms a MB
# here); a larger one it only opens at both ends (``_ends_problem``), so the time to a ready
# window does not grow with the store: the full check runs once the window is ready and stops
# every write if it finds damage (issue 18, point 1).
WHOLE_FILE_CHECK_AT_START = 16 * 2**20


def integrity_problem(path: Path, *, quick: bool = False) -> str | None:
    """What ``PRAGMA integrity_check`` (``quick_check`` with ``quick``: no index-content check,
    a fraction of the time on a large file) finds wrong with the SQLite file, or None. With
    ``quick`` a file over ``WHOLE_FILE_CHECK_AT_START`` is only checked at its ends."""
    if quick and path.stat().st_size > WHOLE_FILE_CHECK_AT_START:
        return _ends_problem(path)
    try:
        connection = sqlite3.connect(path, isolation_level=None)
        try:
            pragma = "quick_check" if quick else "integrity_check"
            lines = [row[0] for row in connection.execute(f"PRAGMA {pragma}(20)")]
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if lines == ["ok"]:
        return None
    return "；".join(lines[:5])


def _ends_problem(path: Path) -> str | None:
    """What SQLite reports reading the schema and every table's first and last row (the root
    page and the pages down both edges of each table), or None: a cost that does not grow with
    the number of rows."""
    try:
        connection = sqlite3.connect(path, isolation_level=None)
        try:
            tables = connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
                " AND sql NOT LIKE '%WITHOUT ROWID%'"
            ).fetchall()
            for (name,) in tables:
                quoted = '"' + name.replace('"', '""') + '"'
                connection.execute(f"SELECT * FROM {quoted} ORDER BY rowid LIMIT 1").fetchall()
                connection.execute(f"SELECT * FROM {quoted} ORDER BY rowid DESC LIMIT 1").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None


def backup_dir_for(db_path: Path) -> Path:
    return db_path.parent / BACKUP_DIR_NAME


def list_backups(folder: Path) -> list[Path]:
    """The backups in ``folder``, newest first."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if _NAME.match(p.name)]
    return sorted(found, key=lambda p: _NAME.match(p.name).group(1), reverse=True)


def _taken_at(path: Path) -> datetime:
    return datetime.strptime(_NAME.match(path.name).group(1), "%Y%m%d-%H%M%S")


def check_database(target: str | Path, *, quick: bool = False) -> str | None:
    """None if the SQLite file is sound (or new, or on a server); otherwise a Chinese message
    saying what is wrong and the way out, with the newest backup's path. ``quick``: the
    window's start, which runs the full check in the background once it is ready."""
    path = sqlite_path(target)
    if path is None or not path.exists():
        return None
    problem = integrity_problem(path, quick=quick)
    if problem is None:
        return None
    newest = newest_restorable(backup_dir_for(path))
    way_out = (
        f'请从最新备份恢复：python -m app restore "{newest}" --db "{path}"'
        if newest
        else f"在 {backup_dir_for(path)} 中没有找到备份，请联系信息科用其他备份恢复"
    )
    return f"数据库文件已损坏：{path}（{problem}）。{way_out}（原文件会另存，不会被覆盖）"


@dataclass(frozen=True)
class StoreFacts:
    """What a quick look (no integrity check) finds in a SQLite file.

    Attributes:
        is_store: a database of this application: its schema version is recorded.
        empty: it holds no person, settlement or audit record.
    """

    is_store: bool
    empty: bool

    @property
    def restores(self) -> bool:
        return self.is_store


def store_facts(path: Path) -> StoreFacts:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            empty = not any(
                connection.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0]
                for table in ("person", "settlement", "audit_event")
            )
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return StoreFacts(is_store=False, empty=True)
    return StoreFacts(is_store=version is not None, empty=empty)


def restorable_backups(folder: Path) -> list[Path]:
    """The backups in ``folder`` worth keeping, newest first: real stores of this application,
    and none empty that is newer than one that is not (an emptied database backed up)."""
    found: list[Path] = []
    facts = [(path, store_facts(path)) for path in list_backups(folder)]
    for index, (path, fact) in enumerate(facts):
        if not fact.restores:
            continue
        if fact.empty and any(older.is_store and not older.empty for _p, older in facts[index:]):
            continue
        found.append(path)
    return found


def newest_restorable(folder: Path) -> Path | None:
    found = restorable_backups(folder)
    return found[0] if found else None


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def backup_now(target: str | Path, to_dir: Path | None = None, now: datetime | None = None) -> Path:
    """Copy the database to ``to_dir`` (default: ``backups`` beside it); returns the file."""
    path = sqlite_path(target)
    if path is None:
        raise BackupError(PG_DUMP_ADVICE)
    if not path.is_file():
        raise BackupError(f"找不到数据库文件：{path}")
    from app.store_marks import is_empty_file, read_marks_from, record_marks

    if is_empty_file(path):
        raise BackupError(f"数据库文件是空的（0 字节），未备份；已有的备份都保留着：{path}")
    folder = Path(to_dir) if to_dir is not None else backup_dir_for(path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    final = folder / f"desk-{stamp}.sqlite3"
    partial = folder / f".{final.name}.part"
    source = sqlite3.connect(path)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
    except sqlite3.DatabaseError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"备份失败：{exc}") from None
    finally:
        source.close()
    problem = integrity_problem(partial)
    if problem is not None:
        problem = f"备份副本未通过完整性检查（{problem}），原数据库可能已损坏"
    problem = problem or _not_worth_keeping(partial, folder)
    if problem is not None:
        partial.unlink(missing_ok=True)
        raise BackupError(f"{problem}；已有的备份都保留着")
    _fsync(partial)
    os.replace(partial, final)
    # The backup log: what the store held, outside its file (a lost -wal is noticed at start).
    copy = sqlite3.connect(final)
    try:
        record_marks(path, read_marks_from(copy), "backup")
    finally:
        copy.close()
    return final


def _not_worth_keeping(copy: Path, folder: Path) -> str | None:
    """Why a fresh copy must not join the rotation (it would push out one that restores)."""
    facts = store_facts(copy)
    if not facts.is_store:
        return "备份副本不是本系统的数据库（没有数据库版本记录），原数据库可能已损坏，未备份"
    if facts.empty:
        newest = newest_restorable(folder)
        if newest is not None and not store_facts(newest).empty:
            return f"数据库中没有任何记录，而上一个备份 {newest.name} 有记录，未备份"
    return None


def rotate(folder: Path) -> list[Path]:
    """Delete backups beyond 7 daily and 4 weekly; returns the deleted files. Only backups
    that restore count (``restorable_backups``); one that does not is never a reason to delete
    one that does, and is left where it is."""
    backups = restorable_backups(folder)
    keep: set[Path] = set()
    days: list = []
    weeks: list = []
    for path in backups:  # newest first: the first of each day / week is its newest
        taken = _taken_at(path)
        day, week = taken.date(), taken.isocalendar()[:2]
        if day not in days and len(days) < KEEP_DAILY:
            days.append(day)
            keep.add(path)
        if week not in weeks and len(weeks) < KEEP_WEEKLY:
            weeks.append(week)
            keep.add(path)
    deleted = [p for p in backups if p not in keep]
    for path in deleted:
        path.unlink(missing_ok=True)
    return deleted


def backup_if_due(store, now: datetime | None = None) -> Path | None:
    """The daily automatic backup (the window calls it at start): a backup if none was taken
    today, then rotation. None when one exists already or the store is on a server."""
    now = now or datetime.now()
    path = sqlite_path(store.engine.url.render_as_string(hide_password=True))
    if path is None:
        return None
    folder = backup_dir_for(path)
    newest = restorable_backups(folder)
    if newest and _taken_at(newest[0]).date() == now.date():
        return None
    made = backup_now(path, folder, now)
    rotate(folder)
    return made


def restore(backup_file: Path, target: str | Path, now: datetime | None = None) -> RestoreReport:
    """Replace the database with ``backup_file`` once it passes ``PRAGMA integrity_check``.

    The old file (with its -wal and -shm) is renamed aside, never deleted. No window may have
    the database open meanwhile.
    """
    path = sqlite_path(target)
    if path is None:
        raise BackupError(PG_DUMP_ADVICE.replace("备份", "备份与恢复", 1))
    backup_file = Path(backup_file)
    if not backup_file.is_file():
        raise BackupError(f"找不到备份文件：{backup_file}")
    problem = integrity_problem(backup_file)
    if problem is not None:
        raise BackupError(f"备份文件已损坏，未恢复（{problem}）：{backup_file}")
    if not _is_desk_database(backup_file):
        raise BackupError(f"不是本系统的数据库备份：{backup_file}")
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.restoring")
    shutil.copyfile(backup_file, partial)
    _fsync(partial)
    kept = None
    if path.exists():
        kept = path.with_name(f"{path.name}.before-restore-{stamp}")
        os.replace(path, kept)
    for suffix in ("-wal", "-shm"):  # a stale WAL would be replayed into the restored file
        side = path.with_name(path.name + suffix)
        if side.exists():
            aside = kept.name + suffix if kept else f"{side.name}.orphan-{stamp}"
            os.replace(side, side.with_name(aside))
    os.replace(partial, path)
    # The restored file is the store now: what it holds is what later starts compare with.
    from app.store_marks import read_marks, record_marks

    record_marks(path, read_marks(path), "restore")
    return RestoreReport(path, backup_file, kept)


def _is_desk_database(path: Path) -> bool:
    from app.store_marks import sqlite_tables

    return {"alembic_version", "settlement", "audit_event"} <= (sqlite_tables(path) or set())
