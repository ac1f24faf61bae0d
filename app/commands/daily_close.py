"""``daily-close``: one day's close (日结/交班) for a clerk or the whole window, PDF or XLSX."""

import argparse
import sys
from pathlib import Path

from app.commands.common import add_db_option


def register(subparsers) -> None:
    close = subparsers.add_parser(
        "daily-close", help="日结/交班：某日的结算、作废、补打、垫付合计与结算单号（PDF 或 XLSX）"
    )
    close.add_argument("--date", required=True, metavar="D", help="日期，如 2026-12-01")
    close.add_argument("--clerk", metavar="U", help="经办人登录名（不填：整个窗口）")
    close.add_argument(
        "--out", required=True, type=Path, metavar="FILE", help="输出文件：FILE.pdf 或 FILE.xlsx"
    )
    close.add_argument("--site", metavar="CODE", help="站点代码（默认：当前站点）")
    add_db_option(close)
    close.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.commands.signin import open_checked
    from app.dates import DateError, parse_date
    from app.desk import Desk
    from app.services import ServiceError

    try:
        day = parse_date(args.date)
    except DateError as exc:
        print(f"日期（--date）：{exc}", file=sys.stderr)
        return 2
    if args.out.suffix.lower() not in (".pdf", ".xlsx"):
        print("输出文件（--out）：应以 .pdf 或 .xlsx 结尾", file=sys.stderr)
        return 2
    store = open_checked(args.db)
    if store is None:
        return 3
    desk = Desk(store, str(args.db or ""), "system", args.site)
    try:
        if args.clerk and not _ever_worked(store, args.clerk.strip()):
            print(
                f"经办人（--clerk）：没有名为“{args.clerk.strip()}”的经办人（既无账户，也无任何操作记录）",
                file=sys.stderr,
            )
            return 2
        close = desk.write_daily_close(day, args.clerk, args.out)
    except ServiceError as exc:
        print(f"日结失败：{exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    grand = close.totals
    print(f"日结已写入：{args.out}")
    print(
        f"{close.day} {close.who}：结算 {len(close.settlements)} 笔（有效 {grand.count} 笔），"
        f"医院垫付 {grand.sums['advanced']} 元，作废 {len(close.voids)} 笔，"
        f"补打 {len(close.reprints)} 次，结算单 {close.slip_count} 张"
    )
    if close.gaps:
        print(f"注意：结算单号缺号 {len(close.gaps)} 个：{'、'.join(close.gaps)}")
    return 0


def _ever_worked(store, name: str) -> bool:
    """Whether ``name`` has an account or anything on the audit trail (a typed name that has
    neither would print an empty close, read as a day with nothing done)."""
    from sqlalchemy import select

    from db.models import AuditEvent
    from db.security_models import ClerkAccount

    with store.read() as session:
        return (
            session.scalar(select(ClerkAccount.name).where(ClerkAccount.name == name)) is not None
            or session.scalar(select(AuditEvent.id).where(AuditEvent.clerk == name).limit(1))
            is not None
        )
