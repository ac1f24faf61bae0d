"""``python -m app backup [--to DIR]`` and ``python -m app restore FILE``: the SQLite store's
online backup (rotated: 7 daily, 4 weekly) and its restore after an integrity check.

Once the store has accounts, a backup runs as a signed-in account (a scheduled one reads
``--credentials FILE``) and a restore needs an administrator: of the database in place, or of
the backup itself when the database in place cannot be opened (the usual reason to restore).
"""

import argparse
from pathlib import Path

from app.commands.common import add_db_option
from app.commands.signin import add_account_options, fail


def register(subparsers) -> None:
    backup = subparsers.add_parser("backup", help="在线备份数据库（保留 7 个日备份、4 个周备份）")
    backup.add_argument(
        "--to", type=Path, metavar="DIR", help="备份文件夹（默认：数据库旁的 backups）"
    )
    add_account_options(backup)
    add_db_option(backup)
    backup.set_defaults(func=run_backup)

    restore = subparsers.add_parser(
        "restore", help="从备份恢复数据库（先做完整性检查，原文件另存）"
    )
    restore.add_argument("file", type=Path, metavar="备份文件")
    add_account_options(restore)
    add_db_option(restore)
    restore.set_defaults(func=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    from app.backup import BackupError, backup_now, rotate, rotation_note
    from app.paths import database_target, sqlite_path
    from app.services.access import CLERK
    from app.store_guard import StoreRefused, check_store

    target = database_target(args.db)
    if sqlite_path(target) is None:
        from app.backup import PG_DUMP_ADVICE

        return fail(PG_DUMP_ADVICE, 2)
    try:
        check_store(target)
    except StoreRefused as exc:
        return fail(str(exc), 3)
    refused = _signed_in(target, args, CLERK, "备份数据库")
    if refused is not None:
        return refused
    try:
        made = backup_now(target, args.to)
    except BackupError as exc:
        return fail(str(exc))
    deleted = rotate(made.parent, made)
    print(f"已备份到 {made}")
    if deleted:
        print(f"按保留规则删除了 {len(deleted)} 个较早的备份")
    note = rotation_note(made.parent)
    if note:
        print(note)
    return 0


def _signed_in(target, args: argparse.Namespace, role: str, doing: str) -> int | None:
    """None once the account ``args`` name has signed in to ``target`` with ``role``; else
    the exit code, after saying why."""
    from app.commands.signin import signed_desk
    from db import open_store

    store = open_store(target)
    try:
        desk = signed_desk(store, args, role, doing, clerk="命令行")
    finally:
        store.close()
    if desk is None:
        return args.refused
    args.operator = desk.clerk
    return None


def _restore_signed_in(args: argparse.Namespace, target: str) -> int | None:
    """An administrator of the database in place; of the backup (a copy of it, so the file
    restored is not touched) when the database in place cannot be opened."""
    import shutil
    import tempfile

    from app.backup import integrity_problem, store_facts
    from app.services.access import ADMINISTRATOR
    from app.store_guard import StoreRefused, check_store

    try:
        check_store(target)
    except StoreRefused:
        problem = integrity_problem(args.file)
        if problem is None and not store_facts(args.file).is_store:
            problem = "不是本程序的数据库"
        if problem is not None:
            return fail(f"备份文件 {args.file} 不能用：{problem}")
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "backup.sqlite3"
            shutil.copy2(args.file, copy)
            return _signed_in(copy, args, ADMINISTRATOR, "从备份恢复数据库")
    return _signed_in(target, args, ADMINISTRATOR, "从备份恢复数据库")


def run_restore(args: argparse.Namespace) -> int:
    from app.backup import BackupError, restore
    from app.paths import database_target, sqlite_path

    target = database_target(args.db)
    if sqlite_path(target) is not None and args.file.is_file():
        refused = _restore_signed_in(args, target)
        if refused is not None:
            return refused
    try:
        report = restore(args.file, target)
    except BackupError as exc:
        return fail(str(exc), 2 if "PostgreSQL" in str(exc) else 1)
    print(f"已从 {report.from_backup} 恢复数据库 {report.restored}")
    if report.old_kept_at:
        print(f"原数据库文件另存为 {report.old_kept_at}")
    _catch_up(report, getattr(args, "operator", "命令行"))
    return 0


def _catch_up(report, operator: str) -> None:
    """Before anyone settles on the restored file: continue after the numbers already sent;
    then the restore itself goes into the restored file's audit trail (who, from which file,
    where the replaced one was kept), the only trail that goes on."""
    from app.bundle.export import claim_again_after_restore
    from app.services import audit
    from app.sync.sent_log import catch_up_now
    from db import open_store

    store = open_store(report.restored)
    try:
        notes = catch_up_now(store)
        claims = claim_again_after_restore(store)
        with store.write() as session:
            audit.record(
                session,
                clerk=operator,
                action="restore",
                entity="store",
                entity_id=report.from_backup.name[:64],
                changes={
                    "file": str(report.from_backup),
                    "old_kept_at": str(report.old_kept_at) if report.old_kept_at else None,
                },
            )
    finally:
        store.close()
    for note in notes:
        print(f"序号衔接：{note}")
    for note in claims:
        print(f"申报标记：{note}")
