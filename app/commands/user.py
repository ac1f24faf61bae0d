"""``python -m app user add|list|unlock|passwd``: clerk accounts from the command line.

The first ``user add`` on a database creates its administrator; after that ``--admin NAME``
signs an administrator in first (their password is asked before the new one).
"""

import argparse

from app.commands.common import add_db_option
from app.commands.signin import add_password_stdin_option, ask_password, fail, open_checked


def register(subparsers) -> None:
    parser = subparsers.add_parser("user", help="管理经办员、主管、管理员账户")
    actions = parser.add_subparsers(dest="user_action", metavar="操作", required=True)

    add = actions.add_parser("add", help="新建账户（首个账户为管理员）")
    add.add_argument("name", metavar="用户名")
    add.add_argument(
        "--role", required=True, choices=("clerk", "supervisor", "administrator"), help="角色"
    )
    add.add_argument("--admin", metavar="管理员", help="操作的管理员（首个账户不需要）")
    add_password_stdin_option(add)
    add_db_option(add)
    add.set_defaults(func=run_add)

    listing = actions.add_parser("list", help="列出账户")
    add_db_option(listing)
    listing.set_defaults(func=run_list)

    unlock = actions.add_parser("unlock", help="解除账户锁定")
    unlock.add_argument("name", metavar="用户名")
    unlock.add_argument("--admin", required=True, metavar="管理员")
    add_password_stdin_option(unlock)
    add_db_option(unlock)
    unlock.set_defaults(func=run_unlock)

    passwd = actions.add_parser("passwd", help="修改自己的密码；或由管理员（--admin）重置他人密码")
    passwd.add_argument("name", metavar="用户名")
    passwd.add_argument("--admin", metavar="管理员", help="重置他人密码的管理员")
    add_password_stdin_option(passwd)
    add_db_option(passwd)
    passwd.set_defaults(func=run_passwd)


def _admin(store, args, doing):
    from app.accounts.roles import ADMINISTRATOR
    from app.commands.signin import sign_in

    return sign_in(store, args, args.admin, ADMINISTRATOR, doing)


def run_add(args: argparse.Namespace) -> int:
    from app.accounts.service import create_user, needs_first_administrator
    from app.services import ServiceError

    store = open_checked(args.db)
    if store is None:
        return 3
    try:
        actor = None
        if not needs_first_administrator(store):
            if not args.admin:
                return fail("已有管理员：请用 --admin 指定操作的管理员", 2)
            actor = _admin(store, args, "管理账户")
            if actor is None:
                return 1
        password = ask_password(args, f"{args.name} 的新密码：", confirm=True)
        if password is None:
            return 1
        info = create_user(store, actor, args.name, args.role, password)
    except ServiceError as exc:
        return fail(str(exc))
    finally:
        store.close()
    first = "（首次登录须修改密码）" if info.must_change_password else ""
    print(f"已新建账户 {info.name}，角色：{_role_name(info.role)}{first}")
    return 0


def _role_name(role: str) -> str:
    from app.accounts.roles import ROLE_NAMES

    return ROLE_NAMES.get(role, role)


def run_list(args: argparse.Namespace) -> int:
    from datetime import datetime

    from app.accounts.service import list_users

    store = open_checked(args.db)
    if store is None:
        return 3
    try:
        users = list_users(store)
    finally:
        store.close()
    if not users:
        print("还没有账户：请先用 python -m app user add 用户名 --role administrator 新建管理员")
        return 0
    now = datetime.now()
    for user in users:
        state = []
        if not user.active:
            state.append("已停用")
        if user.locked_at(now):
            state.append(f"锁定至 {user.locked_until:%H:%M}")
        if user.must_change_password:
            state.append("须修改初始密码")
        last = f"{user.last_login_at:%Y-%m-%d %H:%M}" if user.last_login_at else "从未登录"
        print(f"{user.name}\t{_role_name(user.role)}\t最近登录 {last}\t{'，'.join(state)}")
    return 0


def run_unlock(args: argparse.Namespace) -> int:
    from app.accounts.service import unlock
    from app.services import ServiceError

    store = open_checked(args.db)
    if store is None:
        return 3
    try:
        admin = _admin(store, args, "解锁账户")
        if admin is None:
            return 1
        unlock(store, admin, args.name)
    except ServiceError as exc:
        return fail(str(exc))
    finally:
        store.close()
    print(f"已解锁账户 {args.name}")
    return 0


def run_passwd(args: argparse.Namespace) -> int:
    from app.accounts.service import change_password, reset_password
    from app.services import ServiceError

    store = open_checked(args.db)
    if store is None:
        return 3
    try:
        if args.admin:
            admin = _admin(store, args, "重置密码")
            if admin is None:
                return 1
            password = ask_password(args, f"{args.name} 的新密码：", confirm=True)
            if password is None:
                return 1
            reset_password(store, admin, args.name, password)
            print(f"已重置 {args.name} 的密码，其下次登录须修改密码")
            return 0
        old = ask_password(args, f"{args.name} 的原密码：")
        new = None if old is None else ask_password(args, "新密码：", confirm=True)
        if new is None:
            return 1
        change_password(store, args.name, old, new)
    except ServiceError as exc:
        return fail(str(exc))
    finally:
        store.close()
    print(f"已修改 {args.name} 的密码")
    return 0
