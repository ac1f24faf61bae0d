"""Accounts in the window (issue 15, point 3): sign out and switch user (Ctrl+L), the
administrator's account page, 修改密码, and a supervisor who still has the initial password
approving an override at the clerk's desk in the same dialog; the audit trail shows that
approval as an approval, not as a sign-in."""

from datetime import datetime

import pytest
from sqlalchemy import select

from app.accounts.service import AccountError, login
from app.services import register_admission
from db.models import AuditEvent
from tests.store.helpers import admission, person
from tests.ui.accounts import ADMIN, ADMIN_PW, CLERK, CLERK_PW, FIRST_PW, SUPERVISOR, SUPERVISOR_PW
from ui import ops
from ui.qt import Qt

NEW_PW = "Fresh#2026word"


def settle(qtbot) -> None:
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)


def events(desk, **wanted) -> list[AuditEvent]:
    with desk.store.read() as session:
        query = select(AuditEvent).order_by(AuditEvent.id)
        for key, value in wanted.items():
            query = query.where(getattr(AuditEvent, key) == value)
        return list(session.scalars(query))


def key(qtbot, window, letter, *modifiers) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    combined = Qt.KeyboardModifier.ControlModifier
    for modifier in modifiers:
        combined |= modifier
    qtbot.keyClick(window, letter, combined)


def test_sign_out_and_switch_user_with_ctrl_l(qtbot, window, desk):
    from app.services.access import AccessDenied, check_role

    assert window.desk.user.name == CLERK
    signed_out = window.desk.user
    key(qtbot, window, Qt.Key.Key_L)
    settle(qtbot)
    dialog = window.sign_in_dialog
    assert dialog.isVisible() and window.desk is None and desk.user is None
    assert window.model.rowCount() == 0 and window.status_clerk.text() == "经办人：未登录"
    assert not window.register_action.isEnabled()
    assert events(desk, action="logout")[-1].clerk == CLERK
    # The session ended with the sign-out: it proves nothing to a service any more.
    with desk.store.read() as session, pytest.raises(AccessDenied, match="登录已失效"):
        check_role(session, signed_out, "clerk", doing="入院登记", field="clerk")
    dialog.name.setText(SUPERVISOR)
    qtbot.keyClicks(dialog.password.edit, SUPERVISOR_PW)
    dialog.sign_in()
    settle(qtbot)
    assert window.desk is desk and desk.user.name == SUPERVISOR
    assert window.status_clerk.text() == f"经办人：{SUPERVISOR}（主管）"
    assert window.audit_action.isEnabled() and window.idle_lock is not None
    window.idle_lock.stop()


@pytest.fixture
def admin_window(qtbot, window, desk):
    desk.sign_in(ADMIN, ADMIN_PW)
    window.attach(desk)
    settle(qtbot)
    return window


