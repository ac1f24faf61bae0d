"""Start the window: ``python -m app [--db PATH]`` calls ``run(args)``.

The window is shown first and the database opened behind it (SQLAlchemy, migrations and, on
a first run, the demo database are loaded off the GUI thread), so the clerk sees a window at
once. Off the GUI thread too: ``PRAGMA integrity_check`` before opening (a damaged file is
reported with the restore command, not opened), the masked log file, the daily backup and the
policy files against the approved hash list. Then the clerk signs in (or, on a database with
no accounts, creates the administrator); only then is the case list filled.

``ONESTOP_EXIT_WHEN_READY=1`` makes it print when shown and when ready (store open, checks
done, sign-in asked), then quit (used by ``bench/startup.py``).
"""

import getpass
import os
import sys
import time
from pathlib import Path

from app.paths import database_target, resources_dir
from ui import settings as options
from ui.fonts import apply_application_font, register_fonts
from ui.qt import QApplication, QIcon, QLibraryInfo, QLocale, QSettings, QTimer, QTranslator

EXIT_WHEN_READY = "ONESTOP_EXIT_WHEN_READY"


def make_application(argv: list[str]) -> QApplication:
    app = QApplication.instance() or QApplication(argv)
    app.setOrganizationName(options.ORGANIZATION)
    app.setApplicationName(options.APPLICATION)
    app.setApplicationDisplayName("一站式即时结算窗口")
    translator = QTranslator(app)
    # Qt's own buttons (确定, 取消, 保存 …) in Chinese.
    if translator.load(
        QLocale(QLocale.Language.Chinese, QLocale.Country.China),
        "qt",
        "_",
        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
    ):
        app.installTranslator(translator)
    apply_application_font(app, register_fonts())
    icon = resources_dir() / "icons" / "app.png"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def window_database(args, settings: QSettings) -> str:
    """The database the window opens: the same rule as every command's (``--db``,
    $ONESTOP_DB, ``database.txt``, the default file), after an older version's data folder
    has been carried into ``database.txt``."""
    options.carry_data_folder(settings)
    return database_target(getattr(args, "db", None))


class DatabaseDamaged(Exception):
    """The database file failed its integrity check; the message says how to restore it."""


def open_desk(target: str, clerk: str, site_code: str | None):
    """Open the store (a demo database is made first when the file does not exist yet).

    Raises ``DatabaseDamaged`` (with the newest backup and the restore command) for a file
    that fails ``PRAGMA integrity_check``, before anything writes to it."""
    from app.backup import check_database
    from db import open_store
    from ui.desk import Desk

    problem = check_database(target)
    if problem is not None:
        raise DatabaseDamaged(problem)

    is_new_file = "://" not in target and not Path(target).expanduser().exists()
    if is_new_file:
        from app.demo import build_demo

        store = open_store(target)
        try:
            build_demo(store)
        finally:
            store.close()
    return Desk.open(target, clerk, site_code)


def start_desk(target: str, clerk: str, site_code: str | None):
    """``open_desk`` and the start-up checks, off the GUI thread: (desk, StartupNotes)."""
    desk = open_desk(target, clerk, site_code)
    try:
        return desk, desk.startup_checks()
    except Exception:
        desk.close()
        raise


def sign_in_then_attach(window, desk, settings: QSettings, quit_app):
    """Ask who is at the window; once signed in, fill the window and start the idle lock.
    Closing the sign-in dialog quits the program. Returns the (open) dialog."""
    from ui.sign_in import sign_in_dialog

    dialog = sign_in_dialog(desk, window, options.CLERK.read(settings))

    def signed_in(user) -> None:
        settings.setValue(options.CLERK.key, user.name)  # offered at the next sign-in
        window.attach(desk)
        window.watch_idle(desk.idle_lock_minutes())

    dialog.signed_in.connect(signed_in)
    dialog.rejected.connect(quit_app)
    window.sign_in_dialog = dialog
    dialog.open()
    return dialog


def run(args) -> int:
    started = time.perf_counter()
    app = make_application(sys.argv[:1])
    from ui.main_window import MainWindow

    settings = options.app_settings()
    window = MainWindow(settings)
    window.show()
    probe = os.environ.get(EXIT_WHEN_READY) == "1"
    if probe:
        app.processEvents()
        print(f"shown {time.perf_counter() - started:.3f}", flush=True)

    clerk = options.CLERK.read(settings) or getpass.getuser()
    target = window_database(args, settings)

    started_desks = []

    def opened(result) -> None:
        desk, notes = result
        started_desks.append(desk)
        window.status_db.setText(f"数据库：{desk.target}")
        window.show_startup_notes(notes)
        sign_in_then_attach(window, desk, settings, app.quit)
        if probe:
            print(f"ready {time.perf_counter() - started:.3f}", flush=True)
            QTimer.singleShot(0, app.quit)

    def failed(error: Exception) -> None:
        if probe:  # no one is there to close a message box: say it and stop
            print(f"failed {error}", file=sys.stderr, flush=True)
            app.exit(1)
            return
        window.show_open_failure(error)

    from ui.ops import run_in_background

    if "://" not in target and not Path(target).expanduser().exists():
        window.statusBar().showMessage(f"首次运行：正在创建演示数据库 {target} …")
    run_in_background(lambda: start_desk(target, clerk, None), opened, failed)
    code = app.exec()
    for desk in started_desks:
        desk.close()
    return code
