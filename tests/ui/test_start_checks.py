"""At start: a damaged database is reported with the way out, the log is set up, the daily
backup taken, changed policy files named in the window; then sign-in comes before the list."""

import logging
from datetime import datetime
from logging.handlers import RotatingFileHandler

import pytest

from app.backup import backup_now
from tests.ui.accounts import ADMIN, CLERK, CLERK_PW
from ui import ops
from ui.launch import DatabaseDamaged, open_desk, sign_in_then_attach, start_desk
from ui.sign_in import FirstAdministratorDialog, LoginDialog


@pytest.fixture
def no_log_handlers():
    """setup_logging adds a file handler to the root logger: take it off after the test."""
    before = list(logging.getLogger().handlers)
    yield
    for handler in logging.getLogger().handlers:
        if handler not in before and isinstance(handler, RotatingFileHandler):
            logging.getLogger().removeHandler(handler)
            handler.close()


def test_a_damaged_database_is_reported_with_the_restore_command(
    qtbot, desk, db_path, message_boxes
):
    from ui.main_window import MainWindow

    backup = backup_now(db_path, now=datetime(2026, 5, 1, 7, 0))
    desk.close()
    data = bytearray(db_path.read_bytes())
    data[4096 : 4096 * 3] = b"\xff" * (4096 * 2)  # scribble over pages past the header
    db_path.write_bytes(bytes(data))

    with pytest.raises(DatabaseDamaged) as damaged:
        open_desk(str(db_path), CLERK, None)
    message = str(damaged.value)
    assert message.startswith(f"数据库文件已损坏：{db_path}")
    assert f'python -m app restore "{backup}" --db "{db_path}"' in message

    window = MainWindow(_settings_for(db_path))
    qtbot.addWidget(window)
    window.show_open_failure(damaged.value)
    assert window.status_db.text() == "数据库：未能打开"
    assert message_boxes.shown[-1] == ("critical", "未能打开数据库", message)


def _settings_for(db_path):
    from ui.qt import QSettings

    return QSettings(str(db_path.parent / "s.ini"), QSettings.Format.IniFormat)


def test_start_checks_log_back_up_and_name_unapproved_policies(
    qtbot, window, desk, no_log_handlers
):
    notes = desk.startup_checks()
    assert notes.log_file == desk.data_dir / "logs" / "desk.log"
    # The backup waits until the window is ready (after_start_checks), once a day.
    assert notes.backup_note == "" and not list(desk.data_dir.glob("backups/desk-*.sqlite3"))
    assert desk.after_start_checks().backup_note.startswith("今日备份：")
    assert list((desk.data_dir / "backups").glob("desk-*.sqlite3"))
    assert desk.after_start_checks().backup_note == ""  # one backup a day
    # No list approved yet: every policy file is named.
    names = {loaded.path.name for loaded in desk.policies.values()}
    assert names and all(any(n in line for line in notes.policy_warnings) for n in names)

    window.show_startup_notes(notes)  # the clerk is signed in: why settling may be paused
    assert window.notice.isVisible()
    for name in names:
        assert name in window.notice.text()
    assert "暂停按该政策结算" in window.notice.text()
    assert not window.signoff_button.isVisible()  # only an administrator sees the banner


def test_an_edited_policy_file_is_named(desk, accounts, no_log_handlers, monkeypatch):
    from dataclasses import replace

    from app.accounts.service import login
    from app.desk import Desk
    from app.services.policy_hashes import approve_policies

    approve_policies(desk.store, login(desk.store, ADMIN, accounts[ADMIN]), desk.policies)
    assert desk.startup_checks().policy_warnings == ()
    loaded = desk.policies["lanxi"]
    changed = {**desk.policies, "lanxi": replace(loaded, sha256="0" * 64)}
    monkeypatch.setattr(Desk, "policies", property(lambda _self: changed))
    warnings = desk.startup_checks().policy_warnings
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{loaded.path.name}（lanxi）：文件内容已改动")


def test_start_opens_then_asks_to_sign_in_before_the_list(
    qtbot, settings, db_path, accounts, desk, no_log_handlers
):
    from ui.main_window import MainWindow

    desk.close()
    opened, notes = start_desk(str(db_path), "", None)
    assert notes.log_file is not None
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    quit_calls = []
    dialog = sign_in_then_attach(window, opened, settings, lambda: quit_calls.append(1))
    assert isinstance(dialog, LoginDialog) and dialog.isVisible()
    assert window.desk is None and window.model.rowCount() == 0  # nothing before sign-in

    dialog.name.setText(CLERK)
    qtbot.keyClicks(dialog.password.edit, CLERK_PW)
    dialog.sign_in()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    assert window.desk is opened and window.status_clerk.text() == f"经办人：{CLERK}（经办员）"
    assert window.idle_lock is not None and window.idle_lock.seconds == 10 * 60
    assert settings.value("clerk/name") == CLERK
    window.idle_lock.stop()
    opened.close()