def test_the_account_page_adds_disables_resets_unlocks_and_changes_roles(qtbot, admin_window, desk):
    window = admin_window
    key(qtbot, window, Qt.Key.Key_U, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: getattr(window, "accounts_dialog", None) is not None)
    page = window.accounts_dialog
    settle(qtbot)
    assert {a.name for a in page.rows} == {ADMIN, SUPERVISOR, CLERK}
    # Add: a weak password is named beside the field; a good one creates the account.
    page.new_name.setText("新经办")
    page.new_password.password.setText("short")
    page.new_password.again.setText("short")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.new_password.password.error_text().startswith("初始密码：")
    page.new_password.password.setText(FIRST_PW)
    page.new_password.again.setText(FIRST_PW)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    added = {a.name: a for a in page.rows}["新经办"]
    assert added.role == "clerk" and added.must_change_password and added.active
    assert page.selected().name == "新经办"
    # Role
    page.role.setCurrentIndex(page.role.findData("supervisor"))
    qtbot.mouseClick(page.role_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert page.selected().role == "supervisor"
    # Disable: the account can no longer sign in; enable it again.
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert (
        not page.selected().active
        and page.table.item(page.table.currentRow(), 2).text() == "已停用"
    )
    with pytest.raises(AccountError):
        login(desk.store, "新经办", FIRST_PW)
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert page.selected().active
    # Unlock after five wrong passwords.
    for _ in range(5):
        with pytest.raises(AccountError):
            login(desk.store, "新经办", "Wrong#2026pass")
    page.reload(keep="新经办")
    settle(qtbot)
    assert (
        page.unlock_button.isEnabled()
        and page.table.item(page.table.currentRow(), 2).text() == "已锁定"
    )
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert not page.unlock_button.isEnabled()
    assert login(desk.store, "新经办", FIRST_PW).must_change_password
    # Reset password: a small dialog; they must change it at the next sign-in.
    qtbot.mouseClick(page.reset_button, Qt.MouseButton.LeftButton)
    reset = page.reset_dialog
    reset.new_password.password.setText(NEW_PW)
    reset.new_password.again.setText(NEW_PW)
    qtbot.mouseClick(reset.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert not reset.isVisible()
    assert login(desk.store, "新经办", NEW_PW).must_change_password
    # Nobody disables their own account (nor the last administrator).
    page.select(ADMIN)
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert "不能停用自己" in page.error.text()
    assert {a.name: a for a in page.rows}[ADMIN].active
    actions = [(e.action, e.entity_id) for e in events(desk, entity="clerk_account", clerk=ADMIN)]
    assert ("create", "新经办") in actions and ("unlock", "新经办") in actions


def test_a_clerk_changes_their_own_password(qtbot, window, desk):
    assert not window.accounts_action.isEnabled()  # the account page is for administrators
    window.open_change_password()
    dialog = window.password_dialog
    qtbot.keyClicks(dialog.old_password.edit, "Wrong#2026pass")
    dialog.new_password.password.setText(NEW_PW)
    dialog.new_password.again.setText(NEW_PW)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert dialog.isVisible() and dialog.old_password.error_text().startswith("原密码：")
    qtbot.keyClicks(dialog.old_password.edit, CLERK_PW)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert not dialog.isVisible()
    assert login(desk.store, CLERK, NEW_PW).name == CLERK


def test_a_supervisor_with_the_initial_password_approves_an_override_in_the_same_dialog(
    qtbot, window, desk
):
    from app.accounts.service import create_user

    admin = login(desk.store, ADMIN, ADMIN_PW)
    create_user(desk.store, admin, "新主管", "supervisor", FIRST_PW)
    done = register_admission(
        desk.store,
        admission(person(41), number="ZY-SUP1"),
        clerk=CLERK,
        now=datetime(2026, 3, 1, 10),
    )
    window.search.setText("ZY-SUP1")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    settle(qtbot)
    assert window.case_panel.detail.row.admission_id == done.admission_id
    window.open_discharge()
    settle(qtbot)
    dialog = window.discharge
    qtbot.keyClicks(dialog.fields["total"].edit, "1000")
    dialog.supervisor.setText("新主管")
    dialog.supervisor_password.setText(FIRST_PW)
    dialog.override_reason.setText("复印件次日补交")
    assert not dialog.supervisor_new_password.isVisible()
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert dialog.isVisible() and dialog.supervisor_new_password.isVisible()
    assert "尚未修改初始密码" in dialog.override_error.text()
    dialog.supervisor_new_password.password.setText(NEW_PW)
    dialog.supervisor_new_password.again.setText(NEW_PW)
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=30_000)
    settle(qtbot)
    assert window.case_panel.detail.live_settlement is not None
    assert not login(desk.store, "新主管", NEW_PW).must_change_password
    mine = events(desk, clerk="新主管")
    approvals = [e for e in mine if e.action == "approve"]
    assert approvals and "放行缺少材料的结算" in approvals[-1].changes_json
    # The approvals are not sign-ins (the one login is the check just above).
    assert [e.action for e in mine if e.action == "login"] == ["login"]
    assert [e.action for e in mine].index("approve") < [e.action for e in mine].index("login")


def test_a_new_account_is_typed_with_enter_between_the_fields(qtbot, admin_window, desk):
    """Enter moves on (登录名 → 角色 → 初始密码 → 确认), the last Enter creates; a refused
    password puts the cursor back in it, so nothing typed next lands in 登录名."""
    window = admin_window
    key(qtbot, window, Qt.Key.Key_U, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: getattr(window, "accounts_dialog", None) is not None)
    page = window.accounts_dialog
    settle(qtbot)
    page.new_name.edit.setFocus()
    qtbot.waitUntil(page.new_name.edit.hasFocus)

    def type_then_enter(text: str) -> None:
        if text:
            qtbot.keyClicks(page.focusWidget(), text)
        qtbot.keyClick(page.focusWidget(), Qt.Key.Key_Return)

    for text in ("clerk9", "", "short", "short"):
        type_then_enter(text)
    settle(qtbot)
    assert page.new_name.text() == "clerk9"
    assert page.new_password.password.error_text().startswith("初始密码：")
    qtbot.waitUntil(page.new_password.password.edit.hasFocus)
    assert page.new_password.password.edit.selectedText() == "short"
    type_then_enter(FIRST_PW)
    page.new_password.again.edit.selectAll()
    type_then_enter(FIRST_PW)
    settle(qtbot)
    added = {a.name: a for a in page.rows}.get("clerk9")
    assert added is not None and added.role == "clerk"
