"""Sync with the central upload folder (app.sync), as the window starts and schedules it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.sync import SyncStatus
    from db import Store


class SyncDesk:
    store: Store

    def sync_status(self) -> SyncStatus:
        from app import sync

        return sync.status(self.store)

    def sync_if_due(self):
        from app import sync

        return sync.run_if_due(self.store)

    def set_sync(self, folder: str, minutes: int) -> None:
        """The central folder and the interval, saved as 设置 saves them: the signed-in
        user's role checked (the folder is a supervisor's) and the change audited."""
        self.save_settings({"sync.central_folder": folder, "sync.interval_minutes": minutes})
