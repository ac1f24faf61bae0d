"""``python -m app import-insurance FILE [--date D] [--differences]``: the insurance platform's
settlement file imported for a day (all or nothing), what matched an open admission and what did
not; ``--differences`` lists the day's 医疗救助 (and other fund) differences from our settlements.
"""

import argparse
import sys
from datetime import date
from pathlib import Path

from app.commands.common import add_db_option, date_argument
from app.commands.signin import add_account_options

EXIT_REFUSED = 2
EXIT_STORE = 3


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import-insurance",
        help="导入医保平台结算结果（JSON/CSV），按住院号或身份证号匹配在院病人",
    )
    parser.add_argument(
        "file", nargs="?", type=Path, metavar="FILE", help="医保结算文件（setlinfo/setldetail）"
    )
    parser.add_argument(
        "--date", type=date_argument, metavar="YYYY-MM-DD", help="所属日期（默认：今天）"
    )
    parser.add_argument(
        "--differences",
        action="store_true",
        help="列出当日导入的医保平台救助金额与本院结算的差异（≥0.01 元标出）",
    )
    add_account_options(parser)
    # --clerk, as first written: now the account that signs in, never a name taken on trust.
    parser.add_argument("--clerk", dest="user", help=argparse.SUPPRESS)
    add_db_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.commands.signin import open_checked, signed_desk
    from app.errors import FieldError
    from app.services.access import CLERK

    if args.file is None and not args.differences:
        print("请给出医保结算文件，或用 --differences 列出当日差异", file=sys.stderr)
        return EXIT_REFUSED
    day = args.date or date.today()
    store = open_checked(args.db)
    if store is None:
        return EXIT_STORE
    if args.file is not None:  # importing writes: as a signed-in account
        desk = signed_desk(store, args, CLERK, "导入医保结算", clerk="system")
    else:
        from app.desk import Desk

        desk = Desk(store, str(args.db or ""), "system")
    if desk is None:
        store.close()
        return args.refused
    try:
        if args.file is not None:
            try:
                report = desk.import_insurance(args.file, day)
            except FieldError as exc:
                print(f"导入失败：{exc}", file=sys.stderr)
                return EXIT_REFUSED
            _print_report(report)
        if args.differences:
            return _print_differences(desk.insurance_differences(day), day)
    finally:
        store.close()
    return 0


def _print_report(report) -> None:
    from app.errors import FIELD_NAMES

    print(f"{report.day} 已导入 {len(report.matched)} 条，未匹配 {len(report.unmatched)} 条")
    for row in report.matched:
        amounts = "，".join(f"{FIELD_NAMES[key]} {value}" for key, value in row.amounts.items())
        print(f"  第{row.line}行 → 住院号 {row.admission_number} {row.name}：{amounts}")
    for row in report.unmatched:
        print(f"  未匹配 {row.label}：{row.reason}")


def _print_differences(found, day: date) -> int:
    print(f"{day} 医保平台已付与本院计算的对照（{len(found)} 笔住院）")
    differing = 0
    for item in found:
        head = f"  住院号 {item.admission_number} {item.name}"
        if not item.slip_number:
            print(f"{head}：尚未结算")
            continue
        if not item.funds:
            print(f"{head}（结算单 {item.slip_number}）：医保平台未支付救助类基金")
            continue
        for fund in item.funds:
            mark = "【差异】" if fund.differs else ""
            print(f"{head}（结算单 {item.slip_number}）：{mark}{fund.sentence()}")
        differing += item.differs
    print(f"有差异 {differing} 笔")
    return 0