def test_a_new_database_asks_for_the_first_administrator(qtbot, settings, tmp_path):
    from ui.main_window import MainWindow

    opened = open_desk(str(tmp_path / "new.sqlite3"), "", None, demo_if_missing=True)
    try:
        window = MainWindow(settings)
        qtbot.addWidget(window)
        quit_calls = []
        dialog = sign_in_then_attach(window, opened, settings, lambda: quit_calls.append(1))
        assert isinstance(dialog, FirstAdministratorDialog)
        dialog.reject()
        assert quit_calls == [1]  # closing sign-in quits the program
    finally:
        opened.close()


def test_a_missing_database_is_not_created_when_opening(tmp_path):
    typo = tmp_path / "dsek.sqlite3"
    with pytest.raises(DatabaseDamaged, match=f"找不到数据库文件：{typo}"):
        open_desk(str(typo), CLERK, None)
    assert not list(tmp_path.iterdir())


def test_the_window_refuses_a_missing_database_with_a_dialog(
    qapp, tmp_path, monkeypatch, message_boxes
):
    from types import SimpleNamespace

    import ui.launch as launch
    from ui.qt import QApplication, QSettings

    monkeypatch.setattr(
        launch.options,
        "app_settings",
        lambda: QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
    )
    monkeypatch.setattr(QApplication, "platformName", staticmethod(lambda: "xcb"))  # a screen
    typo = tmp_path / "share" / "desk.sqlite3"  # a share that is not mounted
    assert launch.run(SimpleNamespace(db=str(typo), demo_if_missing=False)) == 1
    kind, title, text = message_boxes.shown[-1]
    assert (kind, title) == ("critical", "未能打开数据库")
    assert text.startswith(f"找不到数据库文件：{typo}") and "--demo-if-missing" in text
    assert not (tmp_path / "share").exists()


def _start_window(tmp_path, *args):
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "QT_QPA_PLATFORM": "offscreen",
        "ONESTOP_EXIT_WHEN_READY": "1",
        "PYTHONPATH": str(repo),
    }
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=env,
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_window_start_refuses_a_missing_database_and_creates_a_demo_only_when_asked(
    tmp_path,
):
    typo = tmp_path / "desk.sqlite3"
    refused = _start_window(tmp_path, "--db", str(typo))
    assert refused.returncode == 1
    assert f"未能打开数据库：找不到数据库文件：{typo}" in refused.stderr
    assert "shown" not in refused.stdout.split()
    assert not typo.exists()

    started = _start_window(tmp_path, "--demo-if-missing", "--db", str(typo))
    assert started.returncode == 0, started.stderr[-3000:]
    assert "ready" in started.stdout.split()
    from app.store_guard import is_demo_store
    from db import open_store

    # The demo is its own store beside the one named: that one is never created by it.
    assert not typo.exists()
    store = open_store(tmp_path / "demo" / "desk.sqlite3")
    try:
        assert is_demo_store(store)
    finally:
        store.close()


def test_the_start_runs_no_full_check_nor_backup_before_the_window_is_ready(
    db_path, desk, accounts, no_log_handlers, monkeypatch
):
    """The start checks what is cheap (quick_check, the policy list); the full integrity
    check and the backup run after "ready", and a problem they find stops writing at once."""
    import app.backup as backup
    from db.store import WritingStopped
    from ui.launch import start_desk

    desk.close()
    full_checks = []
    real = backup.integrity_problem

    def counted(path, *, quick=False):
        full_checks.append(quick)
        return real(path, quick=quick)

    monkeypatch.setattr(backup, "integrity_problem", counted)
    started, _notes = start_desk(str(db_path), "测试经办", None)
    try:
        assert started.start_steps == ["quick_check", "startup_checks"]
        assert full_checks == [True]  # only the quick check so far
        assert not list(started.data_dir.glob("backups/desk-*.sqlite3"))
        started.start_steps.append("ready")  # what the window records once it is ready
        later = started.after_start_checks()
        assert started.start_steps[2:] == ["ready", "integrity_check", "backup"]
        assert full_checks[:2] == [True, False] and later.backup_note.startswith("今日备份：")

        monkeypatch.setattr(backup, "integrity_problem", lambda path, quick=False: "页损坏")
        damaged = started.after_start_checks()
        assert damaged.problems and "页损坏" in damaged.problems[0]
        with pytest.raises(WritingStopped, match="页损坏"):
            started.save_site("LX01", "兰溪市人民医院（测试）", "county", "lanxi")
    finally:
        started.close()
