"""``python -m app what-if``: the year settled again under a draft policy file (read only)."""

import argparse
from pathlib import Path

from app.commands.common import add_db_option


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "what-if", help="测算：按政策草案重算一年的全部结算（不改动数据库）"
    )
    parser.add_argument(
        "--policy-file", required=True, type=Path, metavar="DRAFT.toml",
        help="政策草案文件（政策编号与现行政策相同，如 lanxi）",
    )  # fmt: skip
    parser.add_argument("--year", required=True, type=int, help="测算年度，如 2026")
    parser.add_argument("--site", metavar="CODE", help="只算这一站点（默认：全部站点）")
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="写出 what-if.xlsx 和 what-if.pdf 的文件夹"
    )
    add_db_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.commands.signin import fail, open_checked
    from app.policy import PolicyLoadError
    from app.policy.loader import load_draft_file
    from app.whatif import replay_year, summary_lines, write_reports

    try:
        draft = load_draft_file(args.policy_file)
    except PolicyLoadError as exc:
        return fail(f"政策草案文件有误：{exc}", 2)
    except OSError as exc:
        return fail(f"读不到政策草案文件 {args.policy_file}：{exc.strerror or exc}", 2)
    if args.out is not None and not args.out.is_dir():
        return fail(f"--out：文件夹不存在：{args.out}", 2)
    store = open_checked(args.db)
    if store is None:
        return 3
    try:
        run_ = replay_year(store, draft, args.year, args.site)
    finally:
        store.close()
    if not run_.cases:
        return fail(f"{args.year} 年没有政策“{draft.id}”下的结算，无可测算", 1)
    print("\n".join(summary_lines(run_)))
    if args.out is not None:
        xlsx, pdf = write_reports(run_, args.out)
        print(f"已写出：{xlsx}、{pdf}")
    return 0
