"""``export-bundle``, ``verify-bundle`` and ``year-end-list``: claims for the bureau."""

import argparse
import sys
from pathlib import Path

from app.commands.common import add_db_option
from app.commands.signin import add_account_options, add_password_file_option, bureau_password


def register(subparsers) -> None:
    export = subparsers.add_parser(
        "export-bundle", help="导出一个申报期的申报包（报表+结算单+扫描件）"
    )
    export.add_argument(
        "--period", required=True, help="申报期：季度如 2026Q3，按月的政策如 2026-07"
    )
    export.add_argument(
        "--to", required=True, type=Path, metavar="DIR", help="目标文件夹（U盘或共享盘）"
    )
    export.add_argument("--policy", help="政策编号（默认：本院默认政策）")
    export.add_argument("--site", metavar="CODE", help="站点代码（一院多站点时；默认：当前站点）")
    export.add_argument("--zip", action="store_true", help="写成一个 ZIP 文件（默认：文件夹）")
    add_account_options(export)
    # --clerk, the older name: now the account that signs in, never a name taken on trust.
    export.add_argument("--clerk", dest="user", help=argparse.SUPPRESS)
    export.add_argument(
        "--encrypt", action="store_true", help="用医保局持有的密码加密，写成 <申报包>.zip.enc"
    )
    add_password_file_option(export)
    add_db_option(export)
    export.set_defaults(func=run_export)

    verify = subparsers.add_parser("verify-bundle", help="校验申报包：清单、哈希、合计")
    verify.add_argument("path", type=Path)
    add_password_file_option(verify)
    verify.set_defaults(func=run_verify)

    year_end = subparsers.add_parser("year-end-list", help="导出年底统一救助名单（XLSX）")
    year_end.add_argument("--year", required=True, type=int)
    year_end.add_argument("--out", required=True, type=Path)
    year_end.add_argument("--policy", help="政策编号（默认：本院默认政策）")
    add_db_option(year_end)
    year_end.set_defaults(func=run_year_end)


def run_export(args: argparse.Namespace) -> int:
    from app.bundle.safe_write import TargetError, failure_reason
    from app.commands.signin import open_checked, signed_desk
    from app.encryption import EncryptionError
    from app.services import ServiceError
    from app.services.access import CLERK
    from app.vocabulary import FUND_NAMES

    store = open_checked(args.db)
    if store is None:
        return 3
    # The same application layer as the window's 导出申报包, as the signed-in account.
    desk = signed_desk(store, args, CLERK, "导出申报包", clerk="system")
    if desk is None:
        store.close()
        return args.refused
    password = None
    if args.encrypt:
        password = bureau_password(args, confirm=True)
        if password is None:
            store.close()
            return 2
    try:
        report = desk.export_bundle(
            args.period,
            args.to,
            args.policy,
            args.zip,
            password,
            site=args.site,
            progress=progress_line(sys.stderr),
        )
    except (ServiceError, TargetError, EncryptionError) as exc:
        print(f"导出失败：{exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the data folder's slip archive could not be written
        print(f"导出失败：结算单存档写入失败（{failure_reason(exc)}）", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"申报包已写入并校验：{report.path}")
    print(
        f"申报期 {report.period.label}：结算 {report.cases} 笔（其中作废 {report.voided} 笔，不计入合计），"
        f"救助合计 {report.totals.sums['assistance']} 元，医院垫付（申报）{report.totals.sums['advanced']} 元"
    )
    for fund, amount in report.totals.by_fund.items():
        print(f"  其中向{FUND_NAMES[fund]}申报 {amount} 元")
    if report.totals.sums["hospital_reduction"]:
        print(f"  医院减免 {report.totals.sums['hospital_reduction']} 元（医院自担，不申报）")
    if report.previous == "same":
        print("与此前导出的同期申报包内容完全相同。")
    elif report.previous == "changed":
        print("与此前导出的同期申报包相比有变化：")
        for change in report.changes:
            print(f"  {change}")
    for warning in report.warnings:
        print(f"提醒：{warning}", file=sys.stderr)
    return 0


def progress_line(stream):
    """A progress callback that keeps one line up to date on ``stream`` (a terminal), e.g.
    ``正在写入并校验：已完成 60%，预计还需 3 秒``; None when ``stream`` is not a terminal
    (a log file or a pipe gets only the outcome)."""
    from unicodedata import east_asian_width

    if not stream.isatty():
        return None
    width = [0]

    def show(progress) -> None:
        line = progress.describe()
        # Chinese characters take two columns: pad over what the longer last line left.
        columns = sum(2 if east_asian_width(c) in "WF" else 1 for c in line)
        stream.write("\r" + line + " " * max(0, width[0] - columns))
        width[0] = columns
        if progress.done >= progress.total:
            stream.write("\n")
        stream.flush()

    return show


def run_verify(args: argparse.Namespace) -> int:
    from app.bundle.manifest import verify_bundle
    from app.bundle.safe_write import staging_problem
    from app.encryption import is_encrypted

    problem = staging_problem(args.path)
    if problem is not None:
        print(f"校验未通过：{problem}", file=sys.stderr)
        return 1
    password = None
    if is_encrypted(args.path):
        password = bureau_password(args)
        if password is None:
            return 2
    result = verify_bundle(args.path, password)
    if result.ok:
        print(f"校验通过：{result.files_checked} 个文件与清单一致，报表合计与清单一致。")
        return 0
    print(f"校验未通过（{len(result.problems)} 处问题）：", file=sys.stderr)
    for problem in result.problems:
        print(f"  {problem}", file=sys.stderr)
    return 1


def run_year_end(args: argparse.Namespace) -> int:
    from app.bundle.year_end import year_end_cases, year_end_xlsx
    from app.commands.signin import open_checked
    from app.services import ServiceError, current_site

    store = open_checked(args.db)
    if store is None:
        return 3
    try:
        with store.read() as session:
            site = current_site(session)
        cases = year_end_cases(store, site.code, args.policy or site.default_policy, args.year)
    except ServiceError as exc:
        print(f"导出失败：{exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    args.out.write_bytes(year_end_xlsx(cases, args.year))
    print(f"年底救助名单：{args.out}（{len(cases)} 人次）")
    return 0
