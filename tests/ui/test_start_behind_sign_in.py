"""The window asks who signs in once the store file is checked (``app.startup.look_at_store``,
standard library only) and opens the desk behind the dialog; a sign-in waits for the desk
(issue 18, point 1)."""

import sqlite3
import threading

import pytest

from app.startup import OpeningDesk, look_at_store
from app.store_guard import StoreRefused
from tests.ui.accounts import CLERK, CLERK_PW
from ui import ops
from ui.launch import open_behind, sign_in_then_attach
from ui.sign_in import FirstAdministratorDialog, LoginDialog


def test_the_look_answers_as_the_desk_does(db_path, desk, accounts):
    look = look_at_store(str(db_path))
    assert look is not None and look.target == str(db_path)
    assert look.needs_first_administrator is False
    assert desk.needs_first_administrator() is False


def test_a_store_without_an_administrator_asks_for_the_first_one(qtbot, settings, db_path, desk):
    from ui.main_window import MainWindow

    assert desk.needs_first_administrator() is True
    look = look_at_store(str(db_path))
    assert look.needs_first_administrator is True
    window = MainWindow(settings)
    qtbot.addWidget(window)
    dialog = sign_in_then_attach(window, OpeningDesk(look), settings, lambda: None)
    assert isinstance(dialog, FirstAdministratorDialog)
    dialog.done(0)


def test_a_store_not_at_the_newest_schema_is_opened_the_whole_way_first(db_path, desk):
    desk.close()
    connection = sqlite3.connect(db_path)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = '0014'")
    connection.close()
    assert look_at_store(str(db_path)) is None


def test_a_server_database_is_opened_the_whole_way_first():
    assert look_at_store("postgresql://desk@server/desk") is None


def test_a_damaged_file_is_refused_before_the_sign_in(db_path, desk):
    desk.close()
    data = bytearray(db_path.read_bytes())
    data[4096 : 4096 * 3] = b"\xff" * (4096 * 2)
    db_path.write_bytes(bytes(data))
    with pytest.raises(StoreRefused, match="数据库文件已损坏"):
        look_at_store(str(db_path))


def _clerk_signing_in(qtbot, settings, db_path, quit_calls: list):
    """The window and its sign-in dialog on a closed store still opening, the clerk's name
    and password typed and 登录 pressed: (window, opening, dialog)."""
    from ui.main_window import MainWindow

    opening = OpeningDesk(look_at_store(str(db_path)))
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    dialog = sign_in_then_attach(window, opening, settings, lambda: quit_calls.append(1))
    assert isinstance(dialog, LoginDialog) and dialog.isVisible()
    dialog.name.setText(CLERK)
    qtbot.keyClicks(dialog.password.edit, CLERK_PW)
    dialog.sign_in()
    return window, opening, dialog


def test_a_sign_in_typed_before_the_desk_is_open_waits_for_it(
    qtbot, settings, db_path, desk, accounts
):
    desk.close()
    quit_calls = []
    window, opening, dialog = _clerk_signing_in(qtbot, settings, db_path, quit_calls)
    # the desk is not open yet: the attempt waits on its thread
    assert not opening.is_open() and window.desk is None
    opener = threading.Thread(target=open_behind, args=(opening, CLERK))
    opener.start()
    qtbot.waitUntil(lambda: ops.pending() == 0 and window.desk is not None, timeout=30_000)
    opener.join()
    opened, _notes = opening.result()
    assert window.desk is opened and opened.user.name == CLERK
    assert opened.start_steps[:3] == ["quick_check", "startup_checks", "ready"]
    assert window.status_clerk.text() == f"经办人：{CLERK}（经办员）"
    assert not dialog.isVisible() and quit_calls == []
    window.idle_lock.stop()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    opened.close()


def test_a_desk_that_fails_to_open_is_said_under_the_password(
    qtbot, settings, db_path, desk, accounts
):
    desk.close()
    window, opening, dialog = _clerk_signing_in(qtbot, settings, db_path, [])
    opening.failed(StoreRefused("数据库缺少已提交的记录：测试"))
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    assert "数据库缺少已提交的记录" in dialog.password.error_text()
    assert window.desk is None and dialog.sign_in_button.isEnabled()


CLOSED_AT_ONCE = """
import sys
from ui.sign_in import LoginDialog
from ui.qt import QTimer

asked = LoginDialog.open

def open_(self):
    asked(self)
    QTimer.singleShot(10, self.reject)  # the clerk closes the sign-in at once

LoginDialog.open = open_
from app.cli import main
print("exit", main(["--db", sys.argv[1]]), flush=True)
"""


def test_closing_the_sign_in_while_the_desk_opens_quits_cleanly(db_path, desk, accounts, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    desk.close()
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    env.pop("ONESTOP_EXIT_WHEN_READY", None)
    done = subprocess.run(
        [sys.executable, "-c", CLOSED_AT_ONCE, str(db_path)],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # The program waited for the desk opening behind the dialog and closed it.
    assert done.returncode == 0 and "exit 0" in done.stdout.split("\n"), done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
