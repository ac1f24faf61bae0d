"""``python -m app demo [--db PATH]``: create or refresh a demo database."""

import argparse
import sys

from app.commands.common import add_db_option


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo", help="创建或刷新演示数据库（虚构人员、住院与结算）")
    add_db_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.demo import NotADemoDatabase, build_demo
    from app.paths import database_target
    from app.services import ServiceError
    from db import open_store

    target = database_target(args.db)
    store = open_store(target)
    try:
        print(store.migration.message)
        summary = build_demo(store)
    except (NotADemoDatabase, ServiceError) as exc:
        print(f"演示数据未写入：{exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(
        f"演示数据库：{target}\n人员 {summary.people} 人，已结算住院 {summary.admissions} 次，"
        f"结算单 {summary.settlements} 张（本次新增 {summary.created_settlements} 张）"
    )
    return 0
