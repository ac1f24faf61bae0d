"""The desk's account half: who is signed in, a supervisor's password for one action, the
idle-lock time, masked ID numbers, the audit trail and the checks made when the store opens.

Mixed into ``app.desk.Desk``: still no Qt and no money. ``now`` is the clock handed to the
account services (tests replace it to step past a lockout). The domain modules are imported
inside the methods, after the window is on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.accounts.service import UserSession
    from app.audit_log import AuditFilter, AuditRow
    from db import Store


@dataclass(frozen=True)
class StartupNotes:
    """What the start found, for the window to show (each line in Chinese)."""

    policy_warnings: tuple[str, ...] = ()
    backup_note: str = ""
    log_file: Path | None = None
    problems: tuple[str, ...] = field(default=())


class DeskAccounts:
    store: Store
    clerk: str
    user: UserSession | None = None
    now: Callable[[], datetime] = staticmethod(datetime.now)
    _mask: Callable[[str | None], str] | None = None

    # --- signing in ------------------------------------------------------------------------
    def needs_first_administrator(self) -> bool:
        from app.accounts.service import needs_first_administrator

        return needs_first_administrator(self.store)

    def create_first_administrator(self, name: str, password: str) -> UserSession:
        """The first account, an administrator who chose this password; signs them in."""
        from app.accounts.service import create_user

        account = create_user(self.store, None, name, "administrator", password, now=self.now())
        return self.sign_in(account.name, password)

    def sign_in(self, name: str, password: str) -> UserSession:
        """Raises ``AccountError``, the same for an unknown name, a wrong password and a locked
        account (``app.accounts.service.login``). A session that must change its
        password first is returned but not yet used as the clerk."""
        from app.accounts.service import login

        user = login(self.store, name, password, now=self.now())
        if not user.must_change_password:
            self._become(user)
        return user

    def change_password(self, name: str, old_password: str, new_password: str) -> UserSession:
        from app.accounts.service import change_password

        user = change_password(self.store, name, old_password, new_password, now=self.now())
        self._become(user)
        return user

    def unlock(self, password: str) -> UserSession:
        """The signed-in user's password again after the idle lock (failures count); the
        same session goes on."""
        from app.accounts.service import resume

        user = resume(self.store, self.user, password, now=self.now())
        self._become(user)
        return user

    def _become(self, user: UserSession) -> None:
        self.user = user
        self.clerk = user.name  # every service call names the signed-in user

    def signed_clerk(self, doing: str) -> str:
        """The name a data-changing call records: the signed-in account's, once its session
        is found live (``AccessDenied`` naming ``doing`` when nobody is signed in, or the
        session has ended or run out); a store with no account yet records the desk's name."""
        from app.services.access import CLERK, check_role

        with self.store.read() as session:
            return check_role(
                session, self.actor, CLERK, doing=doing, field="clerk", now=self.now()
            )

    @property
    def actor(self) -> UserSession | str:
        """Who acts, for a service that checks a role: the signed-in session; before anyone
        has signed in, the desk's clerk name, which only a store with no account accepts."""
        return self.user if self.user is not None else self.clerk

    def act_as(self, role: str, doing: str) -> None:
        """Check, on the signed-in account (never a typed name), that its role allows
        ``role``; ``AccessDenied`` if not. A store with no account yet has no one to sign in
        and is not checked."""
        from app.accounts.roles import require
        from app.services.access import accounts_exist, check_role

        with self.store.read() as session:
            if not accounts_exist(session):
                return
            require(self.user, role, doing)
            check_role(session, self.user, role, doing=doing, field="clerk", now=self.now())

    def may(self, role: str) -> bool:
        """Whether the signed-in user's role allows ``role`` (to enable an action)."""
        from app.services.access import role_allows

        return self.user is not None and role_allows(self.user.role, role)

    def confirm_supervisor(
        self, name: str, password: str, doing: str, new_password: str | None = None
    ) -> UserSession:
        """A supervisor's name and password for one action (a void, an override). A supervisor
        who still has the initial password gives a ``new_password`` here: it is changed first
        (audited as their own change), then the approval is checked with it."""
        from app.accounts.service import change_password, confirm_role

        if new_password:
            change_password(self.store, name, password, new_password, now=self.now(), sign_in=False)
            password = new_password
        return confirm_role(self.store, name, password, "supervisor", doing=doing, now=self.now())

    def finish_approval(self, approver: UserSession) -> None:
        """End a supervisor's approval session once its one action is done (or refused)."""
        from app.accounts.service import finish_approval

        finish_approval(self.store, approver, now=self.now())

    def idle_lock_minutes(self) -> int:
        from app.accounts.service import idle_lock_minutes

        return idle_lock_minutes(self.store)

    # --- privacy ---------------------------------------------------------------------------
    def mask_id(self, number: str | None) -> str:
        """The ID number as lists show it: the site's pattern (default first 6 + last 4)."""
        if self._mask is None:
            from app.services.settings import masker

            self._mask = masker(self.store)
        return self._mask(number)

    # --- the audit trail -------------------------------------------------------------------
    def audit_rows(self, wanted: AuditFilter) -> list[AuditRow]:
        from app.audit_log import query_audit

        self.act_as("supervisor", "查看审计记录")
        return query_audit(self.store, wanted)

    def export_audit(self, out: Path, wanted: AuditFilter) -> int:
        """Write the trail to ``out``, the export recorded on it (as the CLI's is)."""
        from app.audit_log import export_audit

        self.act_as("supervisor", "导出审计记录")
        clerk = self.user.name if self.user is not None else self.clerk
        return export_audit(self.store, Path(out), wanted, clerk=clerk, now=self.now())

    def verify_audit(self):
        """``db.audit_chain.ChainReport``: ``ok``, ``links_checked``, ``problems``."""
        from app.audit_log import verify_audit

        return verify_audit(self.store)

    # --- at start (off the GUI thread) -----------------------------------------------------
    def startup_checks(self) -> StartupNotes:
        """What is cheap and certain before the window is ready: the masked log file and the
        policy files against the approved list (the quick check ran as the store opened; the
        full check and the backup come after, ``after_start_checks``). Nothing here stops the
        window: each problem becomes a line to show."""
        from app.bundle.pending import claims_pending
        from app.privacy import setup_logging
        from app.services.policy_hashes import policy_changes

        self.start_steps.append("startup_checks")
        problems: list[str] = []
        backup_note = ""
        log_file = setup_logging(self.store.data_dir)
        warnings = tuple(
            f"{Path(change.path).name}（{change.id}）：{change.reason}"
            for change in policy_changes(self.policies, self.store)
        )
        # A claim bundle an export was killed on: claimed exactly if it landed on its target.
        if claims_pending(self.store):
            from app.bundle.export import reconcile_claims

            problems += reconcile_claims(self.store)
        return StartupNotes(warnings, backup_note, log_file, tuple(problems))

    def after_start_checks(self) -> StartupNotes:
        """Once the window is ready, in the background: the full integrity check (a damaged
        file stops every write at once, and says so) and the daily backup."""
        from app.backup import BackupError, backup_if_due, check_database

        self.start_steps.append("integrity_check")
        problem = check_database(self.target) if self.target else None
        if problem is not None:
            self.store.stop_writing(problem)
            return StartupNotes(problems=(f"已停止写入：{problem}",))
        self.start_steps.append("backup")
        try:
            made = backup_if_due(self.store, now=self.now())
        except (BackupError, OSError) as exc:
            return StartupNotes(problems=(f"自动备份未完成：{exc}",))
        return StartupNotes(backup_note=f"今日备份：{made}" if made else "")
