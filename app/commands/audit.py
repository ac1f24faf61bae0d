"""``python -m app audit verify`` checks the hash chain; ``audit export`` writes the trail
(filtered, ID numbers masked) to CSV or XLSX for a supervisor."""

import argparse
from pathlib import Path

from app.commands.common import add_db_option, date_argument
from app.commands.signin import add_password_stdin_option, fail, open_checked


def register(subparsers) -> None:
    parser = subparsers.add_parser("audit", help="审计记录：校验哈希链、导出")
    actions = parser.add_subparsers(dest="audit_action", metavar="操作", required=True)

    verify = actions.add_parser(
        "verify",
        help="校验审计哈希链（带审计密钥），并与链外的锚点（同步包、日结单）核对，"
        "指出被改动或删除的记录",
    )
    verify.add_argument(
        "--anchor",
        action="append",
        default=[],
        metavar="位置:哈希",
        help="链外记下的链尾，如日结单上打印的（可重复）",
    )
    add_db_option(verify)
    verify.set_defaults(func=run_verify)

    key = actions.add_parser(
        "key", help="审计密钥（不在数据库中）：导出到文件、在另一台电脑导入（共用数据库时）"
    )
    key_actions = key.add_subparsers(dest="key_action", metavar="操作", required=True)
    key_export = key_actions.add_parser("export", help="把本机的审计密钥写到文件（仅本人可读）")
    key_export.add_argument("--out", required=True, type=Path, metavar="FILE")
    key_import = key_actions.add_parser("import", help="导入另一台电脑导出的审计密钥")
    key_import.add_argument("file", type=Path, metavar="FILE")
    for parser, func in ((key_export, run_key_export), (key_import, run_key_import)):
        parser.add_argument("--user", metavar="管理员", help="操作人（管理员；有账户时必填）")
        add_password_stdin_option(parser)
        add_db_option(parser)
        parser.set_defaults(func=func)

    export = actions.add_parser("export", help="导出审计记录（CSV 或 XLSX，身份证号已遮蔽）")
    export.add_argument("--out", required=True, type=Path, metavar="FILE.csv|FILE.xlsx")
    export.add_argument("--user", metavar="主管", help="导出人（主管；有账户时必填）")
    export.add_argument("--clerk", help="只导出该操作人的记录")
    export.add_argument("--action", help="只导出该操作（create/change/void/override/login…）")
    export.add_argument("--entity", help="对象类型（settlement/admission/person…）")
    export.add_argument("--entity-id", help="对象编号（如结算单号）")
    export.add_argument("--since", type=date_argument, metavar="YYYY-MM-DD")
    export.add_argument("--until", type=date_argument, metavar="YYYY-MM-DD")
    export.add_argument("--text", help="内容中包含的文字")
    add_password_stdin_option(export)
    add_db_option(export)
    export.set_defaults(func=run_export)


def _given_anchors(texts: list[str]):
    from db.audit_chain import Anchor

    anchors = []
    for text in texts:
        seq, _, digest = text.strip().partition(":")
        digest = digest.strip().lower()
        if not seq.strip().isdigit() or len(digest) != 64 or set(digest) - set("0123456789abcdef"):
            return None, f"--anchor {text}：应为 链位置:64位十六进制哈希（如日结单上打印的）"
        anchors.append(Anchor(int(seq), digest, "给出的锚点 "))
    return tuple(anchors), None


def run_verify(args: argparse.Namespace) -> int:
    from app.audit_log import audit_head, verify_audit
    from app.sync.anchors import anchors_found, beyond_restores
    from app.sync.sent_log import restores

    given, problem = _given_anchors(args.anchor)
    if problem:
        return fail(problem, 2)
    store = open_checked(args.db)
    if store is None:
        return 3
    try:
        damaged = _sent_log_damage(store)
        anchors = beyond_restores(store, given + anchors_found(store))
        report = verify_audit(store, anchors)
        head = audit_head(store)
        restored = restores(store)
    finally:
        store.close()
    for restore in restored:
        print(restore.text())
    if damaged:
        # The anchors kept outside the database are what shows a rewritten chain: without
        # them a chain that verifies proves less, so this is no clean bill.
        fail(f"{damaged}；其中的锚点未能核对")
    if report.ok:
        print(
            f"审计哈希链完整：{report.links_checked} 条记录，链尾 {head.text()}；"
            f"已与链外的 {report.anchors_checked} 个锚点核对"
        )
        return 1 if damaged else 0
    fail(f"审计哈希链有 {len(report.problems)} 处问题，第一处：{report.problems[0].message}")
    for problem in report.problems[1:]:
        fail(f"  {problem.message}")
    return 1


