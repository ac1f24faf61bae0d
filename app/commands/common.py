"""Options shared by several subcommands."""

import argparse


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH或URL",
        help="数据库：SQLite 文件路径或 postgresql://… 地址（默认：用户数据目录中的 SQLite 文件）",
    )
