"""The marks kept beside a SQLite store (``<file>.marks.json``): the highest settlement,
outbox and audit numbers it is known to have committed, recorded by every backup and sync and
compared when the store is opened (``app.store_guard``), so lost records are noticed.

A leaf below both the backups and the store guard: plain files and sqlite3, nothing else.
"""

import json
import os
import sqlite3
from pathlib import Path

MARKS_SUFFIX = ".marks.json"
# What only grows in a working store: a lower number means committed records were lost.
MARK_QUERIES = {
    "settlement": ("结算单", "SELECT max(id) FROM settlement"),
    "outbox": ("同步队列", "SELECT last_seq FROM outbox_state WHERE id = 1"),
    "audit": ("审计记录", "SELECT max(id) FROM audit_event"),
}


def side_file(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def is_empty_file(path: Path) -> bool:
    """A 0-byte database file whose write-ahead log holds nothing either."""
    if path.stat().st_size:
        return False
    wal = side_file(path, "-wal")
    return not (wal.exists() and wal.stat().st_size)


# --- the marks kept outside the database file ----------------------------------------------


def marks_path(db_path: Path) -> Path:
    return side_file(db_path, MARKS_SUFFIX)


def read_marks_from(connection: sqlite3.Connection) -> dict[str, int]:
    """The store's highest settlement, outbox and audit numbers (0 where there are none)."""
    marks = {}
    for key, (_label, query) in MARK_QUERIES.items():
        try:
            row = connection.execute(query).fetchone()
        except sqlite3.OperationalError:  # a store older than the table
            row = None
        marks[key] = int(row[0]) if row and row[0] is not None else 0
    return marks


def read_marks(db_path: Path) -> dict[str, int]:
    connection = sqlite3.connect(db_path)
    try:
        return read_marks_from(connection)
    finally:
        connection.close()


def recorded_marks(db_path: Path) -> dict[str, int]:
    try:
        data = json.loads(marks_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {key: int(data.get(key, 0)) for key in MARK_QUERIES if isinstance(data, dict)}


def record_marks(db_path: Path, marks: dict[str, int], by: str) -> None:
    """Write the marks beside the database (atomically; best effort: a read-only folder only
    loses the check). ``by`` says who recorded them: ``backup``, ``sync`` or ``restore``."""
    final = marks_path(db_path)
    partial = final.with_name(f".{final.name}.{os.urandom(4).hex()}")
    try:
        partial.write_text(json.dumps({**marks, "by": by}, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, final)
    except OSError:
        partial.unlink(missing_ok=True)


def sqlite_tables(path: Path) -> set[str] | None:
    """The tables of the SQLite file at ``path``; None when it is not a readable database."""
    try:
        connection = sqlite3.connect(path)
        try:
            return {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return None
