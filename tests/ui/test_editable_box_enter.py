"""Enter in the registration's editable 证件类型 box moves on like every other field: the box
took the Enter itself, and the 证件号码 typed next was added to the end of 证件类型."""

from ui.qt import Qt
from ui.registration_form import RegistrationForm


def test_enter_in_the_certificate_type_moves_to_the_next_field(qtbot, desk, drafts):
    form = RegistrationForm(desk, drafts)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    box = form.certificate_type
    box.setEditText("低保证")
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    box.lineEdit().selectAll()
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    assert not box.hasFocus()
    typed_into = form.focusWidget()
    qtbot.keyClicks(typed_into, "TK2026001")
    assert box.currentText() == "低保证"
    assert form.fields["certificate_number"].text() == "TK2026001"
