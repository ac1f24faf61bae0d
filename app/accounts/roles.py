"""Role checks on a signed-in user, for the window to call before it offers an action.

Services check again inside their transaction (``app.services.access.check_role``): void and
override need a supervisor, site settings need a supervisor, accounts and policy approval
need an administrator.
"""

from app.services.access import (
    ADMINISTRATOR,
    CLERK,
    ROLE_NAMES,
    ROLE_RANK,
    SUPERVISOR,
    AccessDenied,
    role_allows,
)

__all__ = [
    "ADMINISTRATOR",
    "CLERK",
    "ROLE_NAMES",
    "ROLE_RANK",
    "SUPERVISOR",
    "AccessDenied",
    "require",
]


def require(user, role: str, doing: str = "此操作") -> None:
    """Raise ``AccessDenied`` unless ``user`` (a ``UserSession``) may act as ``role``.

    A user who still has to change the first password may do nothing else.
    """
    if user is None:
        raise AccessDenied("clerk", f"{doing}须先登录")
    if user.must_change_password:
        raise AccessDenied("clerk", f"{user.name} 须先修改初始密码，才能{doing}")
    if not role_allows(user.role, role):
        raise AccessDenied(
            "clerk", f"{doing}须由{ROLE_NAMES[role]}操作，{user.name} 是{ROLE_NAMES[user.role]}"
        )
