"""``sync`` (a window and the central folder) and ``central ingest|publish`` (the centre)."""

import argparse
import sys
from pathlib import Path

from app.commands.common import add_db_option
from app.commands.signin import add_account_options


def register(subparsers) -> None:
    sync = subparsers.add_parser("sync", help="与中心文件夹同步：上传变更包，下载名册和年度累计")
    sync.add_argument(
        "--once", action="store_true", help="只同步一次（默认：按设置的间隔反复同步）"
    )
    sync.add_argument(
        "--central", type=Path, metavar="DIR", help="中心文件夹（默认：设置中的文件夹）"
    )
    sync.add_argument("--remember", action="store_true", help="把 --central 记入设置")
    sync.add_argument("--status", action="store_true", help="只显示同步状态")
    sync.add_argument(
        "--password-file",
        type=Path,
        metavar="FILE",
        help="主管部门给的同步密码（文件第一行）：此后同步文件加密，密码存入系统密码库"
        "（Windows 凭据管理器等；本机没有时不保存，每次同步都要给出）",
    )
    sync.add_argument("--forget-password", action="store_true", help="不再加密同步文件")
    add_account_options(sync)
    add_db_option(sync)
    sync.set_defaults(func=run_sync)

    central = subparsers.add_parser(
        "central", help="中心端：导入各窗口的变更包，发布名册和年度累计"
    )
    actions = central.add_subparsers(dest="action", metavar="操作", required=True)
    ingest = actions.add_parser("ingest", help="把 inbox 中各窗口的变更包导入中心数据库")
    publish = actions.add_parser("publish", help="把年度累计和名册写到 outbox 供窗口下载")
    publish.add_argument("--year", type=int, action="append", help="年度（可重复；默认今年和去年）")
    for parser, func in ((ingest, run_ingest), (publish, run_publish)):
        parser.add_argument(
            "--db", required=True, metavar="URL", help="中心数据库（postgresql://…）"
        )
        parser.add_argument("--folder", required=True, type=Path, metavar="DIR", help="中心文件夹")
        parser.add_argument(
            "--password-file", type=Path, metavar="FILE", help="同步密码（文件第一行）：加密的包"
        )
        parser.set_defaults(func=func)


def _print_status(status) -> None:
    print(f"中心文件夹：{status.central_folder or '未设置'}")
    print(f"待发送变更：{status.queue_length} 条")
    print(f"上次成功：{status.last_success or '从未'}")
    if status.last_error:
        print(f"上次错误：{status.last_error}（已连续失败 {status.failures} 次）")
    if status.next_attempt:
        print(f"下次同步：{status.next_attempt:%Y-%m-%d %H:%M:%S}")
    note = status.clock_note()
    if note:
        print(f"提示：{note}")


def _print_report(report) -> None:
    for note in report.notes:
        print(f"提示：{note}")
    if report.ok:
        print(f"已发送 {len(report.packages)} 个变更包（{report.changes_sent} 条变更）")
        for name in report.rosters:
            print(f"已导入中心名册：{name}")
        if report.year_to_date_rows is not None:
            print(f"已更新外院年度累计：{report.year_to_date_rows} 行")
    else:
        print(
            f"同步失败：{report.error}（待发送 {report.queue_length} 条，稍后重试）",
            file=sys.stderr,
        )
    for problem in report.problems:
        print(f"  已跳过：{problem}", file=sys.stderr)


