"""``claims list|show|approve|batch|batch-file|paid|receipt|year-end``: claims paid after
discharge (事后报销) from the command line, through the same desk as the window."""

import argparse
import sys
from pathlib import Path

from app.commands.common import add_db_option
from app.commands.signin import add_account_options, add_password_stdin_option

STATUSES = ("received", "approved", "returned", "batched", "paid")


def register(subparsers) -> None:
    claims = subparsers.add_parser("claims", help="事后报销：受理队列、审核、代发清单、银行回执")
    actions = claims.add_subparsers(dest="action", metavar="操作", required=True)

    listing = actions.add_parser("list", help="按到期日列出事后报销（逾期在前）")
    listing.add_argument(
        "--status",
        type=_status,
        choices=STATUSES,
        metavar="状态",
        help="只列出此状态：英文代码或列表上的中文名称（如 paid 或 已支付）",
    )
    listing.add_argument("--due", action="store_true", help="只列出今天到期和已逾期的")
    add_db_option(listing)
    listing.set_defaults(func=run_list)

    show = actions.add_parser("show", help="显示一笔事后报销：金额、计算步骤、材料、经过")
    show.add_argument("number", help="报销单号")
    add_db_option(show)
    show.set_defaults(func=run_show)

    approve = actions.add_parser("approve", help="主管审核通过（或 --return 退回）")
    approve.add_argument("number", help="报销单号")
    approve.add_argument("--user", required=True, help="审核的主管（须输入密码）")
    approve.add_argument("--return", dest="return_reason", metavar="理由", help="退回并写明理由")
    add_password_stdin_option(approve)
    add_db_option(approve)
    approve.set_defaults(func=run_approve)

    batch = actions.add_parser("batch", help="把已审核的报销列入代发清单，写出 XLSX 和 CSV")
    batch.add_argument("--to", required=True, type=Path, metavar="DIR", help="目标文件夹")
    batch.add_argument("--claim", action="append", metavar="报销单号", help="只列这几笔（可重复）")
    _signed(batch)
    add_db_option(batch)
    batch.set_defaults(func=run_batch)

    again = actions.add_parser(
        "batch-file", help="把已生成的代发清单再写出一次（上次写出失败时用）"
    )
    again.add_argument("batch", help="代发清单编号")
    again.add_argument("--to", required=True, type=Path, metavar="DIR", help="目标文件夹")
    _signed(again)
    add_db_option(again)
    again.set_defaults(func=run_batch_file)

    paid = actions.add_parser("paid", help="登记银行回执：从银行文件，或逐笔")
    paid.add_argument("batch", help="代发清单编号")
    paid.add_argument("--file", type=Path, help="银行回执 CSV（列：报销单号, 结果, 失败原因）")
    paid.add_argument("--claim", metavar="报销单号", help="逐笔登记的报销单号")
    paid.add_argument("--failed", metavar="原因", help="该笔支付失败及原因（不给则为成功）")
    _signed(paid)
    add_db_option(paid)
    paid.set_defaults(func=run_paid)

    receipt = actions.add_parser("receipt", help="打印受理回执（PDF）")
    receipt.add_argument("number", help="报销单号")
    receipt.add_argument("--out", required=True, type=Path, help="PDF 文件")
    add_db_option(receipt)
    receipt.set_defaults(func=run_receipt)

    year_end = actions.add_parser("year-end", help="年底统一救助：生成报销并打印公示名单")
    year_end.add_argument("--year", required=True, type=int)
    year_end.add_argument("--policy", required=True, help="政策编号")
    year_end.add_argument("--out", required=True, type=Path, help="公示名单 PDF")
    _signed(year_end)
    add_db_option(year_end)
    year_end.set_defaults(func=run_year_end)


def _status(text: str) -> str:
    """A status by its code or by the Chinese name the lists show (已支付 → paid)."""
    from app.services.paid_later import STATUS_NAMES

    by_name = {name: code for code, name in STATUS_NAMES.items()}
    return by_name.get(text.strip(), text.strip())


