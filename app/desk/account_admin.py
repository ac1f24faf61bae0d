"""Accounts at the window: sign out (or hand over to the next user), change one's own password,
and the administrator's account page (add, disable, reset a password, unlock, change a role).

Each method checks the signed-in user's role on the live session (``act_as``, or the service's
own check) and calls one service of ``app.accounts.service`` (audited there); plain
``AccountInfo`` records come back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.accounts.service import AccountInfo, UserSession
    from db import Store


class AccountAdminDesk:
    store: Store
    clerk: str
    user: UserSession | None
    now: Callable[[], datetime]

    def sign_out(self) -> None:
        """The signed-in user leaves the window (audited); nobody is signed in afterwards."""
        from app.accounts.service import sign_out

        if self.user is not None:
            sign_out(self.store, self.user, now=self.now())
        self.user = None

    def change_own_password(self, old_password: str, new_password: str) -> UserSession:
        """The signed-in user's new password (the old one is checked; failures count)."""
        from app.accounts.roles import require

        require(self.user, "clerk", "修改密码")
        return self.change_password(self.user.name, old_password, new_password)

    # --- the administrator's account page ----------------------------------------------------
    def accounts(self) -> list[AccountInfo]:
        from app.accounts.service import list_users

        self.act_as("administrator", "管理账户")
        return list_users(self.store)

    def add_account(self, name: str, role: str, password: str) -> AccountInfo:
        """A new account with an initial password it must change at first sign-in."""
        from app.accounts.service import create_user

        return create_user(self.store, self.user, name, role, password, now=self.now())

    def set_account_active(self, name: str, active: bool) -> AccountInfo:
        from app.accounts.service import set_active

        return set_active(self.store, self.user, name, active, now=self.now())

    def reset_account_password(self, name: str, password: str) -> AccountInfo:
        from app.accounts.service import reset_password

        return reset_password(self.store, self.user, name, password, now=self.now())

    def unlock_account(self, name: str) -> AccountInfo:
        from app.accounts.service import unlock

        return unlock(self.store, self.user, name, now=self.now())

    def set_account_role(self, name: str, role: str) -> AccountInfo:
        from app.accounts.service import set_role

        return set_role(self.store, self.user, name, role, now=self.now())