def run_sync(args: argparse.Namespace) -> int:
    import time
    from datetime import datetime

    from app.commands.signin import ask_password, open_checked, signed_desk
    from app.errors import FieldError
    from app.services.access import CLERK, SUPERVISOR
    from app.sync import run_if_due, run_once, status
    from app.sync.sealing import password_needed

    store = open_checked(args.db)
    if store is None:
        return 3
    try:
        # Changing what is remembered (folder, password) is a supervisor's, as on 设置 → 同步;
        # where no secret store keeps it, a sealed store's password is given for this run only.
        for_this_run = bool(args.password_file) and _given_each_time(store)
        changes = args.remember or args.forget_password or (args.password_file and not for_this_run)
        desk = None
        if not args.status or changes:
            role, doing = (SUPERVISOR, "修改同步设置") if changes else (CLERK, "同步")
            desk = signed_desk(store, args, role, doing, clerk="命令行")
            if desk is None:
                return args.refused
        if args.remember:
            if args.central is None:
                print("--remember 需要同时给出 --central", file=sys.stderr)
                return 2
            try:  # as 设置 saves it: the role checked on the session, and audited
                desk.save_settings({"sync.central_folder": str(args.central.resolve())})
            except FieldError as exc:
                print(f"拒绝：{exc}", file=sys.stderr)
                return 2
        given = None
        if for_this_run:
            from app.encryption import EncryptionError, read_password_file

            try:
                given = read_password_file(args.password_file)
            except EncryptionError as exc:
                print(f"同步密码：{exc}", file=sys.stderr)
                return 2
        elif args.password_file or args.forget_password:
            from app.encryption import EncryptionError, read_password_file
            from app.secret_store import SecretStoreError
            from app.sync.sealing import set_sync_password

            try:
                password = read_password_file(args.password_file) if args.password_file else None
                kept = set_sync_password(store, password, desk.clerk)
            except (EncryptionError, SecretStoreError) as exc:
                print(f"同步密码：{exc}", file=sys.stderr)
                return 2
            given = password
            if not password:
                print("同步文件不再加密")
            elif kept:
                print("同步文件将加密（同步密码存入本机的系统密码库，不在数据库中）")
            else:
                print(
                    "同步文件将加密；本机没有可用的系统密码库，同步密码不保存："
                    "以后每次同步请用 --password-file 给出，或在提示时输入"
                )
        if args.status:
            _print_status(status(store))
            return 0
        if given is None and password_needed(store):
            given = ask_password(args, "医保局同步密码（同步文件须加密）：")
            if given is None:
                return 2
        if args.once:
            report = run_once(store, args.central, password=given)
            _print_report(report)
            return 0 if report.ok else 1
        print("按设置的间隔同步，按 Ctrl+C 停止")
        while True:
            report = (
                run_once(store, args.central, password=given)
                if args.central
                else run_if_due(store, password=given)
            )
            if report is not None:
                print(f"[{datetime.now():%H:%M:%S}]", end=" ")
                _print_report(report)
            wait = status(store).next_attempt
            time.sleep(max(1.0, (wait - datetime.now()).total_seconds()) if wait else 60.0)
    except KeyboardInterrupt:
        return 0
    finally:
        store.close()


def _given_each_time(store) -> bool:
    """Sync files are sealed and this computer has no secret store to keep the password."""
    from app import secret_store
    from app.services.sync_secret import is_sealed

    with store.read() as session:
        return is_sealed(session) and not secret_store.available()


def _password(args: argparse.Namespace) -> str | None:
    """The bureau's password from ``--password-file``; exit 2 with the reason if unreadable."""
    if not args.password_file:
        return None
    from app.encryption import EncryptionError, read_password_file

    try:
        return read_password_file(args.password_file)
    except EncryptionError as exc:
        print(f"同步密码：{exc}", file=sys.stderr)
        raise SystemExit(2) from None


def run_ingest(args: argparse.Namespace) -> int:
    from app.sync.central_ingest import IngestError, ingest
    from db import open_store

    password = _password(args)
    store = open_store(args.db)
    try:
        report = ingest(store, args.folder, password=password)
    except IngestError as exc:
        print(f"导入失败：{exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(
        f"已导入 {len(report.packages)} 个变更包（{report.changes} 条变更），"
        f"此前已导入的 {report.already} 个已跳过"
    )
    if report.cleaned:
        print(f"已清除中断写入留下的临时文件 {len(report.cleaned)} 个")
    for problem in report.problems:
        print(f"  {problem}", file=sys.stderr)
    for restored in report.restores:
        print(f"  {restored}")
    for broken in report.audit_breaks:
        print(f"  审计链被改写：{broken}", file=sys.stderr)
    return 1 if report.problems or report.audit_breaks else 0


def run_publish(args: argparse.Namespace) -> int:
    from app.sync.central_publish import publish
    from app.sync.files import TargetError
    from db import open_store

    password = _password(args)
    store = open_store(args.db)
    try:
        report = publish(store, args.folder, years=args.year, password=password)
    except TargetError as exc:
        print(f"发布失败：{exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"年度累计：{report.year_to_date}（{report.year_to_date_rows} 行）")
    if report.roster is not None:
        print(f"名册：{report.roster}（{report.roster_rows} 人）")
    return 0
