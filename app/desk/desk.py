"""The application layer: one method per user action, for the window and the command line.

``Desk`` is the open store, the site and the signed-in user; its areas live in their own
modules (cases, discharge, claims, paper, sync, accounts, post_discharge). No Qt here and no money: each method
calls one service (or look-up) and hands back plain records. The store and SQLAlchemy are
imported when the desk is opened, after the window is already on screen.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.desk.account_admin import AccountAdminDesk
from app.desk.accounts import DeskAccounts
from app.desk.cases import CasesDesk
from app.desk.claims import ClaimsDesk
from app.desk.daily_close import DailyCloseDesk
from app.desk.discharge import DischargeDesk
from app.desk.insurance import InsuranceDesk
from app.desk.outpatient import OutpatientDesk
from app.desk.paper import PaperDesk
from app.desk.policies import PolicyDesk
from app.desk.post_discharge import PostDischargeDesk
from app.desk.reminders import RemindersDesk
from app.desk.settings import SettingsDesk
from app.desk.sync import SyncDesk
from app.desk.whatif import WhatIfDesk

if TYPE_CHECKING:
    from db import Store


class Desk(
    CasesDesk,
    DischargeDesk,
    OutpatientDesk,
    ClaimsDesk,
    DailyCloseDesk,
    PaperDesk,
    RemindersDesk,
    SyncDesk,
    SettingsDesk,
    DeskAccounts,
    WhatIfDesk,
    PolicyDesk,
    AccountAdminDesk,
    PostDischargeDesk,
    InsuranceDesk,
):
    """The open store as the window and the CLI use it. Every write names ``clerk``: the
    signed-in user once someone has signed in (``DeskAccounts``), whose live session
    (``user``) is what services check roles on; once accounts exist, nothing is written
    without one."""

    def __init__(self, store: Store, target: str, clerk: str, site_code: str | None = None):
        self.store = store
        self.target = target
        self.clerk = clerk
        self._site_code = site_code
        self.user = None
        self.now = datetime.now
        # The order the start ran its steps in (quick_check, startup_checks, ready,
        # integrity_check, backup): the full check and the backup never before "ready".
        self.start_steps: list[str] = []
        self._demo: bool | None = None

    @classmethod
    def open(cls, target: str, clerk: str, site_code: str | None = None) -> Desk:
        from db import open_store

        return cls(open_store(target), target, clerk, site_code)

    def close(self) -> None:
        self.store.close()

    @property
    def data_dir(self) -> Path:
        return self.store.data_dir

    @property
    def migration_message(self) -> str:
        return self.store.migration.message

    def is_demo(self) -> bool:
        """A demo store (fictitious records): the window says so, every paper says 演示."""
        if self._demo is None:
            from app.store_guard import is_demo_store

            self._demo = is_demo_store(self.store)
        return self._demo

    @property
    def policies(self):
        from app.services.policies import installed_policies

        return installed_policies()
