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
        from app import sync

        sync.set_central_folder(self.store, folder or None)
        sync.set_interval(self.store, minutes)
