"""Start the window: ``python -m app [--db PATH]`` calls ``run(args)``.

The window is shown first, its frame painted before what is in it is made
(``MainWindow(build=False)``, then ``build()``), and the database opened behind it (SQLAlchemy,
migrations and, with ``--demo-if-missing``, a new demo database are loaded off the GUI thread),
so the clerk sees a window at once. A database file that is not there (a typo, a moved file, a
share not mounted) or is empty is refused before anything is created: only ``--demo-if-missing``
(the README's ``./dev run``) makes a new store, a demo one, in its own file beside the real one
(``app.paths.demo_database_for``). With nothing at the default place and no
``--demo-if-missing``, the first-start wizard (``ui.first_start``) offers the demo or a real
store (site and first administrator, nothing fictitious). Off the GUI thread too:
``app.store_guard.check_store`` before opening (a damaged file, or one that lost committed
records, is reported with the restore command, not opened), the masked log file, the daily
backup and the policy files against the approved hash list. Then the clerk signs in (or, on a
database with no accounts, creates the administrator); only then is the case list filled.

A SQLite store already at the newest schema is checked with the standard library only
(``app.startup.look_at_store``) and the sign-in asked at once; the desk (SQLAlchemy, the
policies, the start-up checks above) opens behind the dialog and a sign-in waits for it
(issue 18, point 1). Any other store is opened the whole way before the sign-in is asked.

``ONESTOP_EXIT_WHEN_READY=1`` makes it print when shown, when filled, when ready (store
checked, sign-in asked) and when the desk behind the sign-in is open, then quit (used by
``bench/startup.py``).
"""

import os
import sys
import time
from pathlib import Path

from app.errors import StoreRefused
from app.paths import database_target, is_default_database, resources_dir, sqlite_path
from ui import settings as options
from ui.fonts import apply_application_font, register_fonts
from ui.qt import QApplication, QIcon, QLibraryInfo, QLocale, QSettings, QTimer, QTranslator

EXIT_WHEN_READY = "ONESTOP_EXIT_WHEN_READY"


def make_application(argv: list[str]) -> QApplication:
    app = QApplication.instance() or QApplication(argv)
    app.setOrganizationName(options.ORGANIZATION)
    app.setApplicationName(options.APPLICATION)
    app.setApplicationDisplayName(options.DISPLAY_NAME)
    install_chinese(app)
    apply_application_font(app, register_fonts())
    icon = resources_dir() / "icons" / "app.png"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


CHINA = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
QT_CATALOGUES = ("qtbase_zh_CN",)  # Qt's own texts (确定, 取消, 保存 …), shipped with PySide6


def install_chinese(app: QApplication) -> None:
    """The whole program in Chinese: numbers and dates in the zh_CN locale, Qt's own buttons
    and dialogs from ``qtbase_zh_CN.qm`` (looked up by its file name: a lookup by locale tries
    ``zh-Hans-CN`` and finds nothing). The frozen build finds it in the same Qt folder
    (PyInstaller ships QtCore's ``qtbase_*.qm`` under ``PySide6/Qt/translations``)."""
    QLocale.setDefault(CHINA)
    if app.property("onestop_chinese"):
        return
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in QT_CATALOGUES:
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
        else:
            print(f"未找到 Qt 中文翻译 {name}.qm（{folder}）", file=sys.stderr, flush=True)
    app.setProperty("onestop_chinese", True)


def window_database(args, settings: QSettings) -> str:
    """The database the window opens: the same rule as every command's (``--db``,
    $ONESTOP_DB, ``database.txt``, the default file), after an older version's data folder
    has been carried into ``database.txt``."""
    options.carry_data_folder(settings)
    return database_target(getattr(args, "db", None))


class DatabaseDamaged(StoreRefused):
    """The database file cannot be opened (missing, empty, damaged, lost records); the
    message says why and how to restore it."""


def is_missing(target: str) -> bool:
    return "://" not in target and not Path(target).expanduser().exists()


def _interrupted_restore(target: str) -> str | None:
    """``app.backup.interrupted_restore_problem`` for a missing SQLite file, else None."""
    path = sqlite_path(target)
    if path is None or path.exists():
        return None
    from app.backup import interrupted_restore_problem

    return interrupted_restore_problem(path)


