"""申请与发放信息: who filled in the application (本人, or a 直系亲属 or 监护人 with their name and
relationship) and the bank account the assistance is paid into, for the case's forms.

The filler is checked as typed (``app.applicant``); the account by the service when saved
(``paid_later.check_bank``: digits, length, a bank card's check digit), each error under its
field. Ctrl+S saves.
"""

from app.applicant import FILLER_KINDS, SELF, Filler, filler_errors
from ui.fields import CheckedLineEdit, EnterMovesOn, ErrorLabel
from ui.fitting import fit_to_screen
from ui.ops import run_in_background
from ui.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QKeySequence,
    QLabel,
    QShortcut,
    QVBoxLayout,
    QWidget,
    Signal,
)

TEXT_FIELDS = (
    ("filled_by_name", "代填人姓名", "本人填写时不填"),
    ("filled_by_relation", "与申请人关系", "如：女儿、父亲"),
    ("account_name", "户名", "银行卡开户人"),
    ("bank", "开户银行", "如：农村商业银行"),
    ("card_number", "银行卡号", "银联卡校验末位；暂不发放可三项都不填"),
)


class PaperworkDialog(EnterMovesOn, QDialog):
    saved = Signal(str)  # admission number

    def __init__(self, desk, admission_number: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.admission_number = admission_number
        self.setWindowTitle(f"申请与发放信息 {admission_number}")
        self.applicant = QLabel(self)
        self.kind = QComboBox(self)
        self.kind.setObjectName("filled_by_kind")
        for code, name in FILLER_KINDS.items():
            self.kind.addItem(name, code)
        self.fields = {key: CheckedLineEdit(label, hint, self) for key, label, hint in TEXT_FIELDS}
        for key, field in self.fields.items():
            field.setObjectName(f"field_{key}")
        self.error = ErrorLabel(self)

        filler = QGroupBox("填表人（本人不能填写的，由直系亲属或监护人代填）", self)
        filler_form = QFormLayout(filler)
        filler_form.addRow("申请人：", self.applicant)
        filler_form.addRow("填表人：", self.kind)
        filler_form.addRow("代填人姓名：", self.fields["filled_by_name"])
        filler_form.addRow("与申请人关系：", self.fields["filled_by_relation"])
        account = QGroupBox("救助金发放账户（打卡、发放到户）", self)
        account_form = QFormLayout(account)
        for key in ("account_name", "bank", "card_number"):
            account_form.addRow(f"{self.fields[key].label}：", self.fields[key])

        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton(
            "保存 (Ctrl+S)", QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(filler)
        layout.addWidget(account)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        fit_to_screen(self, 560)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        for field in self.fields.values():
            field.edited.connect(lambda _text: self.validate())
        self._kind_changed()
        self.save_button.setEnabled(False)
        run_in_background(
            lambda: desk.paperwork(admission_number), self.show_recorded, self._refused, owner=self
        )

    def show_recorded(self, recorded) -> None:
        """Fill in what the case has recorded (``CasePaperwork``)."""
        self.applicant.setText(recorded.applicant)
        self.kind.setCurrentIndex(max(self.kind.findData(recorded.filled_by_kind or SELF), 0))
        for key in self.fields:
            self.fields[key].setText(getattr(recorded, key))
        self.save_button.setEnabled(True)
        self.kind.setFocus()

    def _kind_changed(self) -> None:
        named = self.kind.currentData() != SELF
        for key in ("filled_by_name", "filled_by_relation"):
            self.fields[key].setEnabled(named)
        self.validate()

    def filler(self) -> Filler:
        return Filler(
            self.kind.currentData(),
            self.fields["filled_by_name"].text().strip() or None,
            self.fields["filled_by_relation"].text().strip() or None,
        )

    def account(self) -> tuple[str, str, str]:
        """户名, 开户银行, 卡号 as typed."""
        name, bank, card = (
            self.fields[key].text() for key in ("account_name", "bank", "card_number")
        )
        return name, bank, card

    def validate(self) -> bool:
        errors = {error.field: error.message for error in filler_errors(self.filler())}
        for key in ("filled_by_name", "filled_by_relation"):
            self.fields[key].set_error(errors.get(key))
        return not errors

    def save(self) -> None:
        if not self.validate():
            self.error.show_error("请先改正标红的项目。")
            return
        number, filler, account, desk = (
            self.admission_number,
            self.filler(),
            self.account(),
            self.desk,
        )
        self.save_button.setEnabled(False)
        run_in_background(
            lambda: desk.save_paperwork(number, filler, account), self._saved, self._refused
        )

    def _saved(self, _recorded) -> None:
        self.saved.emit(self.admission_number)
        self.done(QDialog.DialogCode.Accepted)

    def _refused(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        shown = False
        for error in getattr(exc, "errors", (exc,)):
            key = getattr(error, "field", "")
            if key in self.fields:
                self.fields[key].set_error(error.message)
                shown = True
        self.error.show_error(None if shown else str(exc))
