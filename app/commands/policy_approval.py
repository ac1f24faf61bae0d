"""``python -m app policy approve`` and ``policy status``: the administrator's sign-off of the
policy files' SHA-256s, and what differs from it. Added to the ``policy`` command."""

import argparse

from app.commands.common import add_db_option
from app.commands.signin import add_password_stdin_option, fail, open_checked


def add_approval_actions(actions) -> None:
    approve = actions.add_parser("approve", help="管理员核准当前政策文件（记录其 SHA-256）")
    approve.add_argument("--admin", required=True, metavar="管理员")
    add_password_stdin_option(approve)
    add_db_option(approve)
    approve.set_defaults(func=run_approve)
    status = actions.add_parser("status", help="列出与核准清单不一致的政策文件")
    add_db_option(status)
    status.set_defaults(func=run_status)


def _load():
    from app.policy import PolicyLoadError, load_policies

    try:
        return load_policies()
    except PolicyLoadError as exc:
        fail(f"政策文件有误：\n{exc}")
        return None


def run_approve(args: argparse.Namespace) -> int:
    from app.accounts.roles import ADMINISTRATOR
    from app.commands.signin import sign_in
    from app.services import ServiceError
    from app.services.policy_hashes import approve_policies, policy_changes

    policies = _load()
    if policies is None:
        return 1
    store = open_checked(args.db)
    if store is None:
        return 3
    try:
        before = policy_changes(policies, store)
        admin = sign_in(store, args, args.admin, ADMINISTRATOR, "核准政策文件")
        if admin is None:
            return 1
        approve_policies(store, admin, policies)
    except ServiceError as exc:
        return fail(str(exc))
    finally:
        store.close()
    for loaded in sorted(policies.values(), key=lambda p: p.id):
        print(f"{loaded.id}\t{loaded.path.name}\t{loaded.sha256}")
    print(f"已核准 {len(policies)} 个政策文件（此前不一致 {len(before)} 个）")
    return 0


def run_status(args: argparse.Namespace) -> int:
    from app.services.policy_hashes import policy_changes

    policies = _load()
    if policies is None:
        return 1
    store = open_checked(args.db)
    if store is None:
        return 3
    try:
        changes = policy_changes(policies, store)
    finally:
        store.close()
    if not changes:
        print(f"{len(policies)} 个政策文件均与核准清单一致")
        return 0
    for change in changes:
        fail(f"{change.id}\t{change.path}\t{change.reason}")
    return 1