def refusal_before_start(target: str, demo_if_missing: bool) -> str | None:
    """Why the window must not start on ``target`` (a quick look, on the GUI thread: no file
    is opened). A missing file is fine only with ``--demo-if-missing``."""
    path = sqlite_path(target)
    if path is None or (demo_if_missing and not path.exists()):
        return None
    if path.is_file() and path.stat().st_size:
        return None  # the usual case, told without importing store_guard (sqlite3, json)
    interrupted = _interrupted_restore(target)
    if interrupted is not None:
        return interrupted
    from app.store_guard import missing_problem

    problem = missing_problem(path)
    if problem is not None and not path.exists():
        problem += "。要用演示数据试用窗口，请加 --demo-if-missing 启动（如 ./dev run）"
    return problem


def open_desk(
    target: str,
    clerk: str,
    site_code: str | None,
    *,
    demo_if_missing: bool = False,
    checked: bool = False,
):
    """Open the store; with ``demo_if_missing`` a demo database is made first when the file
    does not exist yet. Without it a missing file is refused, not created.

    Raises ``DatabaseDamaged`` (with the newest backup and the restore command) for a file
    that is missing, empty, fails ``PRAGMA integrity_check`` or lost committed records,
    before anything writes to it. ``checked``: ``app.startup.look_at_store`` has just run
    those checks (the window's start): they are not run twice."""
    from app.desk import Desk
    from app.store_guard import check_store

    if demo_if_missing and is_missing(target):
        # The demo is its own store beside the real one: the real file is never created here.
        from app.demo import create_demo_store
        from app.desk.first_start import demo_target

        target = demo_target(target)
        if is_missing(target):
            create_demo_store(target)
    try:
        if not checked:
            check_store(target, quick=True)  # the full check runs once the window is ready
    except StoreRefused as exc:
        raise DatabaseDamaged(str(exc)) from None
    desk = Desk.open(target, clerk, site_code)
    desk.start_steps.append("quick_check")
    return desk


def start_desk(
    target: str,
    clerk: str,
    site_code: str | None,
    *,
    demo_if_missing: bool = False,
    checked: bool = False,
):
    """``open_desk`` and the start-up checks, off the GUI thread: (desk, StartupNotes)."""
    desk = open_desk(target, clerk, site_code, demo_if_missing=demo_if_missing, checked=checked)
    try:
        desk.site()  # read here, off the GUI thread; the window asks for it often
        desk.is_demo()
        return desk, desk.startup_checks()
    except Exception:
        desk.close()
        raise


def first_start(window, target: str, settings: QSettings, quit_app, opened):
    """No database yet at the default place: the wizard's two choices (``ui.first_start``).
    The demo goes on like any store (``opened((desk, notes))``: sign-in next); the real store
    arrives with its administrator signed in, who is shown the policy files to approve."""
    from ui.first_start import FirstStartWizard
    from ui.ops import run_in_background

    wizard = FirstStartWizard(target, window)

    def chosen(desk) -> None:
        if desk.user is None:  # the demo: checks, then sign-in as on every start
            run_in_background(
                lambda: (desk, desk.startup_checks()), opened, window.show_open_failure
            )
            return
        settings.setValue(options.CLERK.key, desk.user.name)
        window.attach(desk)
        window.watch_idle(desk.idle_lock_minutes())
        window.refresh_policy_notice()  # the banner stays until every file is signed off
        window.open_policy_signoff()

    wizard.opened.connect(chosen)
    wizard.rejected.connect(quit_app)
    window.first_start_wizard = wizard
    wizard.open()
    return wizard


