"""入院备案登记: the person (ID number first), their assistance class and the admission.

Each field is checked as it is typed and its error shown under it, naming the field. The ID
number fills in birth date and sex, and the roster's answer for it is shown. What is typed is
kept as a draft on disk; closing with unsaved input asks first.
"""

from datetime import date, datetime
from itertools import pairwise

from app.forms import AdmissionInput, PersonInput, registration_errors
from app.identity import IdentityError, compact_id, parse_resident_id, typing_problem
from app.vocabulary import (
    CATEGORY_NAMES,
    FACILITY_NAMES,
    INSURANCE_NAMES,
    REFERRAL_FACILITIES,
    VISIT_NAMES,
)
from ui.date_fields import DateField
from ui.drafts import REGISTRATION_DRAFT, DraftBox
from ui.fields import (
    FIX_MARKED,
    CheckedLineEdit,
    EnterMovesOn,
    ErrorLabel,
    enter_leaves,
    first_showing_error,
)
from ui.fitting import fit_to_screen, grow_with, scrolling_column
from ui.ops import run_in_background
from ui.qt import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateTime,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QMessageBox,
    QSize,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.unsaved import AsksBeforeClosing

DRAFT_KEY = REGISTRATION_DRAFT
TEXT_FIELDS = (
    ("id_number", "身份证号", "18位，末位可为X；扫描或键入"),
    ("name", "姓名", ""),
    ("phone", "联系电话", "可不填"),
    ("insurance_card", "社保卡号（医保卡号）", "可不填；卡面上的字母和数字"),
    ("household_size", "家庭人口", "可不填；人数"),
    ("household_income", "家庭年收入（元）", "可不填；如 24000.00"),
    ("certificate_number", "证件号码", "低保证、特困供养证等的编号"),
    ("off_roster_reason", "未在名册的登记理由", "不在当前名册时必须填写"),
    ("admission_number", "住院号", ""),
    ("department", "科室", ""),
    ("diagnosis", "诊断", ""),
    ("referral_number", "转诊单号", ""),
    ("referral_from", "转出医院", ""),
    ("referral_to", "转入医院", ""),
)
_ON_ROSTER = {"on_roster": True, "not_found": False, "expired": False}
_ROSTER_COLOURS = {"on_roster": "#1b5e20", "expired": "#e65100", "not_found": "#b00020"}


def _combo(parent: QWidget, names: dict[str, str], codes=None) -> QComboBox:
    combo = QComboBox(parent)
    for code in codes if codes is not None else names:
        combo.addItem(names.get(code, code), code)
    return combo


