"""Date fields that digits meant for the next field cannot change unseen (issue 17, point 3):
Tab leaves a date field at once, digits typed into it after Tab change nothing and say how
to edit it, and a change made on purpose is named under the field."""

from datetime import datetime

import pytest

from tests.ui.test_discharge_dialog import make_dialog, type_bill  # noqa: F401
from ui.qt import QApplication, QDate, QDateTime, QLineEdit, Qt, QTime, QVBoxLayout, QWidget

MOMENT = QDateTime(QDate(2026, 5, 8), QTime(9, 30))


@pytest.fixture
def form(qtbot):
    """An amount, 出院时间, an amount: the discharge dialog's shape."""
    from ui.date_fields import DateField

    window = QWidget()
    qtbot.addWidget(window)
    before = QLineEdit(window)
    field = DateField("出院时间", "yyyy-MM-dd HH:mm", window, MOMENT)
    after = QLineEdit(window)
    layout = QVBoxLayout(window)
    for widget in (before, field.row, after):
        layout.addWidget(widget)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    before.setFocus()
    yield before, field, after
    window.close()  # held until here: the fields live as long as their window


def shown(field) -> str:
    return field.dateTime().toString("yyyy-MM-dd HH:mm")


def test_digits_typed_after_tab_leave_the_date_and_say_so(qtbot, form):
    before, field, after = form
    qtbot.keyClick(before, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is field
    qtbot.keyClicks(field, "3000.00")
    assert shown(field) == "2026-05-08 09:30"
    assert field.note.isVisible()
    assert field.note.text().startswith("出院时间未改：要修改请先按 ← 或 → 选中年、月、日")
    qtbot.keyClick(field, Qt.Key.Key_Up)  # no step of a section the clerk did not pick
    assert shown(field) == "2026-05-08 09:30"

    qtbot.keyClick(field, Qt.Key.Key_Tab)  # one Tab leaves: no walk through 月、日、时、分
    assert QApplication.focusWidget() is after
    assert not field.note.isVisible()  # nothing changed, nothing to name
    qtbot.keyClick(after, Qt.Key.Key_Backtab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is before


def test_a_change_made_on_purpose_is_named_under_the_field(qtbot, form):
    before, field, after = form
    qtbot.keyClick(before, Qt.Key.Key_Tab)
    qtbot.keyClick(field, Qt.Key.Key_Right)  # selects the year
    assert field.currentSection() == field.Section.YearSection
    qtbot.keyClick(field, Qt.Key.Key_Right)  # the month
    qtbot.keyClicks(field, "03")
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is after
    assert shown(field) == "2026-03-08 09:30"
    assert field.changed()
    assert field.note.isVisible()
    assert field.note.text() == "出院时间已改为 2026-03-08 09:30（原为 2026-05-08 09:30）"

    field.setDateTime(MOMENT)  # set from code (a draft restored): the new baseline
    assert not field.changed()
    assert not field.note.isVisible()


def test_tab_and_an_amount_after_the_discharge_date_never_rewrite_it(qtbot, make_dialog):  # noqa: F811
    dialog = make_dialog()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    total = dialog.fields["total"].edit
    assert QApplication.focusWidget() is total
    opened_with = dialog.discharged_at.dateTime().toString("yyyy-MM-dd HH:mm")

    # Shift+Tab back from 医疗总费用 lands on 出院时间; the clerk types the amount there
    # by mistake, then Tab: the date stands, the amount goes nowhere unseen.
    qtbot.keyClick(total, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is dialog.discharged_at
    qtbot.keyClicks(dialog.discharged_at, "52000")
    assert dialog.discharged_at.note.isVisible()
    qtbot.keyClick(dialog.discharged_at, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is total
    assert dialog.discharged_at.dateTime().toString("yyyy-MM-dd HH:mm") == opened_with
    assert dialog.typed()["discharged_at"] == opened_with
    qtbot.keyClicks(total, "52000")
    assert dialog.fields["total"].text() == "52000"


def test_a_restored_draft_date_is_the_baseline_not_a_change(qtbot, make_dialog, drafts):  # noqa: F811
    dialog = make_dialog()
    dialog.discharged_at.setDateTime(datetime(2026, 5, 9, 10, 0))
    type_bill(qtbot, dialog, total="9000")  # kept in the draft with the date
    dialog.deleteLater()

    again = make_dialog()
    assert again.discharged_at.dateTime().toString("yyyy-MM-dd HH:mm") == "2026-05-09 10:00"
    assert not again.discharged_at.changed()
    assert not again.discharged_at.note.isVisible()


def test_registration_date_takes_no_digits_meant_for_the_department(qtbot, window):
    window.register_action.trigger()
    form = window.registration
    qtbot.waitUntil(form.isVisible)
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    number = form.fields["admission_number"].edit
    number.setFocus()
    opened_with = form.admitted_at.dateTime().toString("yyyy-MM-dd HH:mm")
    qtbot.keyClick(number, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.admitted_at
    qtbot.keyClicks(form.admitted_at, "0305")
    qtbot.keyClick(form.admitted_at, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.fields["department"].edit
    assert form.admitted_at.dateTime().toString("yyyy-MM-dd HH:mm") == opened_with
