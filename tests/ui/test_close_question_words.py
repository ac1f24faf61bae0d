"""The question before closing a form with unsaved input names its buttons by the words on
them: Qt's Chinese catalogue, which the window installs, calls Discard 丢弃, not 放弃."""

from ui.launch import install_chinese
from ui.qt import QApplication, QCoreApplication, QMessageBox
from ui.unsaved import AsksBeforeClosing


def test_the_close_question_names_the_buttons_as_they_read(qapp):
    install_chinese(QApplication.instance())
    names = {
        button: QCoreApplication.translate("QPlatformTheme", button)
        for button in ("Save", "Discard", "Cancel")
    }
    assert names == {"Save": "保存", "Discard": "丢弃", "Cancel": "取消"}

    class Form(AsksBeforeClosing):
        CLOSE_TEXT = "出院结算尚未确认。"
        _drafts = object()

    with_draft, buttons, _default = Form()._close_choices()
    assert buttons & QMessageBox.StandardButton.Discard
    for name in names.values():
        assert f"“{name}”" in with_draft
    without_draft, _buttons, _default = type("Bare", (Form,), {"_drafts": None})()._close_choices()
    assert "“丢弃”" in without_draft and "“保存”" not in without_draft
