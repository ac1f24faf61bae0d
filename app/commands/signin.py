"""What the account, audit, backup and policy commands share: reading passwords, signing in,
and refusing to work on a database file that is missing, empty or damaged. Not a command itself.

Passwords are asked at a getpass prompt (twice for a new one). With ``--password-stdin`` every
password the command would ask for is read instead as one line of standard input, in the order
it would ask (for scripts and tests).

A command that changes data runs as a signed-in account once the store has one
(``add_account_options``, ``signed_desk``): ``--user NAME`` and its password (asked, or from
standard input), or ``--credentials FILE`` for scheduled sync and backup: the name on the first
line, the password on the second, in a file only its owner can read. An unknown, disabled or
locked user, or a wrong password, is refused with the sign-in's one answer before anything is
written (the refused sign-in itself is audited, as at the window); the role is then checked by
the application layer on the signed-in account.
"""

import argparse
import os
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
    """The store, or None after printing why it cannot be used and the way out: a missing or
    empty file, another program's database, a damaged file, lost records (``app.store_guard``).
    """
    from app.store_guard import StoreRefused, open_existing

    try:
        return open_existing(target)
    except StoreRefused as exc:
        fail(str(exc))
        return None


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


def add_account_options(parser: argparse.ArgumentParser, *, stdin: bool = True) -> None:
    """``--user``, ``--credentials`` (and ``--password-stdin`` unless the command has it)."""
    parser.add_argument("--user", metavar="用户名", help="操作人（有账户时必填；密码在提示时输入）")
    parser.add_argument(
        "--credentials",
        type=Path,
        metavar="FILE",
        help="凭据文件：第一行用户名，第二行密码；须仅本人可读（chmod 600），供计划任务使用",
    )
    if stdin:
        add_password_stdin_option(parser)


def _credentials_file(path: Path) -> tuple[str, str] | None:
    """The name and password in ``path``; None after saying why it cannot be used."""
    try:
        found = path.stat()
    except OSError as exc:
        fail(f"凭据文件 {path}：{exc.strerror or exc}", 2)
        return None
    if os.name == "posix":
        if found.st_mode & 0o077:
            fail(
                f"凭据文件 {path} 其他人也能读取（权限 {found.st_mode & 0o777:o}）："
                f"请运行 chmod 600 {path}",
                2,
            )
            return None
        if found.st_uid != os.geteuid():
            fail(f"凭据文件 {path} 不属于当前用户，不能使用", 2)
            return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"凭据文件 {path}：{exc}", 2)
        return None
    if len(lines) < 2 or not lines[0].strip() or not lines[1]:
        fail(f"凭据文件 {path}：应为两行，第一行用户名，第二行密码", 2)
        return None
    return lines[0].strip(), lines[1]


def signed_desk(store, args: argparse.Namespace, role: str, doing: str, *, clerk: str):
    """The application layer as the account ``args`` name, its ``role`` checked there;
    None after saying why not (exit code in ``args.refused``: 2 for a usage error, 1 for a
    refusal). A store with no account yet (before the first administrator) runs as
    ``clerk``, as before accounts existed."""
    from app.accounts.roles import AccessDenied
    from app.accounts.service import AccountError
    from app.desk import Desk
    from app.services.access import accounts_exist

    desk = Desk(store, str(getattr(args, "db", None) or ""), clerk)
    with store.read() as session:
        if not accounts_exist(session):
            return desk
    args.refused = 2
    if getattr(args, "credentials", None) is not None:
        found = _credentials_file(args.credentials)
        if found is None:
            return None
        name, password = found
    elif getattr(args, "user", None):
        name = args.user
        password = ask_password(args, f"{name} 的密码：")
        if password is None:
            return None
    else:
        fail(f"{doing}须由已登录的账户操作：请用 --user 指定用户名（或 --credentials 凭据文件）")
        return None
    args.refused = 1
    try:
        user = desk.sign_in(name, password)
        if user.must_change_password:
            fail(
                f"{user.name} 须先修改初始密码（python -m app user passwd {user.name}），才能{doing}"
            )
            return None
        desk.act_as(role, doing)
    except (AccountError, AccessDenied) as exc:
        fail(str(exc))
        return None
    return desk