class _Sections(QWidget):
    """The form's four sections, in a scroll area. Its size hint is as tall as its wrapped
    lines are at its width (Qt's hint is for its widest layout, where errors wrap less), so
    ``grow_with`` makes the dialog tall enough for them while the screen has room."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth() and self.width() > 0:
            hint.setHeight(max(hint.height(), layout.totalHeightForWidth(self.width())))
        return hint


class RegistrationForm(EnterMovesOn, AsksBeforeClosing, QDialog):
    registered = Signal(int)  # admission id
    CLOSE_TITLE = "关闭入院登记"
    CLOSE_TEXT = "登记尚未保存。"

    def __init__(self, desk, drafts: DraftBox | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self._drafts = drafts
        self._draft_key = DRAFT_KEY
        self._saved = False
        self._touched: set[str] = set()
        self._id_done = False  # the clerk has left the ID field (or typed all 18 characters)
        self.roster_state = ""
        self._filled_name = ""  # the name last filled in from a known ID number
        self._known_names: dict[str, str | None] = {}  # ID number → name in the store
        self.setWindowTitle("入院备案登记")
        self.fields = {key: CheckedLineEdit(label, hint, self) for key, label, hint in TEXT_FIELDS}
        for key, field in self.fields.items():
            field.setObjectName(f"field_{key}")
        self.site = desk.site()
        self.policies = desk.policies

        self.birth_date = QLabel("—", self)
        self.sex = QLabel("—", self)
        self.roster = QLabel("输入身份证号后显示名册核对结果", self)
        self.roster.setWordWrap(True)
        self.policy = _combo(
            self,
            {pid: loaded.definition.title for pid, loaded in self.policies.items()},
        )
        if self.site is not None:
            self.policy.setCurrentIndex(max(self.policy.findData(self.site.default_policy), 0))
        self.category = QComboBox(self)
        self.certificate_type = QComboBox(self)
        self.certificate_type.setEditable(True)
        enter_leaves(self.certificate_type)
        self.insurance = _combo(self, INSURANCE_NAMES)
        self.visit = QComboBox(self)
        self.facility = _combo(self, FACILITY_NAMES)
        if self.site is not None:
            self.facility.setCurrentIndex(max(self.facility.findData(self.site.facility), 0))
        self.admitted_at = DateField("入院时间", "yyyy-MM-dd HH:mm", self)
        self.referral_approved = QCheckBox("转诊已经批准", self)
        self.referral_at = DateField("转诊时间", "yyyy-MM-dd HH:mm", self)
        self.errors = {
            key: ErrorLabel(self) for key in ("category", "admitted_at", "referral", "policy")
        }
        self.form_error = ErrorLabel(self)

        person = QGroupBox("一、人员", self)
        person_form = QFormLayout(person)
        person_form.addRow("身份证号：", self.fields["id_number"])
        born = QGridLayout()
        born.addWidget(QLabel("出生日期：", self), 0, 0)
        born.addWidget(self.birth_date, 0, 1)
        born.addWidget(QLabel("性别：", self), 0, 2)
        born.addWidget(self.sex, 0, 3)
        born.setColumnStretch(4, 1)
        person_form.addRow("（由身份证号识别）", born)
        person_form.addRow("姓名：", self.fields["name"])
        person_form.addRow("联系电话：", self.fields["phone"])
        # Asked by the paper forms (湖南 转诊单; 威海 申请表 二(一)2,3); all optional.
        person_form.addRow("社保卡号：", self.fields["insurance_card"])
        household = QGridLayout()
        household.addWidget(self.fields["household_size"], 0, 0)
        household.addWidget(QLabel("年收入（元）：", self), 0, 1)
        household.addWidget(self.fields["household_income"], 0, 2)
        self.fields["household_size"].error_below(household, 1, 0, 3)
        self.fields["household_income"].error_below(household, 2, 0, 3)
        person_form.addRow("家庭人口：", household)

        status = QGroupBox("二、救助对象身份", self)
        status_form = QFormLayout(status)
        status_form.addRow("名册核对：", self.roster)
        status_form.addRow("救助类别：", self.category)
        status_form.addRow("", self.errors["category"])
        status_form.addRow("证件类型：", self.certificate_type)
        status_form.addRow("证件号码：", self.fields["certificate_number"])
        status_form.addRow("登记理由：", self.fields["off_roster_reason"])

        admission = QGroupBox("三、入院信息", self)
        admission_form = QFormLayout(admission)
        admission_form.addRow("住院号：", self.fields["admission_number"])
        admission_form.addRow("入院时间：", self.admitted_at.row)
        admission_form.addRow("", self.errors["admitted_at"])
        admission_form.addRow("科室：", self.fields["department"])
        admission_form.addRow("诊断：", self.fields["diagnosis"])
        admission_form.addRow("执行政策：", self.policy)
        admission_form.addRow("", self.errors["policy"])
        admission_form.addRow("就诊类型：", self.visit)
        admission_form.addRow("参保类型：", self.insurance)
        admission_form.addRow("医疗机构级别：", self.facility)

        self.referral_box = QGroupBox("四、转诊信息（转诊就医时填写）", self)
        # Two fields a row, as the form on paper: the dialog fits a 1024×768 screen with a
        # restored draft's note and a wrapped error showing, no input squeezed.
        referral_form = QGridLayout(self.referral_box)
        referral_form.addWidget(self.referral_approved, 0, 1, 1, 3)
        referral_form.addWidget(self.errors["referral"], 1, 1, 1, 3)
        for row, pairs in enumerate(
            (
                (
                    ("转诊单号：", self.fields["referral_number"]),
                    ("转诊时间：", self.referral_at.row),
                ),
                (
                    ("转出医院：", self.fields["referral_from"]),
                    ("转入医院：", self.fields["referral_to"]),
                ),
            ),
            start=2,
        ):
            for column, (label, field) in zip((0, 2), pairs, strict=True):
                referral_form.addWidget(QLabel(label, self.referral_box), row, column)
                referral_form.addWidget(field, row, column + 1)
        referral_form.setColumnStretch(1, 1)
        referral_form.setColumnStretch(3, 1)

        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(
            "登记 (Ctrl+S)", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setShortcut("Ctrl+S")
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        sections = _Sections(self)
        grid = QGridLayout(sections)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(person, 0, 0)
        grid.addWidget(status, 1, 0)
        grid.addWidget(admission, 0, 1, 2, 1)
        grid.addWidget(self.referral_box, 2, 0, 1, 2)
        grid.setRowStretch(3, 1)
        # The sections scroll, the refusal and the buttons stay: several wrapped errors at
        # once (a name's unprintable character takes four lines) made the dialog taller than
        # a 1024×768 screen, 登记 and 取消 under its edge and the name's error cut in half.
        self._scroll = scroll = scrolling_column(self, sections)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        self._below = below = QVBoxLayout()
        below.addWidget(self.form_error)
        below.addWidget(self.buttons)
        layout.addLayout(below)
        self._right_margin = layout.contentsMargins().right()
        scroll.verticalScrollBar().rangeChanged.connect(self._room_for_scroll_bar)
        # Wide enough that each field's error stays on one line beside its input; as tall as
        # the sections need, as far as the screen has room.
        fit_to_screen(self, 1120)
        grow_with(self, scroll)
        QApplication.instance().focusChanged.connect(self._show_focused)
        self._tab_section_by_section()

        self._policy_changed()
        self._restore_draft()
        self._connect()
        self._facility_changed()
        self.fields["id_number"].edit.setFocus()

    def _room_for_scroll_bar(self, _low: int, high: int) -> None:
        """While the sections scroll, their scroll bar takes the dialog's right margin (the
        refusal and the buttons keep theirs): at 1024×768, with an ID number read (its birth
        date beside it) the sections and the bar were 9 px wider than the margins left."""
        layout, margin = self.layout(), self._right_margin
        margins = layout.contentsMargins()
        right = 0 if high > 0 else margin
        if margins.right() != right:
            layout.setContentsMargins(margins.left(), margins.top(), right, margins.bottom())
            self._below.setContentsMargins(0, 0, margin - right, 0)

    def _show_focused(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Scroll the field the cursor goes to into sight with its error: by Tab, by Enter
        (``EnterMovesOn``) or by a refused save."""
        if new is None or not self._scroll.widget().isAncestorOf(new):
            return
        owner = new.parentWidget()
        shown = owner if isinstance(owner, CheckedLineEdit) else new
        QTimer.singleShot(0, self, lambda: self._scroll.ensureWidgetVisible(shown))  # laid out

    def _tab_section_by_section(self) -> None:
        """Tab goes down 一、人员, then 二、身份, 三、入院, 四、转诊, then 登记: the order on paper,
        not the order the widgets were made in."""
        f = {key: field.edit for key, field in self.fields.items()}
        chain = [
            f["id_number"], f["name"], f["phone"],
            f["insurance_card"], f["household_size"], f["household_income"],
            self.category, self.certificate_type, f["certificate_number"], f["off_roster_reason"],
            f["admission_number"], self.admitted_at, f["department"], f["diagnosis"],
            self.policy, self.visit, self.insurance, self.facility,
            self.referral_approved, f["referral_number"], f["referral_from"], f["referral_to"],
            self.referral_at, self.save_button,
        ]  # fmt: skip
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _connect(self) -> None:
        for key, field in self.fields.items():
            field.edited.connect(lambda _text, k=key: self._edited(k))
        self.fields["id_number"].edit.editingFinished.connect(self._id_finished)
        self.policy.currentIndexChanged.connect(self._policy_changed)
        self.category.currentIndexChanged.connect(self._category_changed)
        self.facility.currentIndexChanged.connect(self._facility_changed)
        for widget in (self.category, self.certificate_type, self.insurance, self.visit):
            widget.currentIndexChanged.connect(lambda *_: self._edited(None))
        self.certificate_type.editTextChanged.connect(lambda *_: self._edited(None))
        self.referral_approved.toggled.connect(lambda *_: self._edited(None))
        self.admitted_at.dateTimeChanged.connect(lambda *_: self._edited("admitted_at"))
        self.referral_at.dateTimeChanged.connect(lambda *_: self._edited(None))

    # --- the policy decides which classes and visits there are ---------------------------
    def _version(self):
        loaded = self.policies.get(self.policy.currentData())
        if loaded is None:
            return None
        return loaded.definition.version_on(self.admitted_at.date().toPython())

    def _policy_changed(self) -> None:
        version = self._version()
        self.errors["policy"].show_error(
            None if version else "执行政策：入院日期不在本政策有效期内"
        )
        chosen_category = self.category.currentData()
        chosen_visit = self.visit.currentData()
        self.category.clear()
        self.visit.clear()
        if version is None:
            return
        for code, category in version.categories.items():
            # The policy's own name for the class is the one the clerk knows locally.
            self.category.addItem(category.name or CATEGORY_NAMES[code], code)
        for code in version.visits:
            self.visit.addItem(VISIT_NAMES[code], code)
        self.category.setCurrentIndex(max(self.category.findData(chosen_category), 0))
        self.visit.setCurrentIndex(max(self.visit.findData(chosen_visit), 0))
        self._category_changed()

    def _category_changed(self) -> None:
        version = self._version()
        code = self.category.currentData()
        typed = self.certificate_type.currentText()
        self.certificate_type.clear()
        if version is not None and code in version.categories:
            self.certificate_type.addItems(list(version.categories[code].certificates))
        if typed:
            self.certificate_type.setEditText(typed)

    def _facility_changed(self) -> None:
        # A stay at the county level may be a referral in too (靖江 第二十三条: 72 h filing,
        # its own papers); only one outside the area must have it (app.forms checks).
        self.referral_box.setVisible(self.facility.currentData() in REFERRAL_FACILITIES)
        self._edited(None)

    # --- checking as typed ---------------------------------------------------------------
    def _edited(self, key: str | None) -> None:
        if key is not None:
            self._touched.add(key)
        if key == "id_number":
            self._id_changed()
        self.validate()
        self._save_draft()

    def _id_changed(self) -> None:
        text = self.fields["id_number"].text().strip()
        self._id_done = self._id_done or len(text.replace(" ", "")) >= 18
        self.birth_date.setText("—")
        self.sex.setText("—")
        try:
            resident = parse_resident_id(text)
        except IdentityError:
            self.roster.setText("输入身份证号后显示名册核对结果")
            self.roster.setStyleSheet("")
            return
        self.birth_date.setText(resident.birth_date.isoformat())
        self.sex.setText(resident.sex_name)
        number, day, desk = resident.number, self._admission_day(), self.desk
        self.roster.setText("正在核对名册…")
        self.roster.setStyleSheet("")
        run_in_background(
            lambda: (desk.roster_answer(number, day), desk.known_name(number)),
            lambda found: self._roster_found(number, *found),
            lambda error: self.roster.setText(f"名册核对失败：{error}"),
            owner=self,
        )

    def _roster_found(self, number: str, answer, known: str | None) -> None:
        """The roster's answer and the stored name for ``number``, back from the desk."""
        self._known_names[number] = known
        if compact_id(self.fields["id_number"].text()) != number:
            return  # the clerk has typed on since (full-width digits are the same number)
        self.roster.setText(answer.text)
        self.roster.setStyleSheet(f"color: {_ROSTER_COLOURS[answer.state]}; font-weight: bold;")
        self.roster_state = answer.state
        if answer.category:
            self.category.setCurrentIndex(max(self.category.findData(answer.category), 0))
        typed = self.fields["name"].text().strip()
        # Fill in a known person's name; replace it only if it was filled in, not typed.
        if known and (not typed or typed == self._filled_name):
            self._filled_name = known
            self.fields["name"].setText(known)
        self.validate()

    def _id_finished(self) -> None:
        self._touched.add("id_number")
        self._id_done = True
        self.validate()

    def _admission_day(self) -> date:
        return self.admitted_at.date().toPython()

    def _id_message(self, error: str | None) -> str | None:
        """The ID number's error as shown: while it is still being typed, only a character
        that can never be right."""
        text = self.fields["id_number"].text().strip()
        if not text:
            return error if "id_number" in self._touched else None
        if len("".join(text.split())) < 18 and not self._id_done:
            return typing_problem(text)
        return error

    def validate(self) -> bool:
        """Show every field's error (app.forms, the checks the service runs before it
        writes); True when the form may be saved."""
        form = self.admission_input()
        number = compact_id(form.person.id_number)
        version = self._version()
        found = registration_errors(
            form,
            now=datetime.now(),
            version=version,
            facility=self.facility.currentData(),
            on_roster=_ON_ROSTER.get(self.roster_state),
            known_name=self._known_names.get(number),
        )
        errors = {error.field: error for error in found}
        # The reason for someone off the roster is asked for once the clerk has moved past it.
        touched = set(self._touched)
        if touched & {"admission_number"}:
            touched.add("off_roster_reason")
        for key, field in self.fields.items():
            error = errors.get(key)
            message = error.message if error and key in touched else None
            field.set_error(
                self._id_message(error and error.message) if key == "id_number" else message
            )
        for key in ("referral", "admitted_at", "category"):
            self.errors[key].show_error(str(errors[key]) if key in errors else None)
        if not found and self.form_error.text() == FIX_MARKED:
            self.form_error.show_error(None)
        return not found and version is not None

    def _beside_their_errors(self):
        """The inputs that are not ``CheckedLineEdit`` and the error label each has."""
        return (
            (self.category, self.errors["category"]),
            (self.admitted_at, self.errors["admitted_at"]),
            (self.policy, self.errors["policy"]),
            (self.referral_approved, self.errors["referral"]),
        )

    # --- saving --------------------------------------------------------------------------
    def admission_input(self) -> AdmissionInput:
        text = {key: field.text().strip() for key, field in self.fields.items()}
        referred = self.facility.currentData() == "outside" or (
            self.facility.currentData() in REFERRAL_FACILITIES
            and (
                self.referral_approved.isChecked()
                or any(text[key] for key in ("referral_number", "referral_from", "referral_to"))
            )
        )
        return AdmissionInput(
            person=PersonInput(
                id_number=text["id_number"],
                name=text["name"],
                phone=text["phone"] or None,
                insurance_card=text["insurance_card"] or None,
                household_size=text["household_size"] or None,
                household_income=text["household_income"] or None,
            ),
            admission_number=text["admission_number"],
            admitted_at=self.admitted_at.dateTime().toPython().replace(second=0, microsecond=0),
            department=text["department"],
            diagnosis=text["diagnosis"],
            category=self.category.currentData() or "",
            insurance=self.insurance.currentData(),
            facility=self.facility.currentData(),
            policy=self.policy.currentData(),
            visit=self.visit.currentData() or "inpatient",
            referral_approved=referred and self.referral_approved.isChecked(),
            referral_number=text["referral_number"] if referred else None,
            referral_from=text["referral_from"] if referred else None,
            referral_to=text["referral_to"] if referred else None,
            referral_at=self.referral_at.dateTime().toPython() if referred else None,
            certificate_type=self.certificate_type.currentText().strip() or None,
            certificate_number=text["certificate_number"] or None,
            off_roster_reason=text["off_roster_reason"] or None,
        )

    def save(self) -> None:
        self._touched.update(self.fields)
        self._id_done = True  # saved with Ctrl+S from the ID field: no focus-out came
        if not self.validate():
            self.form_error.show_error(FIX_MARKED)
            wrong = first_showing_error(self, self._beside_their_errors())
            if wrong is not None:
                wrong.setFocus()
            return
        form, desk = self.admission_input(), self.desk
        self.save_button.setEnabled(False)
        run_in_background(lambda: desk.register(form), self._registered, self._refused)

    def _refused(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValueError):
            self._show_service_error(exc)
        else:
            self.form_error.show_error(str(exc))

    def _registered(self, registration) -> None:
        self._saved = True
        if self._drafts is not None:
            self._drafts.discard(self._draft_key)
        if registration.warnings:
            QMessageBox.information(self, "已登记（请注意）", "\n".join(registration.warnings))
        self.registered.emit(registration.admission_id)
        self.done(QDialog.DialogCode.Accepted)

    def _show_service_error(self, exc: ValueError) -> None:
        """Each refused field beside itself (``FieldErrors`` carries them all)."""
        for error in getattr(exc, "errors", (exc,)):
            key = getattr(error, "field", "")
            if key in self.fields:
                self.fields[key].set_error(error.message)
            elif key in self.errors:
                self.errors[key].show_error(str(error))
            else:
                self.form_error.show_error(str(error))

    def has_input(self) -> bool:
        return any(field.text().strip() for field in self.fields.values())

    def unsaved(self) -> bool:
        return not self._saved and self.has_input()

    # --- the draft -----------------------------------------------------------------------
    def typed(self) -> dict[str, object]:
        return {
            **{key: field.text() for key, field in self.fields.items()},
            "policy": self.policy.currentData(),
            "category": self.category.currentData(),
            "certificate_type": self.certificate_type.currentText(),
            "insurance": self.insurance.currentData(),
            "visit": self.visit.currentData(),
            "facility": self.facility.currentData(),
            "admitted_at": self.admitted_at.dateTime().toString("yyyy-MM-dd HH:mm"),
            "referral_approved": self.referral_approved.isChecked(),
            "referral_at": self.referral_at.dateTime().toString("yyyy-MM-dd HH:mm"),
        }

    def _save_draft(self) -> None:
        if self._drafts is not None and not self._saved:
            self._drafts.keep(self._draft_key, self.typed() if self.has_input() else None)

    def _restore_draft(self) -> None:
        draft = self._drafts.load(self._draft_key) if self._drafts is not None else None
        if not draft:
            return
        for combo, key in (
            (self.policy, "policy"),
            (self.facility, "facility"),
            (self.insurance, "insurance"),
        ):
            combo.setCurrentIndex(max(combo.findData(draft.get(key)), 0))
        for edit, key in ((self.admitted_at, "admitted_at"), (self.referral_at, "referral_at")):
            moment = QDateTime.fromString(str(draft.get(key, "")), "yyyy-MM-dd HH:mm")
            if moment.isValid():
                edit.setDateTime(moment)
        self._policy_changed()
        self.category.setCurrentIndex(max(self.category.findData(draft.get("category")), 0))
        self.visit.setCurrentIndex(max(self.visit.findData(draft.get("visit")), 0))
        self.certificate_type.setEditText(str(draft.get("certificate_type") or ""))
        self.referral_approved.setChecked(bool(draft.get("referral_approved")))
        for key, field in self.fields.items():
            field.setText(str(draft.get(key) or ""))
        self._id_changed()
        self.form_error.show_error("已恢复上次未保存的登记草稿。")
