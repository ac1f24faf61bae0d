"""``python -m app audit verify`` checks the hash chain; ``audit export`` writes the trail
(filtered, ID numbers masked) to CSV or XLSX for a supervisor."""

import argparse
from datetime import date
from pathlib import Path

from app.commands.common import add_db_option
from app.commands.signin import add_password_stdin_option, fail, open_checked


def register(subparsers) -> None:
    parser = subparsers.add_parser("audit", help="审计记录：校验哈希链、导出")
    actions = parser.add_subparsers(dest="audit_action", metavar="操作", required=True)

    verify = actions.add_parser("verify", help="校验审计哈希链，指出第一条被改动或删除的记录")
    add_db_option(verify)
    verify.set_defaults(func=run_verify)

    export = actions.add_parser("export", help="导出审计记录（CSV 或 XLSX，身份证号已遮蔽）")
    export.add_argument("--out", required=True, type=Path, metavar="FILE.csv|FILE.xlsx")
    export.add_argument("--user", metavar="主管", help="导出人（主管；有账户时必填）")
    export.add_argument("--clerk", help="只导出该操作人的记录")
    export.add_argument("--action", help="只导出该操作（create/change/void/override/login…）")
    export.add_argument("--entity", help="对象类型（settlement/admission/person…）")
    export.add_argument("--entity-id", help="对象编号（如结算单号）")
    export.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD")
    export.add_argument("--until", type=date.fromisoformat, metavar="YYYY-MM-DD")
    export.add_argument("--text", help="内容中包含的文字")
    add_password_stdin_option(export)
    add_db_option(export)
    export.set_defaults(func=run_export)


def run_verify(args: argparse.Namespace) -> int:
    from app.audit_log import verify_audit

    store = open_checked(args.db)
    if store is None:
        return 3
    try:
        report = verify_audit(store)
    finally:
        store.close()
    if report.ok:
        print(f"审计哈希链完整：{report.links_checked} 条记录，链尾哈希 {report.head_hash}")
        return 0
    fail(f"审计哈希链有 {len(report.problems)} 处问题，第一处：{report.problems[0].message}")
    for problem in report.problems[1:]:
        fail(f"  {problem.message}")
    return 1


def run_export(args: argparse.Namespace) -> int:
    from app.accounts.roles import SUPERVISOR
    from app.audit_log import AuditFilter, export_audit
    from app.commands.signin import sign_in
    from app.services import audit
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
        count = export_audit(store, args.out, wanted)
        with store.write() as session:
            audit.record(
                session,
                clerk=who,
                action="export",
                entity="audit_event",
                entity_id=args.out.name[:64],
                changes={
                    "rows": count,
                    "filter": {k: str(v) for k, v in vars(wanted).items() if v},
                },
            )
    except OSError as exc:
        return fail(f"无法写入 {args.out}：{exc.strerror or exc}")
    finally:
        store.close()
    print(f"已导出 {count} 条审计记录到 {args.out}（身份证号已遮蔽）")
    return 0
