"""Where a file dialog opens: the folder last used for the same purpose (saving slips,
choosing scans, exporting bundles, exporting the audit), else the user's documents — never
the program's own folder, where a clerk's files would be lost on the next update."""

from pathlib import Path

from ui.qt import QSettings, QStandardPaths, QWidget

_KEY = "folders/{}"


def _settings(widget: QWidget | None) -> QSettings:
    """The window's QSettings (found up the parents), else the user's own."""
    while widget is not None:
        found = getattr(widget, "settings", None)
        if isinstance(found, QSettings):
            return found
        widget = widget.parentWidget()
    from ui.settings import app_settings

    return app_settings()


def documents() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)


def start_in(widget: QWidget | None, purpose: str, file_name: str = "") -> str:
    """The folder to open for ``purpose`` (with ``file_name`` in it, for a save dialog)."""
    folder = str(_settings(widget).value(_KEY.format(purpose), "") or "")
    if not folder or not Path(folder).is_dir():
        folder = documents() or str(Path.home())
    return str(Path(folder) / file_name) if file_name else folder


def remember(widget: QWidget | None, purpose: str, chosen: str, *, is_folder: bool = False) -> None:
    """Keep the folder of what was chosen for the next dialog of the same purpose."""
    if not chosen:
        return
    folder = chosen if is_folder else str(Path(chosen).parent)
    _settings(widget).setValue(_KEY.format(purpose), folder)
