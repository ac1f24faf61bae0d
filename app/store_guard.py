"""The one doorway to a store for the command line and the window: nothing is created unless
asked for, and nothing is written into a file that is not whole.

Before a store is opened its SQLite file must

* exist and not be empty (a ``--db`` typo, a moved file or an unmounted share must not turn
  into a new database; only ``demo``, the window's ``--demo-if-missing`` and later the
  first-start choice create one),
* be this application's database (not some other SQLite file that a migration would change),
* pass ``PRAGMA integrity_check`` (the same message and restore command as the window), and
* hold at least the records it is known to have committed: the highest settlement, outbox and
  audit numbers are written beside the database (``<file>.marks.json``) by every backup and
  every sync, so a deleted ``-wal`` that took committed slips with it is noticed at the next
  start instead of being written over.

A store created as a demo is marked (setting ``demo_database``) in the transaction that
creates it; sync refuses to send from it. A server database (PostgreSQL) is checked by its
server: only the mark applies to it.
"""

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from app.errors import StoreRefused
from app.store_marks import (
    MARK_QUERIES,
    is_empty_file,
    read_marks,
    record_marks,
    recorded_marks,
    side_file,
    sqlite_tables,
)

DEMO_MARK = "demo_database"


def _sqlite_path(target: str | Path) -> Path | None:
    from app.paths import sqlite_path

    return sqlite_path(target)


def _restore_advice(path: Path) -> str:
    from app.backup import backup_dir_for, newest_restorable

    newest = newest_restorable(backup_dir_for(path))
    if newest is None:
        return f"在 {backup_dir_for(path)} 中没有找到备份，请联系信息科用其他备份恢复"
    return f'请从最新备份恢复：python -m app restore "{newest}" --db "{path}"'


def missing_problem(path: Path) -> str | None:
    """Why ``path`` is no database to open (missing, or 0 bytes), or None."""
    if not path.exists():
        from app.backup import interrupted_restore_problem  # only when there is no file

        interrupted = interrupted_restore_problem(path)
        if interrupted is not None:
            return interrupted  # not "make a demo": the hospital's data lies beside it
        return (
            f"找不到数据库文件：{path}。请检查 --db 路径是否写错、文件是否被移走、"
            "共享盘是否已连接；没有新建任何文件。"
            f'如要新建演示数据库：python -m app demo --db "{path}"'
        )
    if path.is_file() and is_empty_file(path):
        return (
            f"数据库文件是空的（0 字节）：{path}，其中没有任何记录，未打开也未写入。"
            f"{_restore_advice(path)}"
        )
    return None


def foreign_problem(path: Path) -> str | None:
    """None for a database of this application (or one with no tables yet)."""
    tables = sqlite_tables(path)
    if tables is None:
        return None  # the integrity check names what is wrong
    if tables and "alembic_version" not in tables:
        return f"不是本系统的数据库文件：{path}。请检查 --db 路径；该文件未被改动。"
    return None


def record_store_marks(store, by: str) -> None:
    """``record_marks`` for an open store (nothing for a server database)."""
    path = _sqlite_path(store.engine.url.render_as_string(hide_password=True))
    if path is not None and path.is_file():
        record_marks(path, read_marks(path), by)


def lost_records_problem(path: Path) -> str | None:
    """None unless the database holds fewer records than were recorded beside it."""
    recorded = recorded_marks(path)
    if not recorded:
        return None
    try:
        now = read_marks(path)
    except sqlite3.DatabaseError:
        return None  # the integrity check names what is wrong
    short = [
        f"{label}最大编号 {now[key]}，应至少为 {recorded[key]}"
        for key, (label, _query) in MARK_QUERIES.items()
        if now[key] < recorded.get(key, 0)
    ]
    if not short:
        return None
    return (
        f"数据库缺少已提交的记录：{path}（{'；'.join(short)}）。"
        "可能是 -wal 文件被删除或数据库文件被旧副本替换；未打开也未写入。"
        f"{_restore_advice(path)}，或联系信息科找回 {path.name}-wal"
    )


# --- the doorway ---------------------------------------------------------------------------


def check_store(target: str | Path, *, integrity: bool = True, quick: bool = False) -> None:
    """Raise ``StoreRefused`` unless ``target`` may be opened and written: see the module.
    ``quick``: SQLite's ``quick_check`` instead of the full ``integrity_check``."""
    path = _sqlite_path(target)
    if path is None:
        return
    problem = missing_problem(path) or foreign_problem(path)
    if problem is None and integrity:
        from app.backup import check_database

        problem = check_database(path, quick=quick)
    if problem is None:
        problem = lost_records_problem(path)
    if problem is not None:
        raise StoreRefused(problem)


def open_existing(target: str | Path | None = None, *, integrity: bool = True):
    """The store at ``target`` (default: the configured one) after ``check_store``."""
    from app.paths import database_target
    from db import open_store

    target = database_target(None if target is None else str(target))
    check_store(target, integrity=integrity)
    return open_store(target)


def create_store(target: str | Path, fill: Callable | None = None, *, demo: bool = False):
    """Create a new store at ``target`` by explicit choice, filled by ``fill(store)``; returns
    what ``fill`` returned.

    It is built under a hidden name beside the target and renamed into place only when whole,
    so a store killed half-built is never opened as a real one. ``demo`` marks it as a demo
    store in the transaction that creates it. Refuses a target that exists (even 0 bytes)."""
    from db import open_store
    from db.models import Setting

    path = _sqlite_path(target)
    if path is None:  # a server database: its tables are created where it is
        store = open_store(str(target))
    else:
        if path.exists() or side_file(path, "-wal").exists():
            raise StoreRefused(f"数据库文件已存在，未新建：{path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        building = path.with_name(f".{path.name}.creating-{os.urandom(4).hex()}")
        store = open_store(building, data_dir=path.parent)
    try:
        if demo:
            with store.write() as session:
                if session.get(Setting, DEMO_MARK) is None:
                    session.add(Setting(key=DEMO_MARK, value="1"))
        filled = fill(store) if fill is not None else None
    except BaseException:
        store.close()
        if path is not None:
            for suffix in ("", "-wal", "-shm"):
                side_file(building, suffix).unlink(missing_ok=True)
        raise
    store.close()
    if path is None:
        return filled
    connection = sqlite3.connect(building)  # one self-contained file to rename
    try:
        connection.execute("PRAGMA journal_mode=DELETE")
    finally:
        connection.close()
    with open(building, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(building, path)
    return filled


def is_demo_store(store) -> bool:
    """True for a store created (or refreshed) as a demo: it must never reach the county."""
    from db.models import Setting

    with store.read() as session:
        return session.get(Setting, DEMO_MARK) is not None
