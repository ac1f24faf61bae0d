"""出院结算: the amounts from the bill, the settlement computed live as they are typed.

The dialog never computes money. Each amount field is checked with ``app.money.parse_amount``
as it is typed, the whole claim goes to ``preview`` (the calculator, through the store), and
the strings of the returned result are shown. ``confirm`` saves it and returns the slip number.
"""

from collections.abc import Callable
from datetime import datetime
from itertools import pairwise

from app.desk.records import DischargeCase
from app.errors import FIELD_NAMES
from app.forms import AMOUNT_FIELDS, Amounts, amount_errors, parse_amounts
from app.insurance_import import compare
from app.vocabulary import (
    CATEGORY_NAMES,
    CAUSE_NAMES,
    FACILITY_NAMES,
    INSURANCE_NAMES,
    VISIT_NAMES,
)
from ui import folders
from ui.breakdown import Breakdown
from ui.date_fields import DateField
from ui.drafts import DraftBox
from ui.fields import (
    NEEDS_APPROVAL,
    CheckedLineEdit,
    EnterMovesOn,
    ErrorLabel,
    what_blocks_settling,
)
from ui.fitting import fit_to_screen, scrolling_column
from ui.ops import run_in_background
from ui.qt import (
    QCheckBox,
    QComboBox,
    QDateTime,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QShortcut,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.sign_in import NewPassword
from ui.unsaved import AsksBeforeClosing

# Where a refused supervisor's approval points: a wrong password, an unknown name, a clerk.
APPROVAL_FIELDS = ("password", "user", "clerk", "supervisor")
_OPTIONAL = set(AMOUNT_FIELDS) - {"total"}
_HINTS = {
    "total": "如 52000.00",
    "excluded": "PET-CT、特需服务等，政策规定时从基数扣除；没有可不填",
}

Preview = Callable[[dict], dict]
Confirm = Callable[[dict, dict | None, datetime], str]
# The insurance platform's figures (app.services.insurance_import.ImportedFigures): those kept
# in the store for the case, or None; and those of a file the clerk picks.
StoredFigures = Callable[[], object | None]
FileFigures = Callable[[str], object]
INSURANCE_FILTER = "医保结算文件 (*.json *.csv);;所有文件 (*)"
IMPORTED_MARK = "<span style='color:#26a269'>已导入</span>"


class DischargeDialog(EnterMovesOn, AsksBeforeClosing, QDialog):
    settled = Signal(str)  # slip number
    CLOSE_TITLE = "关闭出院结算"
    CLOSE_TEXT = "已录入的金额尚未结算。"

    def __init__(
        self,
        case: DischargeCase,
        preview: Preview,
        confirm: Confirm,
        drafts: DraftBox | None = None,
        parent: QWidget | None = None,
        stored_figures: StoredFigures | None = None,
        file_figures: FileFigures | None = None,
    ):
        super().__init__(parent)
        self.case = case
        self._stored_figures = stored_figures
        self._file_figures = file_figures
        # What the platform's import filled in (field -> text) and paid per fund of ours.
        self.imported: dict[str, str] = {}
        self.platform_funds: dict[str, str] = {}
        self._row_labels: dict[str, QLabel] = {}
        self._preview = preview
        self._confirm = confirm
        self._drafts = drafts
        self._draft_key = f"discharge-{case.key}"
        self.slip_number: str | None = None
        self.setWindowTitle(f"出院结算 — {case.patient_name}")
        self.fields: dict[str, CheckedLineEdit] = {}

        form = QFormLayout()
        self.discharged_at = DateField("出院时间", "yyyy-MM-dd HH:mm", self)
        form.addRow("出院时间：", self.discharged_at.row)
        for key in AMOUNT_FIELDS:
            label = FIELD_NAMES[key]
            field = CheckedLineEdit(label, _HINTS.get(key, "没有可不填（按 0 计）"), self)
            field.setObjectName(f"field_{key}")
            self.fields[key] = field
            row_label = QLabel(f"{label}（元）：", self)
            self._row_labels[key] = row_label
            form.addRow(row_label, field)
        self.cause = QComboBox(self)
        self.cause.addItem("无（普通疾病）", None)
        for code, name in CAUSE_NAMES.items():
            self.cause.addItem(name, code)
        form.addRow("伤病原因：", self.cause)
        self.disabling = QCheckBox("伤病造成残疾（意外、事故致残时勾选）", self)
        form.addRow("", self.disabling)
        self.form_error = ErrorLabel(self)
        self.notice = QLabel(self)  # what was filled in for the clerk, e.g. after a void
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #1a5fb4;")
        self.notice.hide()

        bill = QGroupBox("医院费用与医保结算（按结算单录入）", self)
        bill_layout = QVBoxLayout(bill)
        bill_layout.addWidget(self._header())
        self.import_button = QPushButton("导入医保结算 (Ctrl+I)", self)
        self.import_button.setToolTip("从医保平台的结算结果（JSON/CSV）填入金额，核对后再确认结算")
        self.import_button.clicked.connect(self.import_insurance)
        self.import_button.setVisible(stored_figures is not None or file_figures is not None)
        QShortcut(QKeySequence("Ctrl+I"), self, activated=self.import_insurance)
        bill_layout.addWidget(self.import_button)
        bill_layout.addWidget(self.notice)
        bill_layout.addLayout(form)
        bill_layout.addWidget(self.form_error)
        bill_layout.addWidget(self._override_box())
        bill_layout.addStretch(1)

        result = QGroupBox("医疗救助计算（随输入即时计算）", self)
        self.breakdown = Breakdown(result)
        # What the insurance platform already paid from our funds, beside our calculation.
        self.platform_label = QLabel(result)
        self.platform_label.setWordWrap(True)
        self.platform_label.hide()
        result_layout = QVBoxLayout(result)
        result_layout.addWidget(self.breakdown)
        result_layout.addWidget(self.platform_label)

        self.buttons = QDialogButtonBox(self)
        self.confirm_button = self.buttons.addButton(
            "确认结算并打印 (Ctrl+Enter)", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.confirm_button.setEnabled(False)
        self.cancel_button = self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.confirm)

        # On a low screen (1024×768) the bill scrolls rather than squeezing its fields and
        # the errors under them.
        self._bill_scroll = bill_scroll = scrolling_column(self, bill)
        columns = QHBoxLayout()
        columns.addWidget(bill_scroll, 2)
        columns.addWidget(result, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 1180, 680)
        self._tab_down_the_bill()

        self._restore_draft()
        for field in self.fields.values():
            field.edited.connect(self._changed)
        self.discharged_at.dateTimeChanged.connect(self._changed)
        self.cause.currentIndexChanged.connect(self._changed)
        self.disabling.toggled.connect(self._changed)
        self.supervisor.textChanged.connect(self._changed)
        self.supervisor_password.textChanged.connect(lambda _text: self._update_confirm())
        self.override_reason.textChanged.connect(self._changed)
        self.recalculate()
        # The first amount, not the year of 出院时间: digits typed at once go into the bill.
        self.fields[AMOUNT_FIELDS[0]].edit.setFocus()

    def _tab_down_the_bill(self) -> None:
        """Tab goes down the bill as on paper (import, date, amounts, cause), then the
        supervisor's approval, then 确认 and 取消; the calculation beside it comes last."""
        again = self.supervisor_new_password
        chain = [
            self.import_button, self.discharged_at,
            *(self.fields[key].edit for key in AMOUNT_FIELDS),
            self.cause, self.disabling,
            self.supervisor, self.supervisor_password,
            again.password.edit, again.again.edit, self.override_reason,
            self.confirm_button, self.cancel_button, self.breakdown.steps,
        ]  # fmt: skip
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    # --- layout pieces -------------------------------------------------------------------
    def _header(self) -> QLabel:
        case = self.case
        referral = "（转诊已批准）" if case.referral_approved else ""
        text = (
            f"<b>{case.patient_name}</b>　{case.id_number}<br>"
            f"住院号 {case.admission_number or '—'}　入院 {case.admitted_on.isoformat()}<br>"
            f"{CATEGORY_NAMES.get(case.category, case.category)}　"
            f"{VISIT_NAMES.get(case.visit, case.visit)}　"
            f"{INSURANCE_NAMES.get(case.insurance, case.insurance)}<br>"
            f"{FACILITY_NAMES.get(case.facility, case.facility)}{referral}<br>"
            f"政策：{case.policy_title}"
        )
        label = QLabel(text, self)
        label.setWordWrap(True)
        return label

    def _override_box(self) -> QGroupBox:
        box = QGroupBox("材料缺项（结算需主管放行）", self)
        layout = QFormLayout(box)
        missing = "\n".join(f"✗ {item}" for item in self.case.missing_documents)
        self.missing_label = QLabel(missing, box)
        self.missing_label.setStyleSheet("color: #b00020;")
        self.supervisor = QLineEdit(box)
        self.supervisor.setPlaceholderText("主管的登录名")
        # Typed by the supervisor; never kept in the draft.
        self.supervisor_password = QLineEdit(box)
        self.supervisor_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.supervisor_password.setPlaceholderText("由主管本人输入")
        self.override_reason = QLineEdit(box)
        self.override_error = ErrorLabel(box)
        # A supervisor still on the initial password sets a new one here, in the same dialog.
        self.supervisor_new_password = NewPassword(
            lambda: self.supervisor.text().strip(), box, label="主管新密码"
        )
        self.supervisor_new_password.hide()
        layout.addRow(self.missing_label)
        layout.addRow("审核主管：", self.supervisor)
        layout.addRow("主管密码：", self.supervisor_password)
        layout.addRow(self.supervisor_new_password)
        layout.addRow("放行理由：", self.override_reason)
        layout.addRow(self.override_error)
        box.setVisible(bool(self.case.missing_documents))
        return box

    # --- the claim and its live result ---------------------------------------------------
    def typed(self) -> dict[str, object]:
        """Everything typed, as it is kept in the draft."""
        return {
            "discharged_at": self.discharged_at.dateTime().toString("yyyy-MM-dd HH:mm"),
            "cause": self.cause.currentData(),
            "disabling": self.disabling.isChecked(),
            "supervisor": self.supervisor.text(),
            "override_reason": self.override_reason.text(),
            **{key: field.text() for key, field in self.fields.items()},
        }

    def has_input(self) -> bool:
        return any(field.text().strip() for field in self.fields.values())

    def claim(self) -> dict:
        """The contract claim for what is typed (amounts as the typed strings)."""
        case = self.case
        claim: dict = {
            "policy": case.policy_id,
            "date": self.discharged_at.date().toString("yyyy-MM-dd"),
            "category": case.category,
            "visit": case.visit,
            "insurance": case.insurance,
            "facility": case.facility,
            "referral_approved": case.referral_approved,
            "cause": self.cause.currentData(),
            "disabling": self.disabling.isChecked(),
            "year_to_date": case.year_to_date,
        }
        for key, field in self.fields.items():
            text = field.text().strip()
            claim[key] = text if text or key not in _OPTIONAL else "0"
        return claim

    def _changed(self, *_args) -> None:
        self._mark_imported()
        self._save_draft()
        self.recalculate()

    def recalculate(self) -> None:
        """Check each field, then ask the calculator; show its result or the field's error."""
        self.form_error.show_error(None)
        claim = self.claim()
        total_typed = bool(self.fields["total"].text().strip())
        typed = Amounts(**{key: claim[key] or "0" for key in AMOUNT_FIELDS})
        # Before the total is typed, only each amount's own form can be wrong.
        _parsed, errors = amount_errors(typed) if total_typed else parse_amounts(typed)
        found = {error.field: error.message for error in errors}
        for key, field in self.fields.items():
            # An empty optional amount counts as 0: only what was typed is marked.
            field.set_error(found.get(key) if field.text().strip() else None)
        problems = bool(errors)
        if not total_typed:
            self.breakdown.clear("请输入医疗总费用等金额，计算结果将随输入即时显示。")
        elif problems:
            self.breakdown.clear("请先改正左侧标红的金额。")
        else:
            self._run_preview()
        self._update_confirm()

    def _run_preview(self) -> None:
        try:
            result = self._preview(self.claim())
        except ValueError as exc:  # ClaimError / ServiceError: a field and a Chinese reason
            self._show_claim_error(exc)
            self.breakdown.clear("输入有误，无法计算。")
            return
        self.breakdown.show_result(result)
        self._show_platform(result)

    def _show_claim_error(self, exc: ValueError) -> None:
        key = getattr(exc, "field", "")
        message = getattr(exc, "message", str(exc))
        if key in self.fields:
            self.fields[key].set_error(message)
        else:
            self.form_error.show_error(str(exc))

    def _update_confirm(self) -> None:
        ready = self.breakdown.result is not None
        if self.case.missing_documents:
            ready = ready and bool(self.supervisor.text().strip())
            ready = ready and bool(self.supervisor_password.text())
            ready = ready and bool(self.override_reason.text().strip())
        self.confirm_button.setEnabled(ready)
        if ready and self.override_error.text() == NEEDS_APPROVAL:
            self.override_error.show_error(None)

    def _point_at_what_is_missing(self) -> None:
        """Ctrl+Enter before the settlement may be confirmed: the cursor goes where the clerk
        must type, and the form says what is missing, rather than nothing happening."""
        target, message = what_blocks_settling(
            self,
            self.breakdown.result is not None,
            self.fields["total"],
            (self.supervisor, self.supervisor_password, self.override_reason),
        )
        if target is None:
            return
        if message == NEEDS_APPROVAL:
            self.override_error.show_error(message)
            self._bill_scroll.ensureWidgetVisible(self.override_error)  # the reason, then the field
        elif message:
            self.form_error.show_error(message)
        self._bill_scroll.ensureWidgetVisible(target)
        target.setFocus()

    # --- saving --------------------------------------------------------------------------
    def confirm(self) -> None:
        if not self.confirm_button.isEnabled():
            self._point_at_what_is_missing()
            return
        override = None
        if self.case.missing_documents:
            override = {
                "supervisor": self.supervisor.text().strip(),
                "password": self.supervisor_password.text(),
                "reason": self.override_reason.text().strip(),
            }
            if self.supervisor_new_password.isVisible():
                if not self.supervisor_new_password.require():
                    return
                override["new_password"] = self.supervisor_new_password.text()
        self.override_error.show_error(None)
        moment = self.discharged_at.dateTime().toPython().replace(second=0, microsecond=0)
        claim = self.claim()
        if self.imported:
            # The settlement's audit entry names the imported figures and each one changed.
            claim["imported"] = dict(self.imported)
        # The supervisor's password hash and the settling transaction run off the GUI thread.
        self.confirm_button.setEnabled(False)
        run_in_background(
            lambda: self._confirm(claim, override, moment),
            self._saved,
            lambda exc: self._refused(exc, override),
        )

    def _saved(self, slip_number: str) -> None:
        self.slip_number = slip_number
        if self._drafts is not None:
            self._drafts.discard(self._draft_key)
        self.settled.emit(self.slip_number)
        self.done(QDialog.DialogCode.Accepted)

    def _refused(self, exc: Exception, override: dict | None) -> None:
        self._update_confirm()
        if override and getattr(exc, "field", "") == "new_password":
            self.override_error.show_error(str(exc))
            self.supervisor_new_password.show()
            self.supervisor_new_password.password.edit.setFocus()
            scroll, shown = self.findChild(QScrollArea), self.override_error
            QTimer.singleShot(0, lambda: scroll.ensureWidgetVisible(shown))  # once laid out
        elif override and getattr(exc, "field", "") in APPROVAL_FIELDS:
            self.override_error.show_error(str(exc))
            self.supervisor_password.clear()
        elif isinstance(exc, ValueError):
            self._show_claim_error(exc)
        QMessageBox.warning(self, "未能结算", str(exc))

    def unsaved(self) -> bool:
        return self.slip_number is None and self.has_input()

    def _save_draft(self) -> None:
        if self._drafts is not None and self.slip_number is None:
            self._drafts.keep(self._draft_key, self.typed() if self.has_input() else None)

    def _restore_draft(self) -> None:
        draft = self._drafts.load(self._draft_key) if self._drafts is not None else None
        if not draft and self.case.voided_claim:
            # Re-settling after a void starts from what the voided slip was settled with.
            draft = self.case.voided_claim
            self.notice.setText(
                f"已按作废的结算单 {draft['slip_number']} 填入原金额，请核对、改正后再结算"
            )
            self.notice.show()
        if not draft:
            return
        for key, field in self.fields.items():
            field.setText(str(draft.get(key) or ""))
        moment = QDateTime.fromString(str(draft.get("discharged_at", "")), "yyyy-MM-dd HH:mm")
        if moment.isValid():
            self.discharged_at.setDateTime(moment)
        index = self.cause.findData(draft.get("cause"))
        self.cause.setCurrentIndex(max(index, 0))
        self.disabling.setChecked(draft.get("disabling") is True)
        self.supervisor.setText(str(draft.get("supervisor") or ""))
        self.override_reason.setText(str(draft.get("override_reason") or ""))

    # --- the insurance platform's figures ------------------------------------------------
    def import_insurance(self) -> None:
        """Fill the bill from the figures imported for this admission, else from a file."""
        if not self.import_button.isVisible() or not self.import_button.isEnabled():
            return
        self.import_button.setEnabled(False)
        if self._stored_figures is None:
            self._figures_found(None)
            return
        run_in_background(self._stored_figures, self._figures_found, self._import_refused)

    def _figures_found(self, figures) -> None:
        if figures is not None:
            self.fill_imported(figures)
            return
        if self._file_figures is None:
            self.import_button.setEnabled(True)
            QMessageBox.information(self, "导入医保结算", "本住院尚无导入的医保结算结果。")
            return
        start = folders.start_in(self, "insurance")
        path, _ = QFileDialog.getOpenFileName(self, "选择医保结算文件", start, INSURANCE_FILTER)
        if not path:
            self.import_button.setEnabled(True)
            return
        folders.remember(self, "insurance", path)
        read = self._file_figures
        run_in_background(lambda: read(path), self.fill_imported, self._import_refused)

    def _import_refused(self, exc: Exception) -> None:
        self.import_button.setEnabled(True)
        QMessageBox.warning(self, "未能导入医保结算", str(exc))

    def fill_imported(self, figures) -> None:
        """Put the platform's amounts in the fields, each marked 已导入; nothing is settled."""
        self.import_button.setEnabled(True)
        self.imported = {k: v for k, v in figures.amounts.items() if k in self.fields}
        self.platform_funds = dict(figures.funds)
        for key, value in self.imported.items():
            self.fields[key].setText(value)
        self.notice.setText(
            f"已从医保结算（{figures.file_name}，{figures.import_date}）填入标有“已导入”的金额，"
            "请核对后按“确认结算”"
        )
        self.notice.show()
        self._changed()

    def _mark_imported(self) -> None:
        # The mark goes on a second line of the label so the label column keeps its width.
        for key, row_label in self._row_labels.items():
            text = f"{FIELD_NAMES[key]}（元）："
            if key in self.imported:
                if self.fields[key].text().strip() == self.imported[key]:
                    text += f"<br>{IMPORTED_MARK}"
                else:
                    text += (
                        "<br><span style='color:#c64600'>"
                        f"已改（导入值 {self.imported[key]}）</span>"
                    )
            row_label.setText(text)

    def imported_mark(self, key: str) -> str:
        """The mark beside a field as the clerk reads it ("已导入", "已改…" or "")."""
        text = self._row_labels[key].text()
        for mark in ("已导入", "已改"):
            if mark in text:
                return mark
        return ""

    def _show_platform(self, result: dict) -> None:
        if not self.platform_funds:
            self.platform_label.hide()
            return
        lines = []
        for fund in compare(self.platform_funds, result):
            sentence = fund.sentence()
            if fund.differs:
                sentence = f"<span style='color:#b00020'>⚠ {sentence}（{fund.layers}）</span>"
            lines.append(sentence)
        self.platform_label.setText("医保平台结算对照：<br>" + "<br>".join(lines))
        self.platform_label.show()
