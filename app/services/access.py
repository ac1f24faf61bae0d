"""Who may do what: the three roles, and the check services make inside their transaction.

A service that voids a settlement, lets one through with papers missing, changes a setting or
an account, or approves a policy file checks, in the same transaction, the session it was
given: a live sign-in (``app.services.sign_in_sessions``) of an active account with a high
enough role. A bare name, a made-up token, or a session signed out or run out is refused. A
database with no accounts at all (a new install before its first administrator, the demo, the
store tests) is in setup mode and is not checked: there a bare name is who acted. The first
account created ends that mode.
"""

from datetime import datetime
from typing import Protocol

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.services.errors import ServiceError
from app.services.sign_in_sessions import live_session
from db.security_models import ClerkAccount


class SignedIn(Protocol):
    """What a signed-in session shows a service (``app.accounts.service.UserSession``)."""

    @property
    def name(self) -> str: ...

    @property
    def token(self) -> str: ...


# Who acted: a signed-in session, or (setup mode only) a bare name.
Actor = SignedIn | str | None

CLERK, SUPERVISOR, ADMINISTRATOR = "clerk", "supervisor", "administrator"
# Each role may do everything the roles below it may.
ROLE_RANK = {CLERK: 1, SUPERVISOR: 2, ADMINISTRATOR: 3}
ROLE_NAMES = {CLERK: "经办员", SUPERVISOR: "主管", ADMINISTRATOR: "管理员"}


class AccessDenied(ServiceError):
    """The signed-in user's role does not allow the action (``field`` names who acted)."""


def role_allows(role: str, needed: str) -> bool:
    return ROLE_RANK.get(role, 0) >= ROLE_RANK[needed]


def accounts_exist(session: Session) -> bool:
    return bool(session.scalar(select(exists().where(ClerkAccount.name.is_not(None)))))


def actor_name(actor: Actor) -> str:
    """The name an action is recorded under: the session's account, or the bare name."""
    if actor is None:
        return ""
    return (actor if isinstance(actor, str) else actor.name).strip()


def check_role(
    session: Session,
    actor: Actor,
    needed: str,
    *,
    doing: str,
    field: str,
    now: datetime | None = None,
) -> str:
    """Refuse unless ``actor`` is a live signed-in session of an active account whose role
    allows ``needed``; returns the name to record. ``now`` is the clock sessions run out on.

    ``doing`` is the action in words for the message (e.g. "作废结算"); ``field`` the input
    that named the person (e.g. ``"clerk"``, ``"supervisor"``).
    """
    name = actor_name(actor)
    if not accounts_exist(session):
        return name
    token = None if isinstance(actor, str) else getattr(actor, "token", None)
    if not token:
        who = f"“{name}”" if name else "操作人"
        raise AccessDenied(field, f"{doing}须由已登录的账户操作：{who}未登录")
    live = live_session(session, token, now or datetime.now())
    if live is None or live.account_name != name:
        raise AccessDenied(
            field, f"{name} 的登录已失效（已退出、已过期或不是本人登录）：请重新登录后再{doing}"
        )
    account = session.get(ClerkAccount, live.account_name)
    if account is None or not account.active:
        raise AccessDenied(field, f"“{name}”不是本系统的有效账户，不能{doing}")
    if account.must_change_password:
        raise AccessDenied(field, f"{account.name} 须先修改初始密码，才能{doing}")
    if not role_allows(account.role, needed):
        raise AccessDenied(
            field,
            f"{doing}须由{ROLE_NAMES[needed]}操作，{account.name} 是{ROLE_NAMES[account.role]}",
        )
    return account.name