def sign_in_then_attach(window, desk, settings: QSettings, quit_app):
    """Ask who is at the window; once signed in, fill the window and start the idle lock.
    Closing the sign-in dialog quits the program. Returns the (open) dialog. ``desk`` may be
    an ``app.startup.OpeningDesk`` still opening behind the dialog: a sign-in waits for it."""
    from app.startup import OpeningDesk
    from ui.sign_in import sign_in_dialog

    dialog = sign_in_dialog(desk, window, options.CLERK.read(settings))

    def signed_in(user) -> None:
        settings.setValue(options.CLERK.key, user.name)  # offered at the next sign-in
        opened = desk
        if isinstance(desk, OpeningDesk):  # open: the sign-in went through it
            opened, notes = desk.result()
            window.show_startup_notes(notes)
        window.attach(opened)
        window.watch_idle(opened.idle_lock_minutes())
        window.run_after_start_checks()

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
    probe = os.environ.get(EXIT_WHEN_READY) == "1"
    target = window_database(args, settings)
    demo_if_missing = bool(getattr(args, "demo_if_missing", False))
    # Nothing at the default place and no demo asked for: a first start, not a typo (nor a
    # restore cut short, whose files beside it are the hospital's data).
    wizard = (
        not demo_if_missing
        and is_missing(target)
        and is_default_database(target)
        and _interrupted_restore(target) is None
    )
    refusal = None if wizard else refusal_before_start(target, demo_if_missing)
    if refusal is not None:
        print(f"未能打开数据库：{refusal}", file=sys.stderr, flush=True)
        if not probe and app.platformName() != "offscreen":  # someone is there to read it
            from ui.qt import QMessageBox

            QMessageBox.critical(None, "未能打开数据库", refusal)
        return 1

    # The frame first, painted, then what is in it: the clerk sees the window at once.
    window = MainWindow(settings, build=False)
    # Maximised: the whole screen for the case list, frame and all (at 1024×768 the window
    # and the system's frame round it were wider than the screen; at 1920×1080 the list
    # scrolled sideways in 1340 pixels).
    window.showMaximized()
    app.processEvents()
    if probe:
        print(f"shown {time.perf_counter() - started:.3f}", flush=True)
    window.build()
    if probe:
        print(f"filled {time.perf_counter() - started:.3f}", flush=True)

    import getpass  # after the window is shown: it brings locale and termios

    clerk = options.CLERK.read(settings) or getpass.getuser()

    started_desks = []

    def opened(result) -> None:
        desk, notes = result
        started_desks.append(desk)
        window.show_database(desk.target)
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

    if wizard:
        first_start(window, target, settings, app.quit, opened)
        if probe:
            print("ready first-start", flush=True)
            QTimer.singleShot(0, app.quit)
        code = app.exec()
        for desk in started_desks:
            desk.close()
        if window.desk is not None and window.desk not in started_desks:
            window.desk.close()
        return code
    from app.startup import OpeningDesk, look_at_store  # after the window is shown

    making_demo = demo_if_missing and is_missing(target)
    if making_demo:
        from app.desk.first_start import demo_target

        demo = demo_target(target)
        if is_missing(demo):
            window.statusBar().showMessage(f"首次运行：正在制作演示数据库 {demo} …")
        else:
            window.statusBar().showMessage(f"正在打开演示数据库 {demo} …")

    def open_whole() -> None:
        run_in_background(
            lambda: start_desk(target, clerk, None, demo_if_missing=demo_if_missing),
            opened,
            failed,
        )

    openings: list[OpeningDesk] = []

    def looked(look) -> None:
        """The file is checked and at the newest schema: ask who signs in while the desk
        opens behind the dialog (``app.startup``)."""
        if look is None:  # a server, an upgrade to make first: the whole open, then sign-in
            open_whole()
            return
        opening = OpeningDesk(look)
        openings.append(opening)
        window.show_database(look.target)
        dialog = sign_in_then_attach(window, opening, settings, app.quit)
        if probe:
            print(f"ready {time.perf_counter() - started:.3f}", flush=True)

        def behind_opened(result) -> None:
            desk, notes = result
            started_desks.append(desk)
            window.show_startup_notes(notes)
            if probe:  # the whole start done, the desk open: the probe stops here
                print(f"opened {time.perf_counter() - started:.3f}", flush=True)
                QTimer.singleShot(0, app.quit)

        def behind_failed(error: Exception) -> None:
            dialog.blockSignals(True)  # closed for the failure, not by the clerk: no quit
            dialog.reject()
            failed(error)

        run_in_background(
            lambda: open_behind(opening, clerk), behind_opened, behind_failed, owner=window
        )

    def look() -> object:
        if making_demo:
            return None
        try:
            return look_at_store(target)
        except StoreRefused as exc:
            raise DatabaseDamaged(str(exc)) from None

    run_in_background(look, looked, failed)
    code = app.exec()
    for opening in openings:  # quit while a desk was still opening: let it finish, close it
        try:
            desk = opening.result(timeout=120)[0]
        except Exception:
            continue
        if desk not in started_desks:
            started_desks.append(desk)
    for desk in started_desks:
        desk.close()
    return code


def open_behind(opening, clerk: str):
    """``start_desk`` for a store ``look_at_store`` has checked, off the GUI thread; the
    sign-in dialog's calls wait for it (``OpeningDesk``)."""
    try:
        result = start_desk(opening.target, clerk, None, checked=True)
    except BaseException as error:
        opening.failed(error)
        raise
    opening.opened(result)
    return result
