"""The window is shown before the store opens, so what it imports until then delays it: the
store (SQLAlchemy), paper (ReportLab, pypdfium2) and the spreadsheets (openpyxl) are imported
once the window is on screen (issue 18, point 1).

Each check runs in a fresh Python process: in this one other tests have imported everything.
"""

import os
import subprocess
import sys
from pathlib import Path

from app.cli import build_parser, window_args

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("sqlalchemy", "reportlab", "openpyxl", "pypdfium2")
LOADED = f"sorted(m for m in sys.modules if m.split('.')[0] in {set(HEAVY)})"


def fresh_python(code: str, tmp_path: Path, *args: str) -> list[str]:
    """Run ``code`` in a new interpreter from the repository; its output lines."""
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        ONESTOP_EXIT_WHEN_READY="1",
    )
    env.pop("ONESTOP_DB", None)
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done.stdout.splitlines()


def test_importing_the_main_window_imports_no_heavy_library(tmp_path):
    lines = fresh_python(
        f"import ui.main_window, sys; print('ui.main_window' in sys.modules); print({LOADED})",
        tmp_path,
    )
    assert lines == ["True", "[]"]


# The real start (``python -m app --db FILE``) up to the window shown: ``showMaximized`` is wrapped to
# say what had been imported by then. The file is no database, so once shown the start stops
# (the check off the GUI thread refuses it): no store is needed to look at what came before.
AT_SHOW = f"""
import sys
from ui.main_window import MainWindow

shown = MainWindow.showMaximized  # as ui.launch shows it

def show(self):
    print("at show", {LOADED}, flush=True)
    print("commands", sorted(m for m in sys.modules if m.startswith("app.commands.")), flush=True)
    print("store look", sorted(m for m in ("sqlite3", "json", "app.store_guard", "app.backup")
          if m in sys.modules), flush=True)
    shown(self)

MainWindow.showMaximized = show
from app.cli import main
main(["--db", sys.argv[1]])
"""


def test_the_start_imports_no_heavy_library_before_the_window_is_shown(tmp_path):
    not_a_store = tmp_path / "desk.sqlite3"
    not_a_store.write_bytes(b"not a database, but not empty either")
    lines = fresh_python(AT_SHOW, tmp_path, str(not_a_store))
    assert "at show []" in lines
    # The window's start reads its own options: no command's module is imported for it.
    assert "commands ['app.commands.common']" in lines
    # Nor the look at the store (sqlite3, the marks' JSON): a file that is there and not
    # empty is all the window asks before it shows (issue 18, point 1).
    assert "store look []" in lines


# The real start up to the frame shown and then filled: ``show`` and ``build`` are wrapped to
# say in which order they ran and what the frame had made by then.
FRAME_FIRST = """
import sys
from ui.main_window import MainWindow

shown, built = MainWindow.showMaximized, MainWindow.build

def show(self):
    import ui.qt
    print("show", hasattr(self, "search"), "ui.case_panel" in sys.modules,
          type(ui.qt.Qt).__name__, flush=True)
    shown(self)

def build(self):
    print("build", flush=True)
    built(self)

MainWindow.showMaximized, MainWindow.build = show, build
from app.cli import main
main(["--db", sys.argv[1]])
"""


def test_the_frame_is_shown_before_what_is_in_it_is_made(tmp_path):
    # The case list, the case panel, the tool bar and Qt's enum namespace (made whole on first
    # touch) are made after the frame is on screen, so the window shows at once.
    store = _store_with_administrator(tmp_path / "desk.sqlite3")
    lines = fresh_python(FRAME_FIRST, tmp_path, str(store))
    words = [line.split()[0] for line in lines]
    assert lines[0] == "show False False _QtNamespace", lines
    assert words[:4] == ["show", "shown", "build", "filled"], lines


def test_the_window_reads_its_options_as_the_whole_parser_does():
    for argv in ([], ["--db", "x.sqlite3"], ["--demo-if-missing"], ["--db=y", "--demo-if-missing"]):
        assert window_args(argv) == build_parser().parse_args(argv)


def test_a_command_help_or_mistake_goes_to_the_whole_parser():
    for argv in (["demo"], ["--db", "x", "settle", "case.json"], ["-h"], ["--db"], ["--nope"]):
        assert window_args(argv) is None


def test_qt_does_not_read_the_source_of_what_is_imported_after_it(tmp_path):
    # PySide6 read every later module's whole source (and kept it) for its __feature__
    # switches: about 0.1 s and 10 MB while the store and the policies load behind the window.
    lines = fresh_python(
        "import linecache, ui.qt\n"
        "from app.vocabulary import CATEGORY_NAMES\n"
        "print(any(name.endswith('vocabulary.py') for name in linecache.cache))",
        tmp_path,
    )
    assert lines == ["False"]


# The real start on a store at the newest schema, up to the sign-in asked: the dialog's
# ``open`` is wrapped to say what had been imported by then. The desk opens behind it.
AT_SIGN_IN = f"""
import sys
from ui.sign_in import LoginDialog

asked = LoginDialog.open

def open_(self):
    print("at sign-in", {LOADED}, flush=True)
    asked(self)

LoginDialog.open = open_
from app.cli import main
main(["--db", sys.argv[1]])
"""


def test_the_sign_in_is_asked_before_the_orm_and_the_policy_schema_are_imported(tmp_path):
    store = _store_with_administrator(tmp_path / "desk.sqlite3")
    lines = fresh_python(AT_SIGN_IN, tmp_path, str(store))
    assert "at sign-in []" in lines
    # Then the desk opened behind the dialog (the probe stops once it is open).
    words = [line.split()[0] for line in lines if line]
    assert words.index("at") < words.index("ready") < words.index("opened"), lines


# After sign-in, as the window's status bar and its sync timer use the desk: with no central
# folder set and no session bus (no Secret Service to reach), neither the sync packaging and
# its cipher nor keyring's scan of every backend is loaded; nor, on a SQLite store,
# SQLAlchemy's PostgreSQL dialect, nor stdnum before an ID number is checked (issue 18, point 5).
AFTER_SIGN_IN = """
import sys
from ui.launch import start_desk
desk, _notes = start_desk(sys.argv[1], "test", None)
desk.sign_in("管理员", "Keeper#2026pass")
desk.sync_status()
desk.sync_if_due()
from app import secret_store
print("backend", secret_store.backend_name())
print("loaded", sorted(m for m in ("cryptography", "secretstorage", "app.sync.push",
      "app.sync.central_ingest", "sqlalchemy.dialects.postgresql", "stdnum", "pydoc")
      if m in sys.modules))
desk.close()
"""


def _store_with_administrator(path: Path) -> Path:
    from app.desk import Desk

    desk = Desk.open(str(path), "test")
    try:
        desk.create_first_administrator("管理员", "Keeper#2026pass")
    finally:
        desk.close()
    return path


def test_signing_in_loads_no_cipher_nor_every_keyring_backend(tmp_path, monkeypatch):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    store = _store_with_administrator(tmp_path / "desk.sqlite3")
    lines = fresh_python(AFTER_SIGN_IN, tmp_path, str(store))
    assert "backend keyring.backends.fail.Keyring" in lines
    assert "loaded []" in lines


def test_a_keyring_backend_named_in_the_environment_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.file_keyring.FileKeyring")
    monkeypatch.setenv("TEST_KEYRING_FILE", str(tmp_path / "keyring.json"))
    store = _store_with_administrator(tmp_path / "desk.sqlite3")
    lines = fresh_python(AFTER_SIGN_IN, tmp_path, str(store))
    assert "backend tests.file_keyring.FileKeyring" in lines
