"""作废结算: a supervisor's name and a reason; the settlement is kept, marked void."""

from ui.fields import CheckedLineEdit, EnterMovesOn, ErrorLabel
from ui.qt import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget


class VoidDialog(EnterMovesOn, QDialog):
    def __init__(self, slip_number: str, void, parent: QWidget | None = None):
        """``void(slip_number, reason, supervisor)`` does it (raises ValueError on refusal)."""
        super().__init__(parent)
        self._void = void
        self.slip_number = slip_number
        self.setWindowTitle(f"作废结算单 {slip_number}")
        self.supervisor = CheckedLineEdit("审核主管", "主管姓名", self)
        self.reason = CheckedLineEdit("作废理由", "如：金额录入错误，重新结算", self)
        self.error = ErrorLabel(self)
        warning = QLabel(
            f"结算单 <b>{slip_number}</b> 将标记为作废（记录保留，打印时带“作废”标记），"
            "之后可重新结算。作废须由主管批准。",
            self,
        )
        warning.setWordWrap(True)
        form = QFormLayout()
        form.addRow("审核主管：", self.supervisor)
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

    def confirm(self) -> None:
        supervisor = self.supervisor.text().strip()
        reason = self.reason.text().strip()
        self.supervisor.set_error(None if supervisor else "作废须由主管署名")
        self.reason.set_error(None if reason else "作废须填写理由")
        if not (supervisor and reason):
            return
        try:
            self._void(self.slip_number, reason, supervisor)
        except ValueError as exc:
            self.error.show_error(str(exc))
            return
        self.accept()