def _sent_log_damage(store) -> str | None:
    """What is wrong with the sync sent log (which keeps the audit heads sent), or None."""
    from app.sync.sent_log import SentLogDamaged, check_readable

    try:
        check_readable(store)
    except SentLogDamaged as exc:
        return f"本机的同步记录 {exc.path} 已损坏（{exc.why}），其中记着本窗口发送过的审计链位置"
    return None


def run_export(args: argparse.Namespace) -> int:
    from app.accounts.roles import SUPERVISOR
    from app.audit_log import AuditFilter, export_audit
    from app.commands.signin import sign_in
    from app.services.access import accounts_exist

    if args.out.suffix.lower() not in (".csv", ".xlsx"):
        return fail("--out 应以 .csv 或 .xlsx 结尾", 2)
    store = open_checked(args.db)
    if store is None:
        return 3
    try:
        with store.read() as session:
            signed = accounts_exist(session)
        who = "system"
        if signed:
            if not args.user:
                return fail("导出审计记录须由主管操作：请用 --user 指定", 2)
            user = sign_in(store, args, args.user, SUPERVISOR, "导出审计记录")
            if user is None:
                return 1
            who = user.name
        wanted = AuditFilter(
            clerk=args.clerk,
            action=args.action,
            entity=args.entity,
            entity_id=args.entity_id,
            since=args.since,
            until=args.until,
            text=args.text,
        )
        count = export_audit(store, args.out, wanted, clerk=who)
    except OSError as exc:
        return fail(f"无法写入 {args.out}：{exc.strerror or exc}")
    finally:
        store.close()
    print(f"已导出 {count} 条审计记录到 {args.out}（身份证号已遮蔽）")
    return 0


def _administrator(store, args: argparse.Namespace, doing: str) -> bool:
    """Whether an administrator signed in (or no account exists yet); False after saying why."""
    from app.accounts.roles import ADMINISTRATOR
    from app.commands.signin import sign_in
    from app.services.access import accounts_exist

    with store.read() as session:
        if not accounts_exist(session):
            return True
    if not args.user:
        fail(f"{doing}须由管理员操作：请用 --user 指定")
        return False
    return sign_in(store, args, args.user, ADMINISTRATOR, doing) is not None


def run_key_export(args: argparse.Namespace) -> int:
    import os

    store = open_checked(args.db)
    if store is None:
        return 3
    try:
        if not _administrator(store, args, "导出审计密钥"):
            return 1
        key = store.audit_key
        if key is None:
            return fail("本机没有这个数据库的审计密钥，无可导出")
        try:
            descriptor = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return fail(f"{args.out} 已存在，不覆盖", 2)
        except OSError as exc:
            return fail(f"无法写入 {args.out}：{exc.strerror or exc}")
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(key.text())
    finally:
        store.close()
    print(f"已导出审计密钥到 {args.out}：在另一台电脑导入后请删除此文件，勿随备份保存")
    return 0


def run_key_import(args: argparse.Namespace) -> int:
    from app.secret_store import AuditKey, SecretStoreError, load_audit_key, save_audit_key

    try:
        key = AuditKey.from_text(args.file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return fail(f"{args.file}：{getattr(exc, 'strerror', None) or exc}", 2)
    store = open_checked(args.db)
    if store is None:
        return 3
    try:
        if not _administrator(store, args, "导入审计密钥"):
            return 1
        if key.store_id != store.store_id:
            return fail(f"{args.file}：这是另一个数据库的审计密钥", 2)
        try:
            kept = load_audit_key(key.store_id)
            if kept is not None and kept != key:
                return fail("本机已有这个数据库的另一把审计密钥，未导入", 2)
            where = save_audit_key(key)
        except SecretStoreError as exc:
            return fail(str(exc))
    finally:
        store.close()
    print(f"已导入审计密钥（{where}）")
    return 0
