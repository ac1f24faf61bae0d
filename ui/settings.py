"""This user's own preferences, kept with QSettings: one typed option per key, with its default.

Only what belongs to the person at this computer is here (printer, paper, the name offered at
sign-in). Everything the hospital shares (the site, sync, security) is a store-wide setting
(``app.services.settings``); which database to open is ``app.paths.database_target``.
"""

from dataclasses import dataclass

from ui.qt import QSettings

ORGANIZATION = "one-stop-desk"
APPLICATION = "desk"
# Qt appends it to every window title that does not already end with it (on Windows too).
DISPLAY_NAME = "一站式即时结算窗口"


@dataclass(frozen=True)
class Option:
    key: str
    default: object

    def read(self, settings: QSettings) -> object:
        value = settings.value(self.key, self.default)
        if isinstance(self.default, bool):
            return value in (True, "true", "1", 1)
        if isinstance(self.default, int):
            try:
                return int(value)
            except (TypeError, ValueError):
                return self.default
        return "" if value is None else str(value)


PRINTER = Option("print/printer", "")
PAPER = Option("print/paper", "A4")
CLERK = Option("clerk/name", "")

# Kept here by older versions; now store-wide or in database.txt (see ``carry_data_folder``).
LEGACY_DATA_DIR = "data/dir"
LEGACY_UPLOAD_FOLDER = "sync/upload_folder"
LEGACY_SYNC_MINUTES = "sync/interval_minutes"
LEGACY_STORE_WIDE = ("site/code", "site/name", "site/level", "policy/default")


def app_settings() -> QSettings:
    """The user's settings file (an INI file, the same on every platform)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


def carry_data_folder(settings: QSettings) -> None:
    """An older version's data folder (kept here, unseen by the command line) becomes
    ``database.txt`` once, so the window keeps its database and ``onestop-cli`` now opens the
    same one. A ``database.txt`` already there wins. Store-wide keys the store already holds
    (the site was saved to both) are dropped."""
    from app.paths import choose_database, chosen_database, database_in

    folder = str(settings.value(LEGACY_DATA_DIR, "") or "").strip()
    if folder and chosen_database() is None:
        choose_database(database_in(folder))
    for key in (LEGACY_DATA_DIR, *LEGACY_STORE_WIDE):
        settings.remove(key)
