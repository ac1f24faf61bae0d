"""Backups of the SQLite store: online copies with the sqlite3 backup API, kept in rotation,
restored only after an integrity check; and the integrity check itself, at start.

A backup is taken while windows keep working (the backup API copies a consistent snapshot),
checked with ``PRAGMA integrity_check`` and renamed into place only when whole. Rotation keeps
the newest backup of each of the last 7 days that have one and of each of the last 4 ISO weeks.
A PostgreSQL store is backed up on the server with ``pg_dump``; these functions say so.
"""

import errno
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.paths import sqlite_path
from db import file_copy
from db.file_copy import online_copy

BACKUP_DIR_NAME = file_copy.BACKUP_DIR_NAME
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
    folder = backup_dir_for(path)
    newest = newest_restorable(folder)
    way_out = (
        f'请从最新备份恢复：python -m app restore "{newest}" --db "{path}"'
        if newest
        else f"在 {folder} 中没有找到备份，请联系信息科用其他备份恢复"
    )
    later = [p for p in dated_after(folder) if p != newest]
    note = f"。{_dated_after_note(folder)}" if later else ""
    return f"数据库文件已损坏：{path}（{problem}）。{way_out}（原文件会另存，不会被覆盖）{note}"


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


def newest_restorable(folder: Path, now: datetime | None = None) -> Path | None:
    """The newest backup that restores and is not dated after ``now``: one made while the
    clock ran ahead would otherwise stay "the newest" long after newer work was backed up.
    One dated after ``now`` only when there is no other."""
    found = restorable_backups(folder)
    now = now or datetime.now()
    not_after_now = [p for p in found if _taken_at(p) <= now]
    return (not_after_now or found or [None])[0]


def dated_after(folder: Path, now: datetime | None = None) -> list[Path]:
    """The backups that restore and are dated after ``now`` (the clock was ahead when they
    were made, or is behind now), newest first."""
    now = now or datetime.now()
    return [p for p in restorable_backups(folder) if _taken_at(p) > now]


def _dated_after_note(folder: Path, now: datetime | None = None) -> str:
    later = dated_after(folder, now)
    if not later:
        return ""
    return (
        f"{folder} 中另有 {len(later)} 个备份的日期晚于电脑现在的时间"
        f"（最晚的标为 {_taken_at(later[0]):%Y-%m-%d %H:%M}），是电脑时钟不准时做的，"
        "其中的记录可能更旧，用它恢复前请先核对"
    )


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
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(
            f"备份失败：无法建立备份文件夹 {folder}（{_why_not_written(exc)}）；已有的备份都保留着"
        ) from None
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    final = folder / f"desk-{stamp}.sqlite3"
    partial = folder / f".{final.name}.part"
    _online_copy(path, partial)
    problem = integrity_problem(partial)
    if problem is not None:
        problem = f"备份副本未通过完整性检查（{problem}），原数据库可能已损坏"
    problem = problem or _not_worth_keeping(partial, folder)
    if problem is not None:
        _remove_partial(partial)
        raise BackupError(f"{problem}；已有的备份都保留着")
    try:
        _fsync(partial)
        os.replace(partial, final)
    except OSError as exc:
        _remove_partial(partial)
        raise BackupError(
            f"备份失败：无法写入 {final}（{_why_not_written(exc)}）；已有的备份都保留着"
        ) from None
    # The backup log: what the store held, outside its file (a lost -wal is noticed at start).
    copy = sqlite3.connect(final)
    try:
        record_marks(path, read_marks_from(copy), "backup")
    finally:
        copy.close()
    return final


def _online_copy(path: Path, partial: Path) -> None:
    """The sqlite3 backup API's copy of ``path`` in ``partial``, one self-contained file; a
    copy that fails is removed and said in Chinese."""
    try:
        online_copy(path, partial)
    except sqlite3.DatabaseError as exc:
        _remove_partial(partial)
        raise BackupError(
            f"备份失败：{_sqlite_reason(exc)}（{exc}）：{partial.parent}；已有的备份都保留着"
        ) from None


# SQLite's own (English) words for why a file could not be written, in the clerk's words.
_SQLITE_REASONS = {
    "database or disk is full": "磁盘空间不足",
    "unable to open database file": "无法在该文件夹中建立文件（文件夹只读、没有写入权限或已断开）",
    "attempt to write a readonly database": "文件夹或文件是只读的",
    "disk I/O error": "磁盘读写出错",
}


