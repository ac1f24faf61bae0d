"""The idle lock: after ``minutes`` without a key or a mouse click anywhere in the program, the
window is covered and asks the signed-in user's password again.

Nothing is closed: the open forms (registration, discharge) are hidden with everything typed in
them and shown again, the same widgets, once the password is right. Activity is seen by an event
filter on the QApplication; a QTimer looks at the clock (``clock``: seconds, injectable).
"""

import time
from collections.abc import Callable

from ui.fields import CheckedLineEdit
from ui.fitting import fit_to_screen
from ui.ops import run_in_background
from ui.qt import (
    QApplication,
    QDialog,
    QEvent,
    QLabel,
    QLineEdit,
    QMessageBox,
    QObject,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}
CHECK_EVERY_MS = 15_000


class Cover(QWidget):
    """An opaque sheet over the whole main window: nothing of the case shows through."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        # A plain QWidget paints no style-sheet background without this: the sheet was clear.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAutoFillBackground(True)
        self.setStyleSheet("background: #37474f;")
        label = QLabel("窗口已锁定", self)
        label.setStyleSheet("color: white; font-size: 20pt;")
        layout = QVBoxLayout(self)
        layout.addWidget(label, 0, Qt.AlignmentFlag.AlignCenter)
        window.installEventFilter(self)
        self.hide()

    def cover(self) -> None:
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self.parentWidget().rect())
        return False


class UnlockDialog(QDialog):
    """Application-modal: while it is up, no shortcut or click reaches the window behind."""

    def __init__(
        self, user_name: str, unlock: Callable[[str], object], quit_program, parent: QWidget
    ):
        """``quit_program()`` is the way out for someone else at the desk (or a locked-out
        account): open forms keep their input as drafts on disk and come back next time."""
        super().__init__(parent)
        self._unlock = unlock
        self.setWindowTitle("窗口已锁定")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.note = note = QLabel(
            f"长时间无操作，窗口已锁定。请 <b>{user_name}</b> 输入密码继续；"
            "已打开的表单及录入内容均保留。",
            self,
        )
        note.setWordWrap(True)
        self.password = CheckedLineEdit("密码", "", self)
        self.password.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.edit.returnPressed.connect(self.try_unlock)
        self.unlock_button = QPushButton("解锁", self)
        self.unlock_button.setAutoDefault(False)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.quit_button = QPushButton("退出程序（录入内容保留为草稿）", self)
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(quit_program)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.password)
        layout.addWidget(self.unlock_button)
        layout.addWidget(self.quit_button)
        fit_to_screen(self, 460)

    def try_unlock(self) -> None:
        password = self.password.text()
        if not password:
            self.password.set_error("不能为空")
            return
        if not self.unlock_button.isEnabled():
            return  # the last try is still being checked
        self.unlock_button.setEnabled(False)
        # argon2 off the GUI thread (ui.ops).
        run_in_background(lambda: self._unlock(password), self._unlocked, self._refused)

    def _unlocked(self, _user) -> None:
        self.unlock_button.setEnabled(True)
        self.password.set_error(None)
        self.password.setText("")
        self.accept()

    def _refused(self, exc: Exception) -> None:
        # AccountError: wrong password, or locked out (with until when)
        self.unlock_button.setEnabled(True)
        self.password.set_error(getattr(exc, "message", str(exc)))
        self.password.setText("")

    def reject(self) -> None:
        """Escape and the close button do nothing: only the password opens the window."""

    def keyPressEvent(self, event) -> None:
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            super().keyPressEvent(event)


class IdleLock(QObject):
    locked = Signal()
    unlocked = Signal()

    def __init__(
        self,
        window: QWidget,
        desk,
        minutes: int,
        clock: Callable[[], float] = time.monotonic,
        check_every_ms: int = CHECK_EVERY_MS,
    ):
        super().__init__(window)
        self.window = window
        self.desk = desk
        self.seconds = minutes * 60
        self.clock = clock
        self.last_activity = clock()
        self.cover = Cover(window)
        self.dialog: UnlockDialog | None = None
        self.hidden: list[tuple[QWidget, Qt.WindowModality]] = []
        self.on_quit = QApplication.quit
        QApplication.instance().installEventFilter(self)
        self.timer = QTimer(self)
        self.timer.setInterval(check_every_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    @property
    def is_locked(self) -> bool:
        return self.dialog is not None

    def eventFilter(self, watched, event) -> bool:
        if not self.is_locked and event.type() in ACTIVITY:
            self.last_activity = self.clock()
        return False

    def check(self) -> None:
        if not self.is_locked and self.clock() - self.last_activity >= self.seconds:
            self.lock()

    def lock(self) -> None:
        """Hide the open forms as they are, cover the window, ask for the password."""
        self.hidden = [
            (widget, widget.windowModality())
            for widget in QApplication.topLevelWidgets()
            # A message box waiting in its own loop would return if hidden: it stays.
            if widget.isVisible()
            and isinstance(widget, QDialog)
            and not isinstance(widget, QMessageBox)
        ]
        for widget, _modality in self.hidden:
            widget.hide()
        self.cover.cover()
        self.dialog = UnlockDialog(
            self.desk.user.name, self.desk.unlock, self.quit_program, self.window
        )
        self.dialog.accepted.connect(self._unlocked)
        self.dialog.show()
        self.locked.emit()

    def _unlocked(self) -> None:
        self.dialog.deleteLater()
        self.dialog = None
        self.cover.hide()
        for widget, modality in self.hidden:
            widget.setWindowModality(modality)
            widget.show()
            widget.raise_()
            widget.activateWindow()
        self.hidden = []
        self.last_activity = self.clock()
        self.unlocked.emit()

    def quit_program(self) -> None:
        """Leave without the password: nothing is saved or shown; drafts stay on disk."""
        self.stop()
        self.dialog.done(QDialog.DialogCode.Rejected)
        self.on_quit()

    def stop(self) -> None:
        self.timer.stop()
        QApplication.instance().removeEventFilter(self)
