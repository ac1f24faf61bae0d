"""门诊结算 (F6): one outpatient visit, its own papers and slip, without a fake admission.

The screen offers the site policy's outpatient visits and ``outpatient`` papers (the desk's
``OutpatientSetup``); the calculation is shown live as the amounts are typed, from the
calculator through the desk, never computed here. ``confirm`` saves the visit and its
settlement in one transaction and returns the slip number.
"""

from collections.abc import Callable
from datetime import date

from app.desk.outpatient import OutpatientSetup
from app.errors import FIELD_NAMES
from app.forms import AMOUNT_FIELDS, Amounts, OutpatientVisitInput, PersonInput, amount_errors
from ui.breakdown import Breakdown
from ui.date_fields import DateField
from ui.fields import (
    NEEDS_APPROVAL,
    CheckedLineEdit,
    EnterMovesOn,
    ErrorLabel,
    what_blocks_settling,
)
from ui.fitting import fit_to_screen, grow_with
from ui.ops import run_in_background
from ui.qt import (
    QCheckBox,
    QComboBox,
    QDate,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QMessageBox,
    QScrollArea,
    QShortcut,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.unsaved import AsksBeforeClosing
from ui.void_dialog import show_approval_error, supervisor_fields

APPROVAL_FIELDS = ("password", "user", "clerk", "supervisor")
_OPTIONAL = set(AMOUNT_FIELDS) - {"total"}

Preview = Callable[[str, dict], dict]  # (ID number, claim) -> the contract's result
Confirm = Callable[[OutpatientVisitInput, dict | None], str]  # -> slip number
Lookup = Callable[[str, date], tuple[str | None, object]]  # -> (known name, RosterAnswer)


class OutpatientDialog(EnterMovesOn, AsksBeforeClosing, QDialog):
    settled = Signal(str)  # slip number
    CLOSE_TITLE = "关闭门诊结算"
    CLOSE_TEXT = "已录入的门诊费用尚未结算。"

    def __init__(
        self,
        setup: OutpatientSetup,
        preview: Preview,
        confirm: Confirm,
        lookup: Lookup | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setup = setup
        self._preview = preview
        self._confirm = confirm
        self._lookup = lookup
        self._asked = 0  # the newest preview asked for; older answers are dropped
        self.slip_number: str | None = None
        self.setWindowTitle(f"门诊结算 — {setup.policy_title}")

        self.id_number = CheckedLineEdit(FIELD_NAMES["id_number"], "18 位身份证号", self)
        self.name = CheckedLineEdit(FIELD_NAMES["name"], "", self)
        self.roster = QLabel("", self)
        self.roster.setWordWrap(True)
        self.category = QComboBox(self)
        for code, name in setup.categories:
            self.category.addItem(name, code)
        self.insurance = QComboBox(self)
        for code, name in setup.insurances:
            self.insurance.addItem(name, code)
        self.off_roster_reason = CheckedLineEdit(
            FIELD_NAMES["off_roster_reason"], "不在名册时填写，如：名册尚未下发", self
        )
        person = QGroupBox("患者", self)
        person_form = QFormLayout(person)
        person_form.addRow("身份证号：", self.id_number)
        person_form.addRow("姓名：", self.name)
        person_form.addRow("", self.roster)
        person_form.addRow("救助类别：", self.category)
        person_form.addRow("参保类型：", self.insurance)
        person_form.addRow("不在名册理由：", self.off_roster_reason)

        self.visit_date = DateField("就诊日期", "yyyy-MM-dd", self, QDate.currentDate())
        self.visit_date.setMaximumDate(QDate.currentDate())
        self.visit = QComboBox(self)
        for choice in setup.visits:
            self.visit.addItem(f"{choice.name}（{choice.clause}）", choice.code)
        self.visit_rule = QLabel("", self)
        self.visit_rule.setWordWrap(True)
        self.diagnosis = CheckedLineEdit(FIELD_NAMES["diagnosis"], "如：高血压", self)
        self.department = CheckedLineEdit(FIELD_NAMES["department"], "", self)
        self.department.setText("门诊")
        visit = QGroupBox("就诊", self)
        visit_form = QFormLayout(visit)
        visit_form.addRow("就诊日期：", self.visit_date.row)
        visit_form.addRow("就诊类型：", self.visit)
        visit_form.addRow("", self.visit_rule)
        self.diagnosis_label = QLabel("诊断：", self)
        visit_form.addRow(self.diagnosis_label, self.diagnosis)
        visit_form.addRow("科室：", self.department)

        self.fields: dict[str, CheckedLineEdit] = {}
        bill = QGroupBox("门诊费用与医保结算（元）", self)
        bill_form = QFormLayout(bill)
        for key in AMOUNT_FIELDS:
            label = FIELD_NAMES[key]
            hint = "如 1500.00" if key == "total" else "没有可不填（按 0 计）"
            field = CheckedLineEdit(label, hint, self)
            field.setObjectName(f"field_{key}")
            self.fields[key] = field
            bill_form.addRow(f"{label}：", field)

        self.papers: dict[str, tuple[QCheckBox | None, QCheckBox | None]] = {}
        papers = QGroupBox("门诊材料（本政策门诊救助所需）", self)
        papers_layout = QFormLayout(papers)
        for paper in setup.papers:
            row = QHBoxLayout()
            original = copy = None
            if paper.original_required:
                original = QCheckBox("原件已查验", papers)
                row.addWidget(original)
            if paper.copy_required:
                copy = QCheckBox("复印件已留存", papers)
                row.addWidget(copy)
            row.addStretch(1)
            self.papers[paper.code] = (original, copy)
            papers_layout.addRow(f"{paper.name}（{paper.clause}）：", row)
        if not setup.papers:
            papers_layout.addRow(QLabel("本政策未列门诊材料。", papers))

        self.override_box = QGroupBox("材料缺项（结算需主管放行）", self)
        override_form = QFormLayout(self.override_box)
        self.supervisor, self.supervisor_password = supervisor_fields(self.override_box)
        self.override_reason = CheckedLineEdit("放行理由", "如：结算单次日补交", self)
        override_form.addRow("审核主管：", self.supervisor)
        override_form.addRow("主管密码：", self.supervisor_password)
        override_form.addRow("放行理由：", self.override_reason)
        self.form_error = ErrorLabel(self)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        for box in (person, visit, bill, papers, self.override_box):
            left_layout.addWidget(box)
        left_layout.addWidget(self.form_error)
        left_layout.addStretch(1)
        self._scroll = scroll = QScrollArea(self)
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(
            left.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width()
        )

        result = QGroupBox("医疗救助计算（随输入即时计算）", self)
        self.breakdown = Breakdown(result)
        QVBoxLayout(result).addWidget(self.breakdown)

        self.buttons = QDialogButtonBox(self)
        self.confirm_button = self.buttons.addButton(
            "确认结算并打印 (Ctrl+Enter)", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.confirm_button.setEnabled(False)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.confirm)

        columns = QHBoxLayout()
        columns.addWidget(scroll, 2)
        columns.addWidget(result, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 1180, 700)
        grow_with(self, scroll)

        self.id_number.edited.connect(self._id_typed)
        for widget in (self.name, self.diagnosis, self.off_roster_reason, self.department):
            widget.edited.connect(self._changed)
        for field in self.fields.values():
            field.edited.connect(self._changed)
        for combo in (self.category, self.insurance, self.visit):
            combo.currentIndexChanged.connect(self._changed)
        self.visit_date.dateChanged.connect(self._changed)
        for original, copy in self.papers.values():
            for box in (original, copy):
                if box is not None:
                    box.toggled.connect(self._changed)
        for widget in (self.supervisor, self.supervisor_password, self.override_reason):
            widget.edited.connect(lambda _text: self._update_confirm())
        self._changed()
        self.id_number.edit.setFocus()

    # --- what is typed -----------------------------------------------------------------------
    def _visit_choice(self):
        code = self.visit.currentData()
        return next((v for v in self.setup.visits if v.code == code), None)

    def missing_papers(self) -> list[str]:
        missing = []
        for paper in self.setup.papers:
            original, copy = self.papers[paper.code]
            if (original is not None and not original.isChecked()) or (
                copy is not None and not copy.isChecked()
            ):
                missing.append(paper.name)
        return missing

    def claim(self) -> dict:
        """The contract claim for what is typed (amounts as the typed strings)."""
        claim: dict = {
            "policy": self.setup.policy_id,
            "date": self.visit_date.date().toString("yyyy-MM-dd"),
            "category": self.category.currentData(),
            "visit": self.visit.currentData(),
            "insurance": self.insurance.currentData(),
            "facility": self.setup.facility,
            "referral_approved": False,
            "cause": None,
        }
        for key, field in self.fields.items():
            text = field.text().strip()
            claim[key] = text if text or key not in _OPTIONAL else "0"
        return claim

    def visit_input(self) -> OutpatientVisitInput:
        claim = self.claim()
        return OutpatientVisitInput(
            person=PersonInput(self.id_number.text().strip(), self.name.text().strip()),
            visit_date=self.visit_date.date().toPython(),
            visit=claim["visit"],
            category=claim["category"],
            insurance=claim["insurance"],
            diagnosis=self.diagnosis.text().strip(),
            department=self.department.text().strip() or "门诊",
            amounts=Amounts(**{key: claim[key] for key in AMOUNT_FIELDS}),
            papers={
                code: (
                    bool(original and original.isChecked()),
                    bool(copy and copy.isChecked()),
                )
                for code, (original, copy) in self.papers.items()
            },
            facility=self.setup.facility,
            policy=self.setup.policy_id,
            off_roster_reason=self.off_roster_reason.text().strip() or None,
        )

    def has_input(self) -> bool:
        return any(field.text().strip() for field in self.fields.values())

    # --- as it is typed ------------------------------------------------------------------
    def _id_typed(self, text: str) -> None:
        self._changed()
        number = text.strip().upper()
        if self._lookup is None or len(number) != 18:
            self.roster.setText("")
            return
        day = self.visit_date.date().toPython()

        def found(answer) -> None:
            name, roster = answer
            if self.id_number.text().strip().upper() != number:
                return
            if name and not self.name.text().strip():
                self.name.setText(name)
            self.roster.setText(roster.text)
            index = self.category.findData(roster.category) if roster.category else -1
            if index >= 0:
                self.category.setCurrentIndex(index)

        run_in_background(lambda: self._lookup(number, day), found, lambda _error: None, owner=self)

    def _changed(self, *_args) -> None:
        choice = self._visit_choice()
        if choice is not None:
            needed = "（必填）" if choice.diagnosis_required else ""
            self.diagnosis_label.setText(f"诊断{needed}：")
            rule = f"{choice.clause}：{choice.text}" if choice.text else choice.clause
            if choice.diagnosis_required:
                rule += "；须填写诊断"
            self.visit_rule.setText(rule)
        self.override_box.setVisible(bool(self.missing_papers()))
        self.recalculate()

    def recalculate(self) -> None:
        """Check each amount, then ask the calculator through the desk; show its answer."""
        self.form_error.show_error(None)
        claim = self.claim()
        if not self.fields["total"].text().strip():
            for field in self.fields.values():
                field.set_error(None)
            self.breakdown.clear("请输入医疗总费用等金额，计算结果将随输入即时显示。")
            self._update_confirm()
            return
        _parsed, errors = amount_errors(Amounts(**{key: claim[key] for key in AMOUNT_FIELDS}))
        found = {error.field: error.message for error in errors}
        for key, field in self.fields.items():
            field.set_error(found.get(key) if field.text().strip() else None)
        if errors:
            self.breakdown.clear("请先改正左侧标红的金额。")
            self._update_confirm()
            return
        self._asked += 1
        asked = self._asked
        id_number = self.id_number.text().strip().upper()

        def shown(result: dict) -> None:
            if asked == self._asked:
                self.breakdown.show_result(result)
                self._update_confirm()

        def refused(exc: Exception) -> None:
            if asked == self._asked:
                self._show_error(exc)
                self.breakdown.clear("输入有误，无法计算。")
                self._update_confirm()

        self.breakdown.clear("正在计算…")
        self._update_confirm()
        run_in_background(lambda: self._preview(id_number, claim), shown, refused, owner=self)

    def _show_error(self, exc: Exception) -> None:
        key = getattr(exc, "field", "")
        message = getattr(exc, "message", str(exc))
        widgets = {
            **self.fields,
            "id_number": self.id_number,
            "name": self.name,
            "diagnosis": self.diagnosis,
            "department": self.department,
            "off_roster_reason": self.off_roster_reason,
            "override_reason": self.override_reason,
        }
        if key in widgets:
            widgets[key].set_error(message)
        else:
            self.form_error.show_error(str(exc))

    def _update_confirm(self) -> None:
        ready = self.breakdown.result is not None and bool(self.id_number.text().strip())
        if self.missing_papers():
            ready = ready and bool(self.supervisor.text().strip())
            ready = ready and bool(self.supervisor_password.text())
            ready = ready and bool(self.override_reason.text().strip())
        self.confirm_button.setEnabled(ready)
        if ready and self.form_error.text() == NEEDS_APPROVAL:
            self.form_error.show_error(None)

    def _point_at_what_is_missing(self) -> None:
        """Ctrl+Enter before the visit may be settled: the cursor goes where the clerk must
        type, and the form says what is missing, rather than nothing happening."""
        if not self.id_number.text().strip():
            target, message = self.id_number.edit, "请先输入身份证号。"
        else:
            target, message = what_blocks_settling(
                self,
                self.breakdown.result is not None,
                self.fields["total"],
                (self.supervisor, self.supervisor_password, self.override_reason),
            )
        if target is None:
            return
        if message:
            self.form_error.show_error(message)
            self._scroll.ensureWidgetVisible(self.form_error)  # the reason, then the field
        self._scroll.ensureWidgetVisible(target)
        target.setFocus()

    # --- saving ------------------------------------------------------------------------------
    def confirm(self) -> None:
        if not self.confirm_button.isEnabled():
            self._point_at_what_is_missing()
            return
        override = None
        if self.missing_papers():
            override = {
                "supervisor": self.supervisor.text().strip(),
                "password": self.supervisor_password.text(),
                "reason": self.override_reason.text().strip(),
            }
        for widget in (self.id_number, self.name, self.diagnosis, self.off_roster_reason):
            widget.set_error(None)
        form = self.visit_input()
        self.confirm_button.setEnabled(False)
        run_in_background(
            lambda: self._confirm(form, override),
            self._saved,
            lambda exc: self._refused(exc, override),
            owner=self,
        )

    def _saved(self, slip_number: str) -> None:
        self.slip_number = slip_number
        self.settled.emit(slip_number)
        self.done(QDialog.DialogCode.Accepted)

    def _refused(self, exc: Exception, override: dict | None) -> None:
        self._update_confirm()
        if override and getattr(exc, "field", "") in APPROVAL_FIELDS:
            show_approval_error(exc, self.supervisor, self.supervisor_password)
            self.supervisor_password.setText("")
        else:
            self._show_error(exc)
            for error in getattr(exc, "errors", ()):
                self._show_error(error)
        QMessageBox.warning(self, "未能结算", str(exc))

    def unsaved(self) -> bool:
        return self.slip_number is None and self.has_input()
