"""Who may do what: the three roles, and the check services make inside their transaction.

A service that voids a settlement or lets one through with papers missing checks, in the same
transaction, that the name it was given is an active account with a high enough role. A
database with no accounts at all (a new install before its first administrator, the demo, the
store tests) is in setup mode and is not checked; the first account created ends that mode.
"""

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.services.errors import ServiceError
from db.security_models import ClerkAccount

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


def check_role(session: Session, name: str, needed: str, *, doing: str, field: str) -> None:
    """Refuse unless ``name`` is an active account whose role allows ``needed``.

    ``doing`` is the action in words for the message (e.g. "作废结算"); ``field`` the input
    that named the person (e.g. ``"clerk"``, ``"supervisor"``).
    """
    if not accounts_exist(session):
        return
    account = session.get(ClerkAccount, (name or "").strip())
    if account is None or not account.active:
        raise AccessDenied(field, f"“{name}”不是本系统的有效账户，不能{doing}")
    if not role_allows(account.role, needed):
        raise AccessDenied(
            field,
            f"{doing}须由{ROLE_NAMES[needed]}操作，{account.name} 是{ROLE_NAMES[account.role]}",
        )
