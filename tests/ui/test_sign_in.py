"""Signing in at the window: the first administrator, the login with its lockout (on an
injected clock) and the forced change of a first password, driven through the real dialogs."""

from datetime import datetime, timedelta

import pytest

from app.accounts.service import create_user, login
from tests.ui.accounts import ADMIN, ADMIN_PW, CLERK, CLERK_PW, FIRST_PW, SUPERVISOR
from ui import ops
from ui.qt import Qt
from ui.sign_in import FirstAdministratorDialog, LoginDialog, sign_in_dialog

T0 = datetime(2026, 5, 1, 8, 0)


@pytest.fixture
def clock(desk):
    """The desk's clock, moved by the test."""

    class Clock:
        moment = T0

        def __call__(self):
            return self.moment

    ticking = Clock()
    desk.now = ticking
    return ticking


def settle(qtbot) -> None:
    """Wait for the password check, made off the GUI thread, to come back."""
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)


def show(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_first_start_creates_the_administrator_bad_then_good_password(qtbot, desk, type_text):
    dialog = show(qtbot, sign_in_dialog(desk))
    assert isinstance(dialog, FirstAdministratorDialog)
    type_text(dialog.name.edit, "张站长")
    password = dialog.new_password.password
    qtbot.keyClicks(password.edit, "abc")
    # Each broken rule is named under the field as it is typed.
    assert "长度规则：至少 10 个字符（现为 3 个）" in password.error_text()
    assert "字符种类规则" in password.error_text()
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and desk.needs_first_administrator()
    # The refusal puts the cursor back in the password, so what is typed next goes there.
    qtbot.waitUntil(password.edit.hasFocus)
    assert password.edit.selectedText() == "abc"

    password.edit.clear()
    qtbot.keyClicks(password.edit, ADMIN_PW)
    assert password.error_text() == ""
    qtbot.keyClicks(dialog.new_password.again.edit, ADMIN_PW[:-1])
    assert dialog.new_password.again.error_text() == "确认密码：两次输入的密码不一致"
    qtbot.keyClicks(dialog.new_password.again.edit, ADMIN_PW[-1])
    assert dialog.new_password.again.error_text() == ""

    with qtbot.waitSignal(dialog.signed_in) as signed:
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert signed.args[0].name == "张站长" and signed.args[0].role == "administrator"
    assert desk.user.name == "张站长" and desk.clerk == "张站长"
    assert not desk.needs_first_administrator()
    assert not dialog.isVisible()


REFUSED = "密码：用户名或密码不正确（连续 5 次输错将锁定 15 分钟，也可请管理员解锁）"


@pytest.fixture
def attempt(qtbot, type_text):
    return lambda dialog, name, password: _attempt(qtbot, type_text, dialog, name, password)


def _attempt(qtbot, type_text, dialog, name: str, password: str) -> tuple[str, str]:
    """Sign in as ``name``; the errors shown under the name and the password fields."""
    dialog.name.edit.clear()
    type_text(dialog.name.edit, name)
    qtbot.keyClicks(dialog.password.edit, password)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert dialog.password.text() == ""
    return dialog.name.error_text(), dialog.password.error_text()


def test_login_locks_after_five_failures_without_telling_anyone(
    qtbot, desk, accounts, clock, attempt
):
    dialog = show(qtbot, sign_in_dialog(desk, name=CLERK))
    assert isinstance(dialog, LoginDialog) and dialog.name.text() == CLERK
    for tried in range(1, 6):
        qtbot.keyClicks(dialog.password.edit, f"Wrong#pass{tried}")
        qtbot.keyClick(dialog.password.edit, Qt.Key.Key_Return)
        settle(qtbot)
        assert dialog.password.text() == ""
        assert (dialog.name.error_text(), dialog.password.error_text()) == ("", REFUSED)

    # The right password five minutes later is still refused, with the same answer.
    clock.moment = T0 + timedelta(minutes=5)
    assert attempt(dialog, CLERK, CLERK_PW) == ("", REFUSED)
    assert desk.user is None and dialog.isVisible()

    # Once the 15 minutes are up it signs in.
    clock.moment = T0 + timedelta(minutes=15, seconds=1)
    qtbot.keyClicks(dialog.password.edit, CLERK_PW)
    with qtbot.waitSignal(dialog.signed_in):
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert desk.user.name == CLERK and desk.clerk == CLERK


def test_unknown_wrong_and_locked_look_the_same_in_the_window(
    qtbot, desk, accounts, clock, attempt
):
    dialog = show(qtbot, sign_in_dialog(desk))
    unknown = attempt(dialog, "无此人", CLERK_PW)
    wrong = attempt(dialog, SUPERVISOR, "Wrong#2026pass")
    for tried in range(5):
        attempt(dialog, CLERK, f"Wrong#pass{tried}")
    locked = attempt(dialog, CLERK, CLERK_PW)
    assert unknown == wrong == locked == ("", REFUSED)
    assert not hasattr(desk, "lock_time_left")  # nothing in the window can ask for the lock
    assert desk.user is None


def test_first_login_forces_a_new_password(qtbot, desk, accounts, type_text):
    admin = login(desk.store, ADMIN, ADMIN_PW)
    create_user(desk.store, admin, "新经办", "clerk", FIRST_PW)
    dialog = show(qtbot, sign_in_dialog(desk))
    type_text(dialog.name.edit, "新经办")
    qtbot.keyClicks(dialog.password.edit, FIRST_PW)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert dialog.pages.currentIndex() == 1
    assert "须先修改密码" in dialog.change_notice.text()
    assert desk.user is None  # not usable before the change

    fresh = dialog.new_password
    qtbot.keyClicks(fresh.password.edit, "short1A")
    assert "长度规则" in fresh.password.error_text()
    qtbot.mouseClick(dialog.change_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and desk.user is None

    fresh.password.edit.clear()
    qtbot.keyClicks(fresh.password.edit, FIRST_PW)  # the old one again
    qtbot.keyClicks(fresh.again.edit, FIRST_PW)
    qtbot.mouseClick(dialog.change_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert dialog.new_password.password.error_text() == "密码：新密码不能与原密码相同"

    for field in (fresh.password, fresh.again):
        field.edit.clear()
        qtbot.keyClicks(field.edit, "Fresh#2026new")
    with qtbot.waitSignal(dialog.signed_in) as signed:
        qtbot.mouseClick(dialog.change_button, Qt.MouseButton.LeftButton)
    assert signed.args[0].must_change_password is False
    assert desk.user.name == "新经办"
    assert login(desk.store, "新经办", "Fresh#2026new").must_change_password is False