def _signed(parser: argparse.ArgumentParser) -> None:
    """A data-changing action runs as a signed-in account (``--user`` / ``--credentials``)."""
    add_account_options(parser)
    # --clerk, the older name: now the account that signs in, never a name taken on trust.
    parser.add_argument("--clerk", dest="user", help=argparse.SUPPRESS)


def _signed_run(args, work, doing: str) -> int:
    """``work`` on the desk signed in as ``--user`` (a store with no account yet: as the
    name given, or "system")."""
    from app.commands.signin import open_checked, signed_desk

    store = open_checked(getattr(args, "db", None))
    if store is None:
        return 3
    desk = signed_desk(store, args, "clerk", doing, clerk=args.user or "system")
    if desk is None:
        store.close()
        return args.refused
    return _run(args, work, desk=desk)


def _desk(args: argparse.Namespace, clerk: str = "system"):
    from app.commands.signin import open_checked
    from app.desk import Desk

    store = open_checked(getattr(args, "db", None))
    if store is None:
        return None
    return Desk(store, str(getattr(args, "db", "")), clerk)


def _run(args, work, clerk: str = "system", desk=None) -> int:
    from app.bundle.safe_write import TargetError
    from app.errors import FieldError

    desk = desk or _desk(args, clerk)
    if desk is None:
        return 3
    try:
        return work(desk)
    except FieldError as exc:
        print(f"拒绝：{exc}", file=sys.stderr)
        return 2
    except TargetError as exc:  # a BatchFileError too: the batch exists, write it again
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        desk.close()


def _line(row) -> str:
    due = f"{row.due:%Y-%m-%d}" if row.due else "—"
    mark = {"overdue": "【逾期】", "today": "【今日到期】"}.get(row.due_state, "")
    return (
        f"{row.claim_number}  {row.status_name}  {mark}{due}  {row.name}  {row.kind_name}  "
        f"{row.hospital}  {row.payable}"
    )


def run_list(args: argparse.Namespace) -> int:
    def work(desk) -> int:
        rows = desk.claim_queue(args.status)
        if args.due:
            rows = [row for row in rows if row.due_state]
        today, overdue = desk.claims_due()
        print(f"今日到期 {today} 笔，已逾期 {overdue} 笔")
        for row in rows:
            print(_line(row))
        return 0

    return _run(args, work)


def run_show(args: argparse.Namespace) -> int:
    def work(desk) -> int:
        detail = desk.claim_detail(args.number)
        row = detail.row
        print(_line(row))
        print(
            f"住院：{row.admitted_on:%Y-%m-%d} 至 {row.discharged_on:%Y-%m-%d}  账户：{row.account}"
        )
        if row.return_reason:
            print(f"退回理由：{row.return_reason}")
        for title, items in (
            ("计算", detail.steps),
            ("材料", detail.materials),
            ("代发", detail.batches),
            ("经过", detail.history),
        ):
            if items:
                print(f"{title}：")
                for item in items:
                    print(f"  {item}")
        return 0

    return _run(args, work)


def run_approve(args: argparse.Namespace) -> int:
    from app.commands.signin import open_checked, signed_desk

    store = open_checked(args.db if "db" in args else None)
    if store is None:
        return 3
    # The review is checked on the supervisor's signed-in session (a store in setup mode has
    # no one to ask, and records the name given).
    desk = signed_desk(store, args, "supervisor", "审核事后报销", clerk=args.user)
    if desk is None:
        store.close()
        return 2

    def work(desk) -> int:
        row = desk.review_claim(
            args.number, approve=args.return_reason is None, reason=args.return_reason
        )
        print(f"{row.claim_number}：{row.status_name}")
        return 0

    return _run(args, work, desk=desk)


# --- the batch's files --------------------------------------------------------------------
# How to write an existing batch again, as each front end says it.
AGAIN_ON_COMMAND_LINE = "onestop-cli claims batch-file {number} --to 文件夹 --user 账户名"


