"""The window's settings, kept with QSettings: one typed option per key, with its default."""

from dataclasses import dataclass

from ui.qt import QSettings

ORGANIZATION = "one-stop-desk"
APPLICATION = "desk"


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


SITE_CODE = Option("site/code", "")
SITE_NAME = Option("site/name", "")
SITE_LEVEL = Option("site/level", "county")
DEFAULT_POLICY = Option("policy/default", "")
UPLOAD_FOLDER = Option("sync/upload_folder", "")
SYNC_MINUTES = Option("sync/interval_minutes", 30)
PRINTER = Option("print/printer", "")
PAPER = Option("print/paper", "A4")
DATA_DIR = Option("data/dir", "")
CLERK = Option("clerk/name", "")


def app_settings() -> QSettings:
    """The user's settings file (an INI file, the same on every platform)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )
