"""Fixtures for the window's tests, in the manner of Vorta's and Picard's: offscreen Qt, a
temporary data folder and SQLite file per test, and a QSettings object backed by a temp file."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from tests.ui.accounts import (
    ADMIN,
    ADMIN_PW,
    CLERK,
    CLERK_PW,
    FIRST_PW,
    SUPERVISOR,
    SUPERVISOR_PW,
)


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """Cheap argon2 parameters: the real ones (64 MiB, 3 passes) are tested in tests/security."""
    from argon2 import PasswordHasher

    from app.accounts import passwords

    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    monkeypatch.setattr(passwords, "_dummy", [])


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def db_path(data_dir):
    return data_dir / "desk.sqlite3"


@pytest.fixture
def settings(tmp_path, qapp):
    from ui.qt import QSettings

    fake = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    yield fake
    fake.sync()


@pytest.fixture
def drafts(data_dir):
    from ui.drafts import DraftBox

    return DraftBox(data_dir / "drafts")


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch, qapp):
    """No modal box ever blocks a test: each static QMessageBox call is recorded and answered.

    ``question`` answers Discard (so a form closed at teardown does not wait); a test that
    wants another answer sets ``message_boxes.answer``.
    """
    from ui.qt import QMessageBox

    class Boxes:
        def __init__(self):
            self.answer = QMessageBox.StandardButton.Discard
            self.shown: list[tuple[str, str, str]] = []

        def record(self, kind):
            def show(_parent, title, text, *args, **kwargs):
                self.shown.append((kind, title, text))
                if kind == "question":
                    return self.answer
                return QMessageBox.StandardButton.Ok

            return show

    boxes = Boxes()
    for kind in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, kind, boxes.record(kind))
    return boxes


@pytest.fixture
def type_text(qtbot):
    """Type like a clerk: ASCII as key presses, Chinese as an input method commits it
    (QTest cannot press keys for characters that are not on the keyboard)."""
    from ui.qt import QApplication, QInputMethodEvent

    def type_into(widget, text: str) -> None:
        for char in text:
            if char.isascii():
                qtbot.keyClicks(widget, char)
            else:
                event = QInputMethodEvent()
                event.setCommitString(char)
                QApplication.sendEvent(widget, event)

    return type_into


@pytest.fixture
def desk(db_path):
    """A real store in a temp SQLite file with one site (兰溪, county level) set up."""
    from app.desk import Desk

    opened = Desk.open(str(db_path), "测试经办")
    opened.save_site("LX01", "兰溪市人民医院（测试）", "county", "lanxi")
    yield opened
    opened.close()


@pytest.fixture
def accounts(desk):
    """An administrator, a supervisor (王主管) and a clerk (测试经办), each past the forced
    first change. Creating them ends setup mode: roles are checked from now on."""
    from app.accounts.service import change_password, create_user, login

    create_user(desk.store, None, ADMIN, "administrator", ADMIN_PW)
    admin = login(desk.store, ADMIN, ADMIN_PW)
    for name, role, password in (
        (SUPERVISOR, "supervisor", SUPERVISOR_PW),
        (CLERK, "clerk", CLERK_PW),
    ):
        create_user(desk.store, admin, name, role, FIRST_PW)
        change_password(desk.store, name, FIRST_PW, password)
    return {ADMIN: ADMIN_PW, SUPERVISOR: SUPERVISOR_PW, CLERK: CLERK_PW}


@pytest.fixture
def window(qtbot, settings, desk, accounts, monkeypatch):
    """The main window on the test store, the clerk 测试经办 signed in; printing goes to
    ``window.previewed``."""
    import ui.main_window as main_window

    desk.sign_in(CLERK, CLERK_PW)

    shown = main_window.MainWindow(settings)
    shown.previewed = []
    monkeypatch.setattr(
        main_window,
        "preview_and_print",
        lambda _parent, pdf, title, _printer, **_preview: shown.previewed.append((title, pdf)),
    )
    qtbot.addWidget(shown)
    shown.attach(desk)
    shown.show()
    settle_ops(qtbot)  # the work list and the status arrive from the desk's thread
    return shown


def settle_ops(qtbot) -> None:
    """Wait until every call the window handed to the desk (``ui.ops``) has come back."""
    from ui import ops

    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)


@pytest.fixture
def settled(qtbot):
    """``settled()`` waits for the window's background calls to finish."""
    return lambda: settle_ops(qtbot)


@pytest.fixture
def settled_slip(desk):
    """One admission registered, papers ticked and settled on 2026-03-06 (兰溪 低保):
    base = 9000 − 5000 = 4000, assistance 4000 × 70% = 2800. Returns the slip number."""
    from datetime import datetime

    from app.services import Amounts, DischargeInput, register_admission, settle_discharge
    from tests.store.helpers import admission, person, tick_all

    form = admission(person(7), admitted_at=datetime(2026, 3, 1, 9, 0))
    registration = register_admission(desk.store, form, clerk="王", now=datetime(2026, 3, 1, 10))
    tick_all(desk.store, registration.admission_id)
    row = settle_discharge(
        desk.store,
        DischargeInput(
            registration.admission_id,
            datetime(2026, 3, 6, 10),
            Amounts(total="9000.00", basic_insurance="5000.00"),
        ),
        clerk="王",
        now=datetime(2026, 3, 6, 11),
    )
    return row.slip_number
