"""The main window's account and sign-off actions, mixed into ``ui.main_window.MainWindow``:
sign out and switch user (Ctrl+L), 修改密码, 账户管理 (administrators, Ctrl+Shift+U) and
政策文件核准 (administrators, Ctrl+Shift+K). Each dialog reaches the desk off the GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui import settings as options
from ui.qt import QApplication, QDialog, QEvent, QObject, Qt, QTimer

if TYPE_CHECKING:
    from app.desk import Desk


class SwitchUserAnywhere(QObject):
    """Ctrl+L from any screen of the window: 日结, 事后报销 and the other dialogs are modal,
    and a modal dialog blocks the window's own shortcut, so at a handover the clerk had to
    close each screen first. Not in the sign-in or unlock dialogs (nobody to switch from)."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched, event) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_L
            and event.modifiers() == Qt.KeyboardModifier.ControlModifier
        ):
            from ui.idle_lock import UnlockDialog

            active = QApplication.activeModalWidget()
            window = self.window
            if (
                isinstance(active, QDialog)
                and _opened_from(active, window)
                and window.desk is not None
                and window.switch_action.isEnabled()
                and active is not getattr(window, "sign_in_dialog", None)
                and not isinstance(active, UnlockDialog)
            ):
                QTimer.singleShot(0, window.switch_user)  # once this key is done with
                return True
        return False


def _opened_from(dialog, window) -> bool:
    parent = dialog.parentWidget()
    while parent is not None:
        if parent is window:
            return True
        parent = parent.parentWidget()
    return False


class WindowAccounts:
    """Needs the window's ``desk``, ``settings``, ``_run``, ``attach``, ``watch_idle`` and the
    widgets ``detach`` empties."""

    def refresh_policy_notice(self) -> None:
        """Read the files' state again (after a sign-off) and show the notice anew."""
        desk = self.desk

        def shown(reviews) -> None:
            self.policy_warnings = [f"{r.file}（{r.id}）：{r.reason}" for r in reviews if r.pending]
            self._show_notice()

        self._run(desk.policy_review, shown, "读取政策文件状态")

    def open_policy_signoff(self):
        """政策文件核准 (administrators): approve the files, or refuse an edited one."""
        from ui.policy_signoff import PolicySignoffDialog

        if self.desk is None or not self.desk.may("administrator"):
            return None
        dialog = PolicySignoffDialog(self.desk, self)
        dialog.changed.connect(self.refresh_policy_notice)
        self.policy_signoff = dialog
        dialog.open()
        return dialog

    def switch_user(self) -> None:
        """Ctrl+L: the user signs out (forms with input ask first, as on closing); the window
        empties and asks the next user to sign in. Closing that dialog closes the program."""
        from ui.qt import QDialog
        from ui.unsaved import AsksBeforeClosing

        desk = self.desk
        if desk is None:
            return
        # Every form with input (登记, 出院结算, 门诊结算, 设置) asks: detach then closes the rest.
        for form in self.findChildren(QDialog):
            if isinstance(form, AsksBeforeClosing) and form.isVisible():
                form.reject()
                if form.isVisible():
                    return
        self._run(desk.sign_out, lambda _none: self.ask_sign_in(desk), "退出登录")

    def ask_sign_in(self, desk: Desk):
        """Empty the window, then the sign-in dialog; the next user gets the window."""
        from ui.sign_in import LoginDialog

        self.detach()
        dialog = LoginDialog(desk, self, "")

        def signed_in(user) -> None:
            self.settings.setValue(options.CLERK.key, user.name)
            self.attach(desk)
            self.watch_idle(desk.idle_lock_minutes())

        dialog.signed_in.connect(signed_in)
        dialog.rejected.connect(self.close)
        self.sign_in_dialog = dialog
        dialog.open()
        return dialog

    def detach(self) -> None:
        """Nobody signed in: no list, no case, no dialog left open on the previous user."""
        from ui.qt import QDialog

        if self.idle_lock is not None:
            self.idle_lock.stop()
            self.idle_lock = None
        self.sync_timer.stop()
        self.desk = None  # first: a screen closing below (事后报销) then refreshes nothing
        # Every screen of the window shows the store's data (事后报销 and the dialogs it opened,
        # 日结, 测算, a scan, the audit trail, accounts, …): all close, nested ones too. Forms
        # with input were asked about in switch_user, so done() closes without asking again.
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible() and dialog is not getattr(self, "sign_in_dialog", None):
                dialog.done(QDialog.DialogCode.Rejected)
        self.status_claims.setText("")
        self.handled_today.clear()
        self.model.set_rows([])
        self.case_panel.show_case(None)
        self.list_title.setText("请登录")
        self.status_clerk.setText("经办人：未登录")
        self._show_notice()
        self._enable_case_actions()

    def open_change_password(self) -> None:
        from ui.accounts_page import ChangePasswordDialog

        if self.desk is None or self.desk.user is None:
            return
        dialog = ChangePasswordDialog(self.desk, self)
        dialog.accepted.connect(lambda: self.statusBar().showMessage("密码已修改。", 8000))
        self.password_dialog = dialog
        dialog.open()

    def open_accounts(self) -> None:
        from ui.accounts_page import AccountsDialog

        if self.desk is None or not self.desk.may("administrator"):
            return
        self.accounts_dialog = AccountsDialog(self.desk, self)
        self.accounts_dialog.open()
