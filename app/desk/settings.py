"""Settings: the store-wide options (``app.services.settings``) read and saved for the window's
设置 pages, and the data folder, checked against the signed-in user's role."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from db import Store


class SettingsDesk:
    store: Store
    clerk: str
    actor: object  # the signed-in session (``DeskAccounts.actor``)
    _site: object = None

    def settings_values(self) -> dict[str, object]:
        """Every store-wide option's value by key, and ``data.folder`` (database.txt)."""
        from app.services import settings

        return {**settings.values(self.store), "data.folder": settings.data_folder()}

    def save_settings(self, changes: dict[str, object], data_folder: str | None = None) -> None:
        """Store the changed options and, when one is given, the data folder, all or nothing
        (only what changed needs a role; audited). ``FieldError`` naming the option (or
        ``data.folder``) when refused; the folder is checked before anything is saved."""
        from app.services import settings

        settings.save(self.store, self.actor, changes, now=self.now(), folder=data_folder)
        if any(key.startswith("site.") for key in changes):
            self._site = None  # the desk's kept site is read again
