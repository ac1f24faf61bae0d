"""``python -m app settle``: the public contract for hospital systems.

Reads one claim as JSON (``--input FILE`` or stdin), writes the result JSON to stdout, exit 0.
Invalid input: exit 2, nothing on stdout, a Chinese message naming the field on stderr.

The claim's policy file is checked against the list an administrator approved
(``python -m app policy approve``), read from the store the other commands use: ``--db``, else
``$ONESTOP_DB``, else ``database.txt``, else the SQLite file in the user's data folder. A file
changed since approval: exit 2, nothing on stdout, the file and what changed on stderr. No
check is made when no database is named or configured and the default file does not exist, or
when nothing has been approved in it yet: the result is then as before approvals existed. A
database that is named or configured but cannot be used: exit 3, as in the other commands.
"""

import argparse
import json
import sys

from app.commands.common import add_db_option

EXIT_INVALID = 2
EXIT_STORE = 3
_NOT_OPENED = object()


def register(subparsers) -> None:
    parser = subparsers.add_parser("settle", help="计算一笔救助（JSON 输入/输出）")
    parser.add_argument("--input", metavar="FILE", help="claim JSON 文件（默认读标准输入）")
    add_db_option(parser)
    parser.set_defaults(func=run)


NOT_UTF8 = "输入不是 UTF-8 编码（可能是 GBK），请另存为 UTF-8 后重试"


def _read(source: str | None) -> str:
    """The claim's text, from the file or stdin, as bytes decoded here: a BOM (Windows
    Notepad's UTF-8) is skipped, and text in another encoding is ``ValueError(NOT_UTF8)``."""
    if source is None:
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    else:
        with open(source, "rb") as handle:
            data = handle.read()
    if isinstance(data, str):  # a stdin replaced by text (tests, embedding callers)
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(NOT_UTF8) from None


def _approved(db: str | None) -> object:
    """The approved list (None when there is none), or ``_NOT_OPENED`` after saying why."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.paths import database_target, default_db_path
    from app.services.policy_hashes import read_approved
    from app.store_guard import StoreRefused, open_existing

    target = database_target(db)
    if db is None and target == str(default_db_path()) and not default_db_path().exists():
        return None  # a machine without a window's database: nothing was ever approved here
    try:
        # The full integrity check is the window's and the writing commands': settle only
        # reads one setting, and a hospital system calls it for every claim.
        store = open_existing(target, integrity=False)
        try:
            return read_approved(store)
        finally:
            store.close()
    except StoreRefused as exc:
        problem = str(exc)
    except SQLAlchemyError as exc:
        problem = f"无法打开数据库 {target}：{exc.__class__.__name__}：{exc}"
    print(f"无法读取政策核准清单，未结算：{problem}", file=sys.stderr)
    return _NOT_OPENED


def run(args: argparse.Namespace) -> int:
    from app.policy import PolicyLoadError, load_policies
    from app.services.errors import ServiceError
    from app.services.policy_hashes import check_against
    from app.settlement import ClaimError, read_claim_json, settle_json

    try:
        text = _read(args.input)
    except OSError as exc:
        from app.paths import why_unreadable

        print(f"输入错误：无法读取 {args.input}：{why_unreadable(exc)}", file=sys.stderr)
        return EXIT_INVALID
    except ValueError as exc:
        where = "标准输入" if args.input is None else args.input
        print(f"输入错误：{where}：{exc}", file=sys.stderr)
        return EXIT_INVALID
    try:
        data = read_claim_json(text)
    except ClaimError as exc:
        print(f"输入错误：{exc}", file=sys.stderr)
        return EXIT_INVALID
    try:
        policies = load_policies()
    except PolicyLoadError as exc:
        print(f"政策文件有误，无法结算：\n{exc}", file=sys.stderr)
        return 1
    approved = _approved(args.db)
    if approved is _NOT_OPENED:
        return EXIT_STORE
    try:
        result = settle_json(data, policies, lambda loaded: check_against(approved, loaded))
    except ClaimError as exc:
        print(f"输入错误：{exc}", file=sys.stderr)
        return EXIT_INVALID
    except ServiceError as exc:
        print(f"拒绝结算：{exc}", file=sys.stderr)
        return EXIT_INVALID
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