def run_batch(args: argparse.Namespace) -> int:
    def work(desk) -> int:
        desk.check_batch_folder(args.to)
        batch = desk.make_batch(args.claim)
        path = desk.write_batch_file(batch.batch_number, args.to, AGAIN_ON_COMMAND_LINE)
        print(f"代发清单 {batch.batch_number}：{batch.count} 笔，合计 {batch.total} 元 → {path}")
        return 0

    return _signed_run(args, work, "生成代发清单")


def run_batch_file(args: argparse.Namespace) -> int:
    def work(desk) -> int:
        batch = desk.batch(args.batch)
        path = desk.write_batch_file(batch.batch_number, args.to, AGAIN_ON_COMMAND_LINE)
        print(f"代发清单 {batch.batch_number}：{batch.count} 笔，合计 {batch.total} 元 → {path}")
        return 0

    return _signed_run(args, work, "重写代发清单")


def run_paid(args: argparse.Namespace) -> int:
    from app.services.paid_later import BankResult

    if (args.file is None) == (args.claim is None):
        print("请给出 --file（银行回执文件）或 --claim（逐笔登记）之一", file=sys.stderr)
        return 2

    def work(desk) -> int:
        if args.file is not None:
            batch = desk.mark_bank_file(args.batch, args.file)
        else:
            result = BankResult(args.claim, args.failed is None, args.failed)
            batch = desk.mark_bank_results(args.batch, [result])
        for number, name, amount, result, reason in batch.lines:
            print(f"{number}  {name}  {amount}  {result}  {reason}".rstrip())
        return 0

    return _signed_run(args, work, "登记银行回执")


def run_receipt(args: argparse.Namespace) -> int:
    def work(desk) -> int:
        args.out.write_bytes(desk.receipt_pdf(args.number))
        print(f"受理回执已写出：{args.out}")
        return 0

    return _run(args, work)


def run_year_end(args: argparse.Namespace) -> int:
    from app.bundle.safe_write import failure_reason
    from app.dates import EARLIEST, LATEST
    from app.fonts import MissingGlyphError

    if not EARLIEST.year <= args.year <= LATEST.year:
        print(f"拒绝：年度：应为 {EARLIEST.year}—{LATEST.year} 年，如 2026", file=sys.stderr)
        return 2
    # The claims are made (and leave the queue of stays) before the list is written: a list
    # that cannot be written is found out first.
    problem = _out_folder_problem(args.out)
    if problem:
        print(
            f"拒绝：公示名单 {args.out}：{problem}。未生成年底救助，处理后可直接重试",
            file=sys.stderr,
        )
        return 2

    def work(desk) -> int:
        from app.paths import write_whole

        made = desk.year_end_claims(args.policy, args.year)
        try:
            write_whole(args.out, desk.publicity_pdf(args.policy, args.year))
        except (OSError, MissingGlyphError) as exc:
            reason = failure_reason(exc) if isinstance(exc, OSError) else exc
            again = (
                f"onestop-cli claims year-end --year {args.year} --policy {args.policy} "
                "--out 文件 --user 账户名"
            )
            print(
                f"年底救助已生成 {len(made)} 笔（已保存），但公示名单未能写出：{reason}。"
                f"处理后请再运行一次（不会重复生成，只写出名单）：{again}",
                file=sys.stderr,
            )
            return 1
        print(f"新生成年底救助 {len(made)} 笔；公示名单：{args.out}")
        return 0

    return _signed_run(args, work, "生成年底救助")


def _out_folder_problem(out: Path) -> str | None:
    """Why a file cannot be written at ``out``, or None."""
    from app.paths import cannot_write_in

    folder = out.parent
    if out.is_dir():
        return "这是一个文件夹，请给出文件名，如 公示名单.pdf"
    if not folder.is_dir():
        return f"文件夹 {folder} 不存在或已断开（U盘是否已拔出？共享盘是否断开？）"
    reason = cannot_write_in(folder, ".公示名单写入检查-")
    return None if reason is None else f"文件夹 {folder} 不能写入：{reason}"
