"""作废结算: a supervisor's name and password, and a reason; the settlement is kept, marked void.

A clerk signed in cannot void alone: the supervisor types their own password here, checked
by ``app.accounts`` (wrong passwords count towards the supervisor's lockout).
"""

from ui.fields import CheckedLineEdit, EnterMovesOn, ErrorLabel
from ui.fitting import fit_to_screen
from ui.ops import run_in_background
from ui.qt import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget


def supervisor_fields(parent: QWidget) -> tuple[CheckedLineEdit, CheckedLineEdit]:
    """The approving supervisor's name and password (masked as typed)."""
    name = CheckedLineEdit("审核主管", "主管的登录名", parent)
    password = CheckedLineEdit("主管密码", "由主管本人输入", parent)
    password.edit.setEchoMode(QLineEdit.EchoMode.Password)
    return name, password


def show_approval_error(exc: ValueError, name: CheckedLineEdit, password: CheckedLineEdit) -> None:
    """Put a refused approval on the field it is about: the password, else the name."""
    message = getattr(exc, "message", str(exc))
    on_password = getattr(exc, "field", "") == "password"
    password.set_error(message if on_password else None)
    name.set_error(None if on_password else message)


class VoidDialog(EnterMovesOn, QDialog):
    def __init__(self, slip_number: str, void, parent: QWidget | None = None, supervisor=""):
        """``void(slip_number, reason, supervisor, password)`` does it (ValueError on refusal:
        ``field`` "password" for a wrong password, "user"/"clerk" for a name or role)."""
        super().__init__(parent)
        self._void = void
        self.slip_number = slip_number
        self.setWindowTitle(f"作废结算单 {slip_number}")
        self.supervisor, self.password = supervisor_fields(self)
        self.supervisor.setText(supervisor)
        self.reason = CheckedLineEdit("作废理由", "如：金额录入错误，重新结算", self)
        # Enter moves on field by field (EnterMovesOn); in the last field it voids.
        self.reason.edit.returnPressed.connect(self.confirm)
        self.error = ErrorLabel(self)
        warning = QLabel(
            f"结算单 <b>{slip_number}</b> 将标记为作废（记录保留，打印时带“作废”标记），"
            "之后可重新结算。作废须由主管输入本人密码批准。",
            self,
        )
        warning.setWordWrap(True)
        form = QFormLayout()
        form.addRow("审核主管：", self.supervisor)
        form.addRow("主管密码：", self.password)
        form.addRow("作废理由：", self.reason)
        buttons = QDialogButtonBox(self)
        self.void_button = buttons.addButton("作废", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.confirm)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(warning)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        fit_to_screen(self, 520)
        # A supervisor signed in is offered as the approver: what they type first is the
        # password (it went on the end of their name).
        (self.password if supervisor else self.supervisor).edit.setFocus()

    def confirm(self) -> None:
        supervisor = self.supervisor.text().strip()
        password = self.password.text()
        reason = self.reason.text().strip()
        self.error.show_error(None)
        self.supervisor.set_error(None if supervisor else "作废须由主管批准，请填写主管登录名")
        self.password.set_error(None if password else "须由主管本人输入密码")
        self.reason.set_error(None if reason else "作废须填写理由")
        if not (supervisor and password and reason):
            return
        # The password hash and the write run off the GUI thread (ui.ops).
        self.void_button.setEnabled(False)
        run_in_background(
            lambda: self._void(self.slip_number, reason, supervisor, password),
            lambda _none: self.accept(),
            self._refused,
            owner=self,
        )

    def _refused(self, exc: Exception) -> None:
        self.void_button.setEnabled(True)
        if getattr(exc, "field", "") in ("password", "user", "clerk"):
            show_approval_error(exc, self.supervisor, self.password)
        else:
            self.error.show_error(str(exc))
        self.password.setText("")
