"""``python -m app demo [--db PATH]``: create a demo database, or refresh one.

Creating one is this command's explicit choice: a missing file becomes a new store marked as a
demo (sync never sends from it). An existing file is checked like every command's."""

import argparse
import sys

from app.commands.common import add_db_option


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo", help="创建或刷新演示数据库（虚构人员、住院与结算）")
    add_db_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.commands.signin import open_checked
    from app.demo import NotADemoDatabase, build_demo, create_demo_store
    from app.paths import database_target, sqlite_path
    from app.services import ServiceError

    target = database_target(args.db)
    path = sqlite_path(target)
    try:
        if path is not None and not path.exists():
            summary = create_demo_store(target)
            print(f"已新建数据库：{path}（演示数据库，不会同步到中心）")
        else:
            store = open_checked(target)
            if store is None:
                return 3
            try:
                print(store.migration.message)
                summary = build_demo(store)
            finally:
                store.close()
    except (NotADemoDatabase, ServiceError) as exc:
        print(f"演示数据未写入：{exc}", file=sys.stderr)
        return 1
    print(
        f"演示数据库：{target}\n人员 {summary.people} 人，已结算住院 {summary.admissions} 次，"
        f"结算单 {summary.settlements} 张（本次新增 {summary.created_settlements} 张）"
    )
    return 0