def _sqlite_reason(exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    for english, chinese in _SQLITE_REASONS.items():
        if english in text:
            return chinese
    return "数据库复制出错"


def _remove_partial(partial: Path) -> None:
    """A half-made copy and the rollback journal SQLite may leave beside it."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        partial.with_name(partial.name + suffix).unlink(missing_ok=True)


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


def rotate(folder: Path, made: Path | None = None, now: datetime | None = None) -> list[Path]:
    """Delete backups beyond 7 daily and 4 weekly; returns the deleted files. Only backups
    that restore count (``restorable_backups``); one that does not is never a reason to delete
    one that does, and is left where it is. ``made`` (the backup just made) is never deleted,
    and nothing is while a backup is dated after ``now``: the clock went back, and the days
    counted would push out the backups holding the newest work (``rotation_note``)."""
    if dated_after(folder, now):
        return []
    backups = restorable_backups(folder)
    keep = _kept_by_rule(backups) | {made}
    deleted = [p for p in backups if p not in keep]
    for path in deleted:
        path.unlink(missing_ok=True)
    return deleted


def rotation_note(folder: Path, now: datetime | None = None) -> str:
    """What to tell after ``rotate`` when it kept everything for a clock gone back; or ""."""
    later = dated_after(folder, now)
    if not later:
        return ""
    return (
        f"有 {len(later)} 个备份的日期晚于电脑现在的时间（最晚：{later[0].name}），"
        "电脑时钟可能被调回了：本次没有按保留规则删除任何备份。请核对电脑的日期和时间；"
        "时钟无误时，核对该备份后把它移出备份文件夹，保留规则即恢复"
    )


def _kept_by_rule(backups: list[Path]) -> set[Path]:
    """The newest of each of the last 7 days and of each of the last 4 ISO weeks."""
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
    return keep


def backup_if_due(store, now: datetime | None = None) -> Path | None:
    """The daily automatic backup (the window calls it at start): a backup if none was taken
    today, then rotation. None when one exists already or the store is on a server."""
    now = now or datetime.now()
    path = sqlite_path(store.engine.url.render_as_string(hide_password=True))
    if path is None:
        return None
    folder = backup_dir_for(path)
    if any(_taken_at(p).date() == now.date() for p in restorable_backups(folder)):
        return None
    made = backup_now(path, folder, now)
    rotate(folder, made, now)
    return made


def restore(backup_file: Path, target: str | Path, now: datetime | None = None) -> RestoreReport:
    """Replace the database with ``backup_file`` once it passes ``PRAGMA integrity_check``.

    The old file is kept aside (with its -wal and -shm when they could not be folded into it),
    never deleted. Refused while another window or program has the database open. At every
    moment a kill may come the live path holds a whole database, the old one or the restored
    one: the old file is kept by a second name (a hard link, else a copy) and the restored copy
    is renamed over it in one step.
    """
    path = sqlite_path(target)
    if path is None:
        raise BackupError(PG_DUMP_ADVICE.replace("备份", "备份与恢复", 1))
    backup_file = Path(backup_file)
    _check_restorable(backup_file)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = restoring_copy(path)
    _copy_whole(backup_file, partial)
    try:
        kept = _keep_old_database(path, stamp) if path.exists() else None
        _move_aside_sidecars(path, kept, stamp)
        _put_in_place(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)
    return RestoreReport(path, backup_file, kept)


def _put_in_place(partial: Path, path: Path) -> None:
    """Rename the restored copy over the database, its marks recorded first: a kill between
    leaves the old, whole database with lower marks (it still opens), never the restored one
    refused for holding fewer records than the old file's marks."""
    from app.store_marks import read_marks, record_marks, recorded_marks

    old_marks = recorded_marks(path)
    record_marks(path, read_marks(partial), "restore")
    try:
        os.replace(partial, path)
    except OSError as exc:
        if old_marks:
            record_marks(path, old_marks, "before-restore")
        raise BackupError(
            f"恢复失败，数据库未改动：无法用恢复的副本替换 {path}（{_why_not_written(exc)}）。"
            "如有其他程序（杀毒软件、备份软件、其他窗口）正打开该文件，请关闭后重试"
        ) from None


def restoring_copy(path: Path) -> Path:
    """Where the backup is copied (and made durable) before it takes the database's place."""
    return path.with_name(f".{path.name}.restoring")


def _check_restorable(backup_file: Path) -> None:
    if not backup_file.is_file():
        raise BackupError(f"找不到备份文件：{backup_file}")
    problem = integrity_problem(backup_file)
    if problem is not None:
        raise BackupError(f"备份文件已损坏，未恢复（{problem}）：{backup_file}")
    if not _is_desk_database(backup_file):
        raise BackupError(f"不是本系统的数据库备份：{backup_file}")


def _copy_whole(source: Path, copy: Path, failing: str = "无法写入") -> None:
    """``source`` copied to ``copy`` and on the disk; a copy cut short is removed and the
    restore refused (``failing``: what could not be done, before the copy's name)."""
    try:
        shutil.copyfile(source, copy)
        _fsync(copy)
    except OSError as exc:
        copy.unlink(missing_ok=True)
        raise BackupError(
            f"恢复失败，数据库未改动：{failing} {copy}（{_why_not_written(exc)}）"
        ) from None


def _keep_old_database(path: Path, stamp: str) -> Path:
    """The database in place, made one self-contained file (its write-ahead log folded in)
    when no one else has it open, kept under a second name; returns that name."""
    _fold_in_write_ahead_log(path)
    kept = _unused_name(path.with_name(f"{path.name}.before-restore-{stamp}"))
    try:
        os.link(path, kept)  # the same file by two names: no copy, no moment without either
    except OSError:  # a file system without hard links (FAT, some shares)
        _copy_whole(path, kept, "无法另存原数据库到")
    return kept


def _unused_name(wanted: Path) -> Path:
    """``wanted``, or ``wanted-2``, ``-3`` … when a file (or its -wal) of that name is there:
    a file kept aside by an earlier restore in the same second is never written over."""
    candidate, number = wanted, 1
    while any(candidate.with_name(candidate.name + s).exists() for s in ("", "-wal", "-shm")):
        number += 1
        candidate = wanted.with_name(f"{wanted.name}-{number}")
    return candidate


def _why_not_written(exc: OSError) -> str:
    """What an operating-system error means for the clerk, its own text kept in brackets."""
    reasons = {
        errno.ENOSPC: "磁盘空间不足",
        errno.EACCES: "没有写入权限",
        errno.EPERM: "没有写入权限",
        errno.EROFS: "磁盘或文件夹是只读的",
        errno.ENOENT: "文件夹不存在或无法访问",
    }
    reason = reasons.get(exc.errno, "写入出错")
    return f"{reason}；{exc.strerror or exc}"


class DatabaseInUse(BackupError):
    """Another window or program has the database open: it would go on writing into the file
    set aside, and what it reports as saved would not be in the restored database."""


def _fold_in_write_ahead_log(path: Path) -> None:
    """Switch the database out of WAL mode: SQLite folds the log into the file and removes the
    -wal and -shm, and refuses (SQLITE_BUSY) while any other connection has the file open (in
    WAL mode each holds a shared lock on it as long as it is open), on Linux and Windows alike.
    A damaged file cannot be switched: its -wal and -shm are then kept aside with it."""
    try:
        connection = sqlite3.connect(path, isolation_level=None, timeout=1)
        try:
            connection.execute("PRAGMA journal_mode=DELETE").fetchall()
        finally:
            connection.close()
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            raise DatabaseInUse(
                f"数据库正被其他窗口或程序打开，未恢复：{path}。请先关闭其他打开该数据库的"
                "一站式结算窗口，以及正在运行的同步、备份等命令，再重新恢复；数据库未改动"
            ) from None
    except sqlite3.DatabaseError:
        pass  # damaged: the sidecars go aside with the file (``_move_aside_sidecars``)


def _move_aside_sidecars(path: Path, kept: Path | None, stamp: str) -> None:
    """A -wal or -shm still beside the database (a damaged one, or no database) goes with the
    file kept aside: a stale WAL would be replayed into the restored file."""
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            aside = kept.name + suffix if kept else f"{side.name}.orphan-{stamp}"
            os.replace(side, side.with_name(aside))


def _fsync_folder(folder: Path) -> None:
    """Make the renames in ``folder`` durable (POSIX; Windows has no directory handles)."""
    if os.name != "posix":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def interrupted_restore_problem(path: Path) -> str | None:
    """Why no database may be made at ``path`` although none is there: a restore (by an
    earlier version, which moved the database aside before putting the copy in its place) was
    cut short, and the restored copy or the database set aside lies beside it. None otherwise.
    Not repaired here: which of the two is wanted is the administrator's choice."""
    if path.exists():
        return None
    left = [restoring_copy(path), *sorted(path.parent.glob(f"{path.name}.before-restore-*"))]
    left = [p for p in left if p.is_file() and not p.name.endswith(("-wal", "-shm"))]
    if not left:
        return None
    return (
        f"找不到数据库文件 {path}，但旁边有一次没有完成的恢复留下的文件："
        f"{'、'.join(p.name for p in left)}（.restoring 是恢复用的备份副本，before-restore "
        "是恢复前的原数据库，带 -wal 的要一起保留）。没有新建任何数据库，以免覆盖医院的数据。"
        f'请重新运行恢复：python -m app restore "备份文件" --db "{path}"，'
        "或请信息科把要用的那个文件改名为数据库文件名后再启动"
    )


def _is_desk_database(path: Path) -> bool:
    from app.store_marks import sqlite_tables

    return {"alembic_version", "settlement", "audit_event"} <= (sqlite_tables(path) or set())
