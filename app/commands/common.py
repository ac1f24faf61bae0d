"""Options shared by several subcommands."""

import argparse


def add_db_option(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """``--db`` on the main parser (default None) and on each subcommand. A subcommand's own
    default is SUPPRESS so ``python -m app --db X demo`` keeps X instead of overwriting it."""
    parser.add_argument(
        "--db",
        default=None if top_level else argparse.SUPPRESS,
        metavar="PATH或URL",
        help="数据库：SQLite 文件路径或 postgresql://… 地址（默认：用户数据目录中的 SQLite 文件）",
    )


def date_argument(text: str):
    """A ``--date``-like option's value: ``YYYY-MM-DD`` read as everywhere else
    (``app.dates.parse_date``: no 20260510, no week dates, no year 1), said in Chinese."""
    from app.dates import DateError, parse_date

    try:
        return parse_date(text)
    except DateError as exc:
        raise argparse.ArgumentTypeError(exc.reason) from None
