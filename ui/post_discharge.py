"""事后报销: the queue of claims paid after discharge by status and due date, the intake form,
the supervisor's review, the payment batch and the bank's answer.

Every call goes to ``app.desk`` through ``ui.ops.run_in_background``; the window shows the
amounts the desk returns and computes none. Keys: Ctrl+N 受理, Ctrl+R 审核, Ctrl+B 代发清单,
Ctrl+Shift+B 重写代发清单, Ctrl+U 银行回执, Ctrl+P 受理回执, F5 刷新; Esc closes.
"""

from itertools import pairwise

from ui.date_fields import DateField
from ui.fields import (
    CheckedLineEdit,
    EnterMovesOn,
    ErrorLabel,
    first_showing_error,
    focus_first_error,
)
from ui.fitting import fit_to_screen
from ui.ops import run_in_background
from ui.qt import (
    QAbstractItemView,
    QCheckBox,
    QColor,
    QComboBox,
    QDate,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QShortcut,
    QSplitter,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from ui.rows_model import RowsModel
from ui.sign_in import NewPassword
from ui.unsaved import AsksBeforeClosing
from ui.void_dialog import show_approval_error, supervisor_fields

# How a batch whose list was not written is written again, in the window's words.
AGAIN_IN_WINDOW = "事后报销 →“重写代发清单”，填编号 {number}"
STATUS_CHOICES = (
    ("全部", None),
    ("已受理待审核", "received"),
    ("已审核待支付", "approved"),
    ("已送银行", "batched"),
    ("已支付", "paid"),
    ("已退回", "returned"),
)
DUE_MARKS = {"overdue": "（逾期）", "today": "（今日到期）"}


class ClaimsModel(RowsModel):
    """``app.desk.post_discharge.ClaimRow``s; overdue ones in red."""

    def __init__(self, parent=None):
        super().__init__(
            ("报销单号", "状态", "到期日", "姓名", "类别", "就诊医院", "金额（元）"), parent
        )

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and row.due_state == "overdue":
            return QColor("#b00020")
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        due = f"{row.due:%Y-%m-%d}{DUE_MARKS.get(row.due_state, '')}" if row.due else "—"
        cells = (
            row.claim_number,
            row.status_name,
            due,
            row.name,
            row.kind_name,
            row.hospital,
            str(row.payable),
        )
        return cells[index.column()]


class PostDischargeView(QDialog):
    def __init__(self, desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.unwritten_batch: str | None = None
        self.setWindowTitle("事后报销")
        self.status = QComboBox(self)
        for text, code in STATUS_CHOICES:
            self.status.addItem(text, code)
        self.status.currentIndexChanged.connect(self.refresh)
        self.counts = QLabel(self)
        self.model = ClaimsModel(self)
        self.table = QTableView(self)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.show_detail())
        self.detail = QPlainTextEdit(self)
        self.detail.setReadOnly(True)
        self.message = QLabel(self)
        self.message.setWordWrap(True)

        # Two rows, as the work goes: intake to the bank's list, then the bank's answer. In
        # one row with their keys they were wider than a 1024×768 screen.
        buttons = QGridLayout()
        self.buttons = {}
        for index, (key, text, shortcut, slot) in enumerate(
            (
                ("intake", "受理…", "Ctrl+N", self.open_intake),
                ("review", "审核…", "Ctrl+R", self.open_review),
                ("batch", "代发清单…", "Ctrl+B", self.make_batch),
                ("batch_file", "重写代发清单…", "Ctrl+Shift+B", self.open_batch_file),
                ("bank", "银行回执…", "Ctrl+U", self.open_bank),
                ("receipt", "受理回执 PDF…", "Ctrl+P", self.save_receipt),
                ("refresh", "刷新", "F5", self.refresh),
            )
        ):
            button = QPushButton(f"{text}（{shortcut}）", self)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            QShortcut(QKeySequence(shortcut), self, activated=slot)
            buttons.addWidget(button, *divmod(index, 4))
            self.buttons[key] = button
        buttons.setColumnStretch(4, 1)

        top = QHBoxLayout()
        top.addWidget(QLabel("状态：", self))
        top.addWidget(self.status)
        top.addSpacing(16)
        top.addWidget(self.counts, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        self.setTabOrder(self.status, self.table)
        fit_to_screen(self, 1000, 680)
        self.refresh()
        self.table.setFocus()

    # --- the queue -------------------------------------------------------------------------
    def _run(self, work, done) -> None:
        run_in_background(work, done, self._failed, owner=self)

    def _failed(self, error: Exception) -> None:
        # A batch made whose list was not written: offer it to 重写代发清单.
        self.unwritten_batch = getattr(error, "batch_number", self.unwritten_batch)
        self.message.setStyleSheet("color: #b00020;")
        self.message.setText(str(error))

    def _say(self, text: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(text)

    def refresh(self) -> None:
        status = self.status.currentData()
        self._run(lambda: (self.desk.claim_queue(status), self.desk.claims_due()), self._show)

    def _show(self, answer) -> None:
        rows, (today, overdue) = answer
        self.model.set_rows(rows)
        self.counts.setText(f"今日到期 {today} 笔，已逾期 {overdue} 笔；共列出 {len(rows)} 笔")
        if rows:
            self.table.selectRow(0)
        else:
            self.detail.setPlainText("")

    def current(self):
        index = self.table.currentIndex()
        return self.model.rows[index.row()] if index.isValid() else None

    def show_detail(self) -> None:
        row = self.current()
        if row is None:
            return
        self._run(lambda: self.desk.claim_detail(row.claim_number), self._show_detail)

    def _show_detail(self, detail) -> None:
        row = detail.row
        lines = [
            f"{row.claim_number}　{row.status_name}　{row.name}（{row.id_number}）",
            f"{row.kind_name}　{row.hospital}　{row.admitted_on:%Y-%m-%d} 至 "
            f"{row.discharged_on:%Y-%m-%d}　账户：{row.account}　金额：{row.payable} 元",
        ]
        if row.return_reason:
            lines.append(f"退回理由：{row.return_reason}")
        for title, items in (
            ("计算", detail.steps),
            ("材料", detail.materials),
            ("代发", detail.batches),
        ):
            if items:
                lines.append(f"{title}：")
                lines += [f"　{item}" for item in items]
        self.detail.setPlainText("\n".join(lines))

    # --- actions ---------------------------------------------------------------------------
    def open_intake(self) -> None:
        self.intake = IntakeDialog(self.desk, self)
        self.intake.accepted.connect(self._received)
        self.intake.open()

    def _received(self) -> None:
        row = self.intake.received
        self._say(
            f"已受理 {row.claim_number}：{row.name}，{row.payable} 元，"
            f"审核期限 {row.due:%Y-%m-%d}。可按 Ctrl+P 保存受理回执。"
        )
        self.refresh()

    def open_review(self) -> None:
        row = self.current()
        if row is None or row.status != "received":
            self._failed("请先选中一笔“已受理待审核”的报销")
            return
        self.review = ReviewDialog(self.desk, row, self)
        self.review.accepted.connect(self._reviewed)
        self.review.open()

    def _reviewed(self) -> None:
        review = self.review
        row = review.row
        if review.approve.isChecked():
            said = f"已审核通过 {row.claim_number}：{row.name}，{row.payable} 元，待列入代发清单。"
        else:
            said = f"已退回 {row.claim_number}：{row.name}（{review.reason.text().strip()}）。"
        self._say(said)  # not the intake's message left from before
        self.refresh()

    def make_batch(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "代发清单写到哪个文件夹")
        if not folder:
            return

        def work():
            self.desk.check_batch_folder(folder)
            batch = self.desk.make_batch()
            return batch, self.desk.write_batch_file(batch.batch_number, folder, AGAIN_IN_WINDOW)

        self._run(work, self._batch_written)

    def _batch_written(self, answer) -> None:
        batch, path = answer
        if batch.batch_number == self.unwritten_batch:
            self.unwritten_batch = None
        self._say(
            f"代发清单 {batch.batch_number}：{batch.count} 笔，合计 {batch.total} 元，已写到 {path}"
        )
        self.refresh()

    def open_batch_file(self) -> None:
        self.batch_file = BatchFileDialog(self.desk, self.unwritten_batch or "", self)
        self.batch_file.accepted.connect(lambda: self._batch_written(self.batch_file.written))
        self.batch_file.open()

    def open_bank(self) -> None:
        self.bank = BankDialog(self.desk, self.current(), self)
        self.bank.accepted.connect(self.refresh)
        self.bank.open()

    def save_receipt(self) -> None:
        row = self.current()
        if row is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "保存受理回执", f"受理回执-{row.claim_number}.pdf", "PDF (*.pdf)"
        )
        if not path:
            return

        def work():
            with open(path, "wb") as file:
                file.write(self.desk.receipt_pdf(row.claim_number))
            return path

        self._run(work, lambda saved: self._say(f"受理回执已保存：{saved}"))


class IntakeDialog(EnterMovesOn, AsksBeforeClosing, QDialog):
    """受理: the person and the stay, the bill, the bank account and the materials ticked from
    the policy's list for that stage. Ctrl+S saves; Esc with input typed asks first."""

    CLOSE_TITLE = "关闭事后报销受理"
    CLOSE_TEXT = "已录入的事后报销申请尚未受理。"

    TEXT_FIELDS = (
        ("id_number", "身份证号", "18位"),
        ("name", "姓名", ""),
        ("hospital", "就诊医院", "如：靖江市人民医院"),
        ("referral_number", "转诊单号", "有则填写"),
        ("total", "医疗总费用", "元"),
        ("out_of_catalog", "目录外费用", "元，无则 0"),
        ("basic_insurance", "基本医保支付", "元"),
        ("critical_illness", "大病保险支付", "元，无则 0"),
        ("other_compensation", "其他补偿", "元，无则 0"),
        ("account_name", "户名", "银行卡开户人"),
        ("bank", "开户银行", "如：农村商业银行"),
        ("card_number", "银行卡号", "银联卡校验末位"),
    )

    def __init__(self, desk, parent: QWidget | None = None):
        super().__init__(parent)
        from app.vocabulary import CATEGORY_NAMES, FACILITY_NAMES, INSURANCE_NAMES

        self.desk = desk
        self.received = None
        self.setWindowTitle("事后报销受理")
        self.fields = {
            key: CheckedLineEdit(label, hint, self) for key, label, hint in self.TEXT_FIELDS
        }
        self.category = QComboBox(self)
        for code, name in CATEGORY_NAMES.items():
            self.category.addItem(name, code)
        self.insurance = QComboBox(self)
        for code, name in INSURANCE_NAMES.items():
            self.insurance.addItem(name, code)
        self.facility = QComboBox(self)
        for code, name in FACILITY_NAMES.items():
            self.facility.addItem(name, code)
        self.facility.setCurrentIndex(max(0, self.facility.findData("county")))
        self.admitted = DateField("入院日期", "yyyy-MM-dd", self, QDate.currentDate())
        self.discharged = DateField("出院日期", "yyyy-MM-dd", self, QDate.currentDate())
        self.referral_approved = QCheckBox("转诊已批准", self)
        self.materials = QListWidget(self)
        self.scans: dict = {}  # document code -> the scanned file chosen for it
        self.scan_button = QPushButton("为选中材料附扫描件…", self)
        self.scan_button.setAutoDefault(False)
        self.scan_button.clicked.connect(self.attach_scan)
        self.route = QLabel(self)
        self.route.setWordWrap(True)
        self.error = ErrorLabel(self)
        for combo in (self.category, self.facility):
            combo.currentIndexChanged.connect(self.load_materials)
        self.discharged.dateChanged.connect(self.load_materials)

        person = QGroupBox("人员与住院", self)
        grid = QFormLayout(person)
        grid.addRow("身份证号：", self.fields["id_number"])
        grid.addRow("姓名：", self.fields["name"])
        grid.addRow("救助对象类别：", self.category)
        grid.addRow("参保类型：", self.insurance)
        grid.addRow("就诊医院：", self.fields["hospital"])
        grid.addRow("医院级别：", self.facility)
        grid.addRow("入院日期：", self.admitted.row)
        grid.addRow("出院日期：", self.discharged.row)
        grid.addRow("转诊单号：", self.fields["referral_number"])
        grid.addRow("", self.referral_approved)
        bill = QGroupBox("发票与结算单金额", self)
        money = QFormLayout(bill)
        for key in (
            "total",
            "out_of_catalog",
            "basic_insurance",
            "critical_illness",
            "other_compensation",
        ):
            money.addRow(f"{self.fields[key].label}：", self.fields[key])
        account = QGroupBox("银行账户", self)
        bank = QFormLayout(account)
        for key in ("account_name", "bank", "card_number"):
            bank.addRow(f"{self.fields[key].label}：", self.fields[key])
        papers = QGroupBox("收到的材料（政策规定）", self)
        listing = QVBoxLayout(papers)
        listing.addWidget(self.route)
        listing.addWidget(self.materials, 1)
        listing.addWidget(self.scan_button)

        columns = QGridLayout()
        columns.addWidget(person, 0, 0, 2, 1)
        columns.addWidget(bill, 0, 1)
        columns.addWidget(account, 1, 1)
        columns.addWidget(papers, 0, 2, 2, 1)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton(
            "受理（Ctrl+S）", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        fit_to_screen(self, 1000, 640)
        f = {key: field.edit for key, field in self.fields.items()}
        chain = [
            f["id_number"],
            f["name"],
            self.category,
            self.insurance,
            f["hospital"],
            self.facility,
            self.admitted,
            self.discharged,
            f["referral_number"],
            self.referral_approved,
            f["total"],
            f["out_of_catalog"],
            f["basic_insurance"],
            f["critical_illness"],
            f["other_compensation"],
            f["account_name"],
            f["bank"],
            f["card_number"],
            self.materials,
            self.scan_button,
            self.save_button,
            self.cancel_button,
        ]  # section by section, as the form reads: person and stay, bill, bank, papers
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.fields["id_number"].edit.setFocus()
        self.fields["id_number"].edited.connect(self._id_typed)
        self.materials.itemChanged.connect(lambda _item: self.error.show_error(None))
        self.load_materials()

    def _id_typed(self, text: str) -> None:
        """A known ID number fills 姓名 (when empty) and the roster's 救助对象类别 in, as 门诊结算
        does."""
        number = text.strip().upper()
        if len(number) != 18:
            return
        desk, day = self.desk, self.discharged.date().toPython()

        def found(answer) -> None:
            name, roster = answer
            if self.fields["id_number"].text().strip().upper() != number:
                return  # typed on since
            if name and not self.fields["name"].text().strip():
                self.fields["name"].setText(name)
            index = self.category.findData(roster.category) if roster.category else -1
            if index >= 0:
                self.category.setCurrentIndex(index)

        run_in_background(
            lambda: (desk.known_name(number), desk.roster_answer(number, day)),
            found,
            lambda _error: None,  # not found: typed by hand, checked at 受理
            owner=self,
        )

    def load_materials(self) -> None:
        policy = self.desk.site().default_policy
        facility, category = self.facility.currentData(), self.category.currentData()
        day = self.discharged.date().toPython()

        def shown(answer) -> None:
            documents, route = answer
            ticked = self.ticked()
            self.materials.clear()
            for code, name, clause in documents:
                item = QListWidgetItem(f"{name}（{clause}）", self.materials)
                item.setData(Qt.ItemDataRole.UserRole, code)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if code in ticked else Qt.CheckState.Unchecked
                )
            self.route.setText(route)

        def refused(error) -> None:
            self.materials.clear()
            self.route.setText(str(error))

        run_in_background(
            lambda: self.desk.claim_documents(policy, facility, category, day),
            shown,
            refused,
            owner=self,
        )

    def attach_scan(self) -> None:
        item = self.materials.currentItem()
        if item is None:
            self.error.show_error("请先在材料清单中选中一项，再附扫描件")
            return
        path, _ = QFileDialog.getOpenFileName(
            self, "选择扫描件", "", "扫描件 (*.png *.jpg *.jpeg *.tif *.tiff *.pdf)"
        )
        if not path:
            return
        from pathlib import Path

        self.scans[item.data(Qt.ItemDataRole.UserRole)] = Path(path)
        item.setCheckState(Qt.CheckState.Checked)
        if not item.text().endswith("（已附扫描件）"):
            item.setText(f"{item.text()}（已附扫描件）")

    def ticked(self) -> tuple[str, ...]:
        return tuple(
            self.materials.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.materials.count())
            if self.materials.item(i).checkState() == Qt.CheckState.Checked
        )

    def form(self):
        from app.forms import Amounts, PersonInput
        from app.services.paid_later import BankAccount, IntakeInput, StayInput

        text = {key: field.text() for key, field in self.fields.items()}
        return IntakeInput(
            stay=StayInput(
                person=PersonInput(id_number=text["id_number"], name=text["name"]),
                hospital=text["hospital"],
                facility=self.facility.currentData(),
                admitted_on=self.admitted.date().toPython(),
                discharged_on=self.discharged.date().toPython(),
                category=self.category.currentData(),
                insurance=self.insurance.currentData(),
                referral_number=text["referral_number"],
                referral_approved=self.referral_approved.isChecked(),
            ),
            amounts=Amounts(
                text["total"],
                text["out_of_catalog"] or "0",
                text["basic_insurance"] or "0",
                text["critical_illness"] or "0",
                text["other_compensation"] or "0",
            ),
            bank=BankAccount(text["account_name"], text["bank"], text["card_number"]),
            materials=self.ticked(),
            scans=dict(self.scans),
        )

    def unsaved(self) -> bool:
        if self.received is not None:
            return False
        typed = any(field.text().strip() for field in self.fields.values())
        ticked = any(
            self.materials.item(i).checkState() == Qt.CheckState.Checked
            for i in range(self.materials.count())
        )
        return typed or ticked

    def save(self) -> None:
        for field in self.fields.values():
            field.set_error(None)
        self.error.show_error(None)
        form = self.form()
        self.save_button.setEnabled(False)
        run_in_background(
            lambda: self.desk.receive_claim(form), self._saved, self._refused, owner=self
        )

    def _saved(self, row) -> None:
        self.received = row
        self.accept()

    def _refused(self, error: Exception) -> None:
        """Every field refused marked at once, the cursor on the first (in the form's order);
        a refusal of no text field (materials, referral) said below, the cursor there."""
        self.save_button.setEnabled(True)
        others = []
        for problem in getattr(error, "errors", None) or [error]:
            field = self.fields.get(getattr(problem, "field", ""))
            if field is not None:
                field.set_error(getattr(problem, "message", str(problem)))
            else:
                others.append(problem)
        if others:
            self.error.show_error("；".join(str(problem) for problem in others))
        if first_showing_error(self) is not None:
            focus_first_error(self)
        elif others:
            where = {"materials": self.materials, "referral_approved": self.referral_approved}
            target = where.get(getattr(others[0], "field", ""))
            if target is not None:
                target.setFocus()


class ReviewDialog(EnterMovesOn, QDialog):
    """审核: pass, or return with a reason; a supervisor's name and password as for a void."""

    def __init__(self, desk, row, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.row = row
        self.setWindowTitle(f"审核 {row.claim_number}")
        summary = QLabel(
            f"{row.claim_number}　{row.name}　{row.kind_name}　{row.hospital}　{row.payable} 元",
            self,
        )
        summary.setWordWrap(True)
        self.approve = QRadioButton("审核通过", self)
        self.give_back = QRadioButton("退回", self)
        self.approve.setChecked(True)
        self.reason = CheckedLineEdit("退回理由", "退回时必填，如：出院小结缺页", self)
        self.supervisor, self.password = supervisor_fields(self)
        if desk.user is not None and desk.may("supervisor"):
            self.supervisor.setText(desk.user.name)
        # A supervisor still on the initial password sets a new one here, as at a discharge.
        self.new_password = NewPassword(
            lambda: self.supervisor.text().strip(), self, label="主管新密码"
        )
        self.new_password.hide()
        self.error = ErrorLabel(self)
        form = QFormLayout()
        choice = QHBoxLayout()
        choice.addWidget(self.approve)
        choice.addWidget(self.give_back)
        form.addRow("结论：", choice)
        form.addRow("退回理由：", self.reason)
        form.addRow("审核主管：", self.supervisor)
        form.addRow("主管密码：", self.password)
        form.addRow(self.new_password)
        self.password.edit.returnPressed.connect(self.confirm)
        self.new_password.again.edit.returnPressed.connect(self.confirm)
        buttons = QDialogButtonBox(self)
        self.ok_button = buttons.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.confirm)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        fit_to_screen(self, 560)

    def confirm(self) -> None:
        approve = self.approve.isChecked()
        reason = self.reason.text().strip()
        supervisor = self.supervisor.text().strip()
        password = self.password.text()
        self.reason.set_error(None if approve or reason else "退回须填写理由")
        self.supervisor.set_error(None if supervisor else "审核须由主管批准，请填写主管登录名")
        self.password.set_error(None if password else "须由主管本人输入密码")
        if not (supervisor and password and (approve or reason)):
            return
        new_password = None
        if self.new_password.isVisible():
            if not self.new_password.require():
                return
            new_password = self.new_password.text()
        self.ok_button.setEnabled(False)
        run_in_background(
            lambda: self.desk.review_claim(
                self.row.claim_number,
                approve,
                reason or None,
                supervisor,
                password,
                new_password=new_password,
            ),
            lambda _row: self.accept(),
            self._refused,
            owner=self,
        )

    def _refused(self, exc: Exception) -> None:
        self.ok_button.setEnabled(True)
        field = getattr(exc, "field", "")
        if field == "new_password":
            self.error.show_error(str(exc))
            self.new_password.show()
            self.new_password.password.edit.setFocus()
            return  # the password typed stays: it is checked again with the new one
        if field in ("password", "user", "clerk", "supervisor"):
            show_approval_error(exc, self.supervisor, self.password)
        else:
            self.error.show_error(str(exc))
        self.password.setText("")
        # The cursor where the clerk must act (the field marked, else the password), not on
        # 取消, where the next Enter closed the dialog.
        self.password.edit.setFocus()
        focus_first_error(self)


class BatchFileDialog(EnterMovesOn, QDialog):
    """重写代发清单: an existing batch's list written again (after a write that failed)."""

    def __init__(self, desk, number: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.written = None  # (BatchRow, path) once written
        self.setWindowTitle("重写代发清单")
        self.batch = CheckedLineEdit("代发清单编号", "如：JJ01-DF2026-000001", self)
        self.batch.setText(number)
        self.error = ErrorLabel(self)
        form = QFormLayout()
        form.addRow("代发清单：", self.batch)
        buttons = QDialogButtonBox(self)
        self.ok_button = buttons.addButton(
            "选择文件夹并写出…", QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.write)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("已生成的代发清单（其中报销为“已送银行”）再写出一次，内容不变。", self)
        )
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        fit_to_screen(self, 520)

    def write(self) -> None:
        number = self.batch.text().strip()
        self.batch.set_error(None if number else "请填写代发清单编号")
        if not number:
            return
        folder = QFileDialog.getExistingDirectory(self, "代发清单写到哪个文件夹")
        if not folder:
            return

        def work():
            batch = self.desk.batch(number)
            return batch, self.desk.write_batch_file(batch.batch_number, folder, AGAIN_IN_WINDOW)

        self.error.show_error(None)
        run_in_background(work, self._written, self._refused, owner=self)

    def _written(self, answer) -> None:
        self.written = answer
        self.accept()

    def _refused(self, exc: Exception) -> None:
        if getattr(exc, "field", "") == "batch_number":
            self.batch.set_error(getattr(exc, "message", str(exc)))
        else:
            self.error.show_error(str(exc))


class BankDialog(EnterMovesOn, QDialog):
    """银行回执: the batch, then the bank's file, or one claim marked paid or failed."""

    def __init__(self, desk, row, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.setWindowTitle("登记银行回执")
        self.batch = CheckedLineEdit("代发清单编号", "如：JJ01-DF2026-000001", self)
        self.claim = CheckedLineEdit("报销单号", "逐笔登记时填写", self)
        if row is not None and row.status == "batched":
            self.claim.setText(row.claim_number)
        self.failed = QCheckBox("支付失败", self)
        self.reason = CheckedLineEdit("失败原因", "失败时必填，如：户名与卡号不符", self)
        self.error = ErrorLabel(self)
        self.file_button = QPushButton("从银行回执文件登记…", self)
        self.file_button.setAutoDefault(False)
        self.file_button.clicked.connect(self.from_file)
        form = QFormLayout()
        form.addRow("代发清单：", self.batch)
        form.addRow("", self.file_button)
        form.addRow("报销单号：", self.claim)
        form.addRow("", self.failed)
        form.addRow("失败原因：", self.reason)
        buttons = QDialogButtonBox(self)
        self.ok_button = buttons.addButton("登记此笔", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.mark_one)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        fit_to_screen(self, 520)

    def _batch(self) -> str | None:
        number = self.batch.text().strip()
        self.batch.set_error(None if number else "请填写代发清单编号")
        return number or None

    def from_file(self) -> None:
        number = self._batch()
        if number is None:
            return
        path, _ = QFileDialog.getOpenFileName(self, "银行回执文件", "", "CSV (*.csv)")
        if path:
            self._mark(lambda: self.desk.mark_bank_file(number, path))

    def mark_one(self) -> None:
        from app.services.paid_later import BankResult

        number = self._batch()
        claim = self.claim.text().strip()
        self.claim.set_error(None if claim else "请填写报销单号")
        if number is None or not claim:
            return
        failed = self.failed.isChecked()
        result = BankResult(claim, not failed, self.reason.text().strip() or None)
        self._mark(lambda: self.desk.mark_bank_results(number, [result]))

    def _mark(self, work) -> None:
        self.error.show_error(None)
        run_in_background(work, lambda _batch: self.accept(), self._refused, owner=self)

    def _refused(self, exc: Exception) -> None:
        if getattr(exc, "field", "") == "failure_reason":
            self.reason.set_error(getattr(exc, "message", str(exc)))
        else:
            self.error.show_error(str(exc))
