"""``python -m app settings list|get KEY|set KEY VALUE``: the store-wide settings
(``app.services.settings``), the same ones the window's 设置 pages show.

``set`` on a database with accounts needs ``--user NAME`` with a role allowed to change the
option (their password is asked, or read with ``--password-stdin``); a secret (``sync.password``)
is asked after that password instead of given on the command line. A value that cannot be
used exits 2 with the option named in Chinese; setting a value it already has changes nothing.
"""

import argparse

from app.commands.common import add_db_option
from app.commands.signin import add_password_stdin_option, ask_password, fail, open_checked


def register(subparsers) -> None:
    parser = subparsers.add_parser("settings", help="本院设置：列出、查看、修改（修改记入审计）")
    actions = parser.add_subparsers(dest="settings_action", metavar="操作", required=True)

    listing = actions.add_parser("list", help="列出全部设置项、当前值和可修改的角色")
    add_db_option(listing)
    listing.set_defaults(func=run_list)

    get = actions.add_parser("get", help="显示一个设置项的值")
    get.add_argument("key", metavar="设置项")
    add_db_option(get)
    get.set_defaults(func=run_get)

    put = actions.add_parser("set", help="修改一个设置项")
    put.add_argument("key", metavar="设置项")
    put.add_argument("value", nargs="?", metavar="值", help="新值（密码类设置项不在此给出）")
    put.add_argument("--user", metavar="用户名", help="修改人（有账户时必填，角色须允许修改）")
    add_password_stdin_option(put)
    add_db_option(put)
    put.set_defaults(func=run_set)


def run_list(args: argparse.Namespace) -> int:
    from app.services.access import ROLE_NAMES
    from app.services.settings import OPTIONS, shown, values

    store = open_checked(args.db)
    if store is None:
        return 3
    try:
        current = values(store)
    finally:
        store.close()
    for key, option in OPTIONS.items():
        value = shown(option, current[key])
        print(f"{key}\t{option.label}\t{value}\t可修改：{ROLE_NAMES[option.role]}及以上")
    return 0


def run_get(args: argparse.Namespace) -> int:
    from app.services import ServiceError
    from app.services.settings import CHOICE, get, option, shown

    try:
        found = option(args.key)
    except ServiceError as exc:
        return fail(str(exc), 2)
    store = open_checked(args.db)
    if store is None:
        return 3
    try:
        value = get(store, found.key)
    finally:
        store.close()
    # A script reads the value itself: a choice's code, not its name.
    print(value if found.kind == CHOICE else shown(found, value))
    return 0


def run_set(args: argparse.Namespace) -> int:
    from app.commands.signin import sign_in
    from app.services import ServiceError
    from app.services.access import accounts_exist
    from app.services.settings import SECRET, get, option, parse, save, shown

    try:
        found = option(args.key)
        if found.kind != SECRET:
            if args.value is None:
                return fail(f"{found.label}：请给出新值", 2)
            value = parse(found, args.value)
    except ServiceError as exc:
        return fail(str(exc), 2)
    if found.kind == SECRET and args.value is not None:
        return fail(f"{found.label}：不在命令行中给出，请在提示时输入", 2)

    store = open_checked(args.db)
    if store is None:
        return 3
    try:
        if found.kind != SECRET and get(store, found.key) == value:
            print(f"{found.label}未改变：{shown(found, value)}")
            return 0
        with store.read() as session:
            signed = accounts_exist(session)
        who = "命令行"
        if signed:
            if not args.user:
                return fail(f"修改“{found.label}”须指定修改人：请用 --user", 2)
            user = sign_in(store, args, args.user, found.role, f"修改“{found.label}”")
            if user is None:
                return 1
            who = user
        if found.kind == SECRET:
            value = ask_password(args, f"{found.label}（留空则清除）：")
            if value is None:
                return 1
        try:
            changed = save(store, who, {found.key: value})
        except ServiceError as exc:
            return fail(str(exc), 2 if exc.field == found.key else 1)
    finally:
        store.close()
    if found.key in changed:
        old, new = changed[found.key]
        print(f"已修改{found.label}：{shown(found, old)} → {shown(found, new)}")
    else:
        print(f"{found.label}未改变")
    return 0
