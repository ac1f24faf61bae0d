"""``python -m app backup [--to DIR]`` and ``python -m app restore FILE``: the SQLite store's
online backup (rotated: 7 daily, 4 weekly) and its restore after an integrity check."""

import argparse
from pathlib import Path

from app.commands.common import add_db_option
from app.commands.signin import fail


def register(subparsers) -> None:
    backup = subparsers.add_parser("backup", help="在线备份数据库（保留 7 个日备份、4 个周备份）")
    backup.add_argument(
        "--to", type=Path, metavar="DIR", help="备份文件夹（默认：数据库旁的 backups）"
    )
    add_db_option(backup)
    backup.set_defaults(func=run_backup)

    restore = subparsers.add_parser(
        "restore", help="从备份恢复数据库（先做完整性检查，原文件另存）"
    )
    restore.add_argument("file", type=Path, metavar="备份文件")
    add_db_option(restore)
    restore.set_defaults(func=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    from app.backup import BackupError, backup_now, rotate, sqlite_path
    from app.paths import database_target
    from app.store_guard import StoreRefused, check_store

    target = database_target(args.db)
    if sqlite_path(target) is None:
        from app.backup import PG_DUMP_ADVICE

        return fail(PG_DUMP_ADVICE, 2)
    try:
        check_store(target)
    except StoreRefused as exc:
        return fail(str(exc), 3)
    try:
        made = backup_now(target, args.to)
    except BackupError as exc:
        return fail(str(exc))
    deleted = rotate(made.parent)
    print(f"已备份到 {made}")
    if deleted:
        print(f"按保留规则删除了 {len(deleted)} 个较早的备份")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from app.backup import BackupError, restore
    from app.paths import database_target

    try:
        report = restore(args.file, database_target(args.db))
    except BackupError as exc:
        return fail(str(exc), 2 if "PostgreSQL" in str(exc) else 1)
    print(f"已从 {report.from_backup} 恢复数据库 {report.restored}")
    if report.old_kept_at:
        print(f"原数据库文件另存为 {report.old_kept_at}")
    _catch_up(report.restored)
    return 0


def _catch_up(path) -> None:
    """Before anyone settles on the restored file: continue after the numbers already sent."""
    from app.sync.sent_log import catch_up_now
    from db import open_store

    store = open_store(path)
    try:
        notes = catch_up_now(store)
    finally:
        store.close()
    for note in notes:
        print(f"序号衔接：{note}")
