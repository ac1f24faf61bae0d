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
        """Store the changed options in one go (only what changed needs a role; audited), then
        the data folder when one is given. ``FieldError`` naming the option when refused."""
        from app.services import settings
        from app.services.access import AccessDenied
        from app.services.errors import ServiceError

        settings.save(self.store, self.actor, changes, now=self.now())
        if any(key.startswith("site.") for key in changes):
            self._site = None  # the desk's kept site is read again
        if data_folder is not None:
            try:
                settings.choose_data_folder(self.store, self.actor, data_folder)
            except AccessDenied as exc:  # said of the folder, where the clerk typed it
                raise ServiceError("data.folder", exc.message) from None
