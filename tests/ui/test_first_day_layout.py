"""The first day's new screens (issue 15) fit a 1024×768 screen with every line whole, are
reached by a shortcut, and close with Esc."""

import pytest

from tests.ui.accounts import ADMIN, ADMIN_PW
from tests.ui.test_chinese_and_layout import assert_fits_and_lines_whole, small_screen  # noqa: F401
from ui import ops
from ui.qt import Qt

pytestmark = pytest.mark.usefixtures("small_screen")


def settle(qtbot) -> None:
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)


def closes_with_escape(qtbot, dialog) -> None:
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_the_first_start_wizard_fits_with_its_errors(qtbot, data_dir):
    from ui.first_start import FirstStartWizard

    wizard = FirstStartWizard(str(data_dir / "desk.sqlite3"))
    qtbot.addWidget(wizard)
    wizard.show()
    assert_fits_and_lines_whole(qtbot, wizard)
    wizard.choose_real()
    wizard.new_password.password.setText("abc")  # a three-rule error under the password
    wizard.new_password.again.setText("abd")
    wizard.site_code.set_error("应为2到10位大写字母或数字，以字母开头，如 TEZ01")
    assert_fits_and_lines_whole(qtbot, wizard)
    closes_with_escape(qtbot, wizard)


@pytest.fixture
def admin_window(qtbot, window, desk):
    desk.sign_in(ADMIN, ADMIN_PW)
    window.attach(desk)
    settle(qtbot)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.mark.parametrize(
    ("key", "modifiers", "attribute"),
    [
        (Qt.Key.Key_K, CTRL_SHIFT, "policy_signoff"),
        (Qt.Key.Key_U, CTRL_SHIFT, "accounts_dialog"),
    ],
)
def test_the_administrators_screens_fit_and_close_with_escape(
    qtbot, admin_window, key, modifiers, attribute
):
    qtbot.keyClick(admin_window, key, modifiers)
    qtbot.waitUntil(lambda: getattr(admin_window, attribute, None) is not None)
    dialog = getattr(admin_window, attribute)
    settle(qtbot)
    assert_fits_and_lines_whole(qtbot, dialog)
    closes_with_escape(qtbot, dialog)


def test_change_password_fits_with_an_error_and_closes_with_escape(qtbot, window):
    window.open_change_password()
    dialog = window.password_dialog
    dialog.new_password.password.setText("abc")
    assert_fits_and_lines_whole(qtbot, dialog)
    closes_with_escape(qtbot, dialog)
