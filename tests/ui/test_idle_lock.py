"""The idle lock covers the window and asks for the password again; the open discharge dialog
comes back, the same widget, with what was typed in it (a clock in seconds, injected)."""

import pytest

from app.services import register_admission
from tests.store.helpers import admission, person
from tests.ui.accounts import CLERK, CLERK_PW
from ui import ops
from ui.qt import Qt


class Seconds:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def open_discharge(qtbot, window, desk):
    registered = register_admission(desk.store, admission(person(5), "ZY-L01"), clerk=CLERK)
    window.show_work_list()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    window.select_admission(registered.admission_id)
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    window.discharge_action.trigger()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    dialog = window.discharge
    qtbot.waitUntil(dialog.isVisible)
    qtbot.keyClicks(dialog.fields["total"].edit, "9000")
    qtbot.keyClicks(dialog.fields["basic_insurance"].edit, "5000")
    assert dialog.breakdown.value("base") != ""
    return dialog


def test_idle_lock_keeps_the_open_discharge_dialog_and_its_amounts(qtbot, window, open_discharge):
    dialog = open_discharge
    session = window.desk.user
    clock = Seconds()
    lock = window.watch_idle(10, clock=clock, check_every_ms=10)

    # Typing counts as activity: nine minutes, a key, nine more minutes: still open.
    clock.now += 9 * 60
    qtbot.keyClick(dialog.fields["total"].edit, Qt.Key.Key_End)
    clock.now += 9 * 60
    lock.check()
    assert not lock.is_locked

    # Ten minutes without input: the timer locks the window.
    clock.now += 60
    qtbot.waitUntil(lambda: lock.is_locked)
    assert lock.cover.isVisible() and lock.cover.geometry() == window.rect()
    assert not dialog.isVisible()  # hidden, not closed
    assert lock.dialog.isVisible() and lock.dialog.isModal()
    assert CLERK in lock.dialog.note.text()
    assert window.discharge is dialog

    # Escape does not open it; a wrong password is refused.
    lock.dialog.reject()
    assert lock.is_locked and lock.dialog.isVisible()
    qtbot.keyClicks(lock.dialog.password.edit, "Wrong#2026pass")
    qtbot.keyClick(lock.dialog.password.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    assert (
        lock.dialog.password.error_text()
        == "密码：用户名或密码不正确（连续 5 次输错将锁定 15 分钟，也可请管理员解锁）"
    )
    assert lock.is_locked and not dialog.isVisible()

    # The signed-in user's password brings back the same dialog with its amounts.
    with qtbot.waitSignal(lock.unlocked):
        qtbot.keyClicks(lock.dialog.password.edit, CLERK_PW)
        qtbot.keyClick(lock.dialog.password.edit, Qt.Key.Key_Return)
    assert not lock.cover.isVisible()
    assert window.discharge is dialog and dialog.isVisible()
    assert dialog.windowModality() == Qt.WindowModality.WindowModal  # as open() made it
    assert dialog.fields["total"].text() == "9000"
    assert dialog.fields["basic_insurance"].text() == "5000"
    assert dialog.breakdown.value("base") != ""
    assert dialog.result() == 0  # never finished: neither accepted nor rejected
    assert window.desk.user.name == CLERK
    assert window.desk.user.token == session.token  # the same session goes on

    # The clock starts again from the unlock.
    clock.now += 9 * 60
    lock.check()
    assert not lock.is_locked


def test_someone_else_may_quit_from_the_lock_and_the_amounts_stay_as_a_draft(
    qtbot, window, open_discharge
):
    dialog = open_discharge
    lock = window.watch_idle(1, clock=Seconds(), check_every_ms=60_000)
    lock.lock()
    quits = []
    lock.on_quit = lambda: quits.append(1)
    qtbot.mouseClick(lock.dialog.quit_button, Qt.MouseButton.LeftButton)
    assert quits == [1] and not lock.timer.isActive()
    assert not dialog.isVisible()  # nothing of the case is shown again
    draft = window.drafts.load(f"discharge-{dialog.case.key}")
    assert draft["total"] == "9000" and draft["basic_insurance"] == "5000"


def test_the_cover_hides_the_patient_list_on_screen(qtbot, window, open_discharge):
    """Not only a widget on top: painted opaque, so no name or ID number shows through."""
    from ui.qt import QColor, QPoint

    lock = window.watch_idle(10, clock=Seconds(), check_every_ms=60_000)
    lock.lock()
    qtbot.waitUntil(lock.cover.isVisible)
    shown = window.grab().toImage()
    cover = QColor("#37474f")
    table = window.table
    for widget in (table.viewport(), window.case_panel):
        middle = widget.mapTo(window, QPoint(widget.width() // 3, widget.height() // 3))
        ratio = window.devicePixelRatioF()
        pixel = shown.pixelColor(int(middle.x() * ratio), int(middle.y() * ratio))
        assert pixel.name() == cover.name(), (type(widget).__name__, pixel.name())
    lock.stop()
