"""What the account, audit, backup and policy commands share: reading passwords, signing in,
and refusing to work on a damaged database file. Not a command itself.

Passwords are asked at a getpass prompt (twice for a new one). With ``--password-stdin`` every
password the command would ask for is read instead as one line of standard input, in the order
it would ask (for scripts and tests).
"""

import argparse
import sys
from pathlib import Path


def add_password_file_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-file",
        type=Path,
        metavar="FILE",
        help="医保局加密密码所在的文件（第一行）；不给则在提示符下输入",
    )


def add_password_stdin_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="从标准输入逐行读取密码（按提示的先后顺序），供脚本使用",
    )


def fail(message: str, code: int = 1) -> int:
    print(message, file=sys.stderr)
    return code


def ask_password(args: argparse.Namespace, prompt: str, *, confirm: bool = False) -> str | None:
    """One password from stdin (``--password-stdin``) or the prompt; None after saying why."""
    if getattr(args, "password_stdin", False):
        line = sys.stdin.readline()
        if not line:
            fail(f"标准输入中没有{prompt.rstrip('：: ')}")
            return None
        return line.rstrip("\r\n")
    from getpass import getpass

    try:
        first = getpass(prompt)
        if confirm and getpass("再输入一次：") != first:
            fail("两次输入的密码不一致")
            return None
    except (EOFError, KeyboardInterrupt):
        fail(f"\n未输入{prompt.rstrip('：: ')}")
        return None
    return first


def bureau_password(args: argparse.Namespace, *, confirm: bool = False) -> str | None:
    """The bureau's encryption password: ``--password-file`` or the prompt."""
    from app.encryption import EncryptionError, read_password_file

    if args.password_file is not None:
        try:
            return read_password_file(args.password_file)
        except EncryptionError as exc:
            fail(str(exc), 2)
            return None
    return ask_password(args, "医保局加密密码：", confirm=confirm)


def open_checked(target: str | None):
    """The store, or None after printing why the database file cannot be used and the way out."""
    from app.backup import check_database
    from app.paths import database_target
    from db import open_store

    target = database_target(target)
    problem = check_database(target)
    if problem:
        fail(problem)
        return None
    return open_store(target)


def sign_in(store, args: argparse.Namespace, name: str, role: str, doing: str):
    """Sign ``name`` in with a password and check ``role``; None after saying why not."""
    from app.accounts.roles import AccessDenied, require
    from app.accounts.service import AccountError, login

    password = ask_password(args, f"{name} 的密码：")
    if password is None:
        return None
    try:
        user = login(store, name, password)
        require(user, role, doing)
    except (AccountError, AccessDenied) as exc:
        fail(str(exc))
        return None
    return user
