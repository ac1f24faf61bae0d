"""The window's reminders (filing deadlines, the claim period, large expenses) for the user
signed in: a large-expense warning is for supervisors (兰溪 四(二): flagged to the supervisor)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.reminders import Reminder
    from db import Store


class RemindersDesk:
    store: Store
    _site_code: str | None

    def reminders(self, now: datetime | None = None) -> list[Reminder]:
        from app.reminders import collect_reminders
        from app.services import ServiceError, current_site

        now = now or self.now()
        supervisor = getattr(self, "user", None) is None or self.may("supervisor")
        with self.store.read() as session:
            try:
                site = current_site(session, self._site_code)
            except ServiceError:
                return []
            found = collect_reminders(session, site, self.policies, now)
        return [r for r in found if supervisor or not r.for_supervisor]
