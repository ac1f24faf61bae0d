"""政策文件核准: the administrator reviews the policy files the window settles with and approves
them (at first start: every shipped file) or refuses an edited one, with the reason.

Each file is listed with its title, document number, version, effective date and SHA-256;
an edited file shows what changed since it was approved, key by key, the approved value beside
the value now. The rules and the records are ``app.desk.policies``'s (off the GUI thread).
"""

from ui.fields import ErrorLabel
from ui.fitting import fit_to_screen
from ui.ops import run_in_background
from ui.qt import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QLabel,
    QLineEdit,
    QPushButton,
    QShortcut,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)

FILE_COLUMNS = ("文件", "标题", "文号", "版本", "生效日期", "SHA-256", "状态")
CHANGE_COLUMNS = ("键", "核准时的值", "现在的值")
STATE_COLOURS = {"approved": Qt.GlobalColor.darkGreen, "refused": Qt.GlobalColor.red}


def _item(text: str, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(tip or text)
    return item


class PolicySignoffDialog(QDialog):
    """Emits ``changed`` after each approval or refusal (the window refreshes its notice)."""

    changed = Signal()

    def __init__(self, desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.reviews = []
        self.setWindowTitle("政策文件核准")
        intro = QLabel(
            "结算只按管理员核准过的政策文件进行。请逐一核对下列文件的标题、文号、版本、"
            "生效日期与 SHA-256；文件被改动时，下方列出改动的键和值（左为核准时，右为现在），"
            "核对无误后核准，有误则填写理由后拒绝（拒绝后暂停按该政策结算，请恢复原文件）。",
            self,
        )
        intro.setWordWrap(True)
        self.files = QTableWidget(0, len(FILE_COLUMNS), self)
        self.files.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.files.setHorizontalHeaderLabels(list(FILE_COLUMNS))
        self.files.verticalHeader().hide()
        self.files.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.files.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.files.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.files.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Title and document number share what is left (elided, whole in the tooltip and below).
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.files.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.files.currentCellChanged.connect(lambda *_: self._show_selected())
        self.detail = QLabel("", self)
        self.detail.setWordWrap(True)
        self.changes = QTableWidget(0, len(CHANGE_COLUMNS), self)
        self.changes.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.changes.setHorizontalHeaderLabels(list(CHANGE_COLUMNS))
        self.changes.verticalHeader().hide()
        self.changes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.changes.setWordWrap(True)
        changes_header = self.changes.horizontalHeader()
        changes_header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("拒绝理由（拒绝时必填），如：与文件原文不符")
        self.error = ErrorLabel(self)
        self.approve_button = QPushButton("核准所选文件(&A)", self)
        self.approve_all_button = QPushButton("全部核准(&Q)", self)
        self.refuse_button = QPushButton("拒绝所选文件(&F)", self)
        self.approve_button.clicked.connect(self.approve_selected)
        self.approve_all_button.clicked.connect(self.approve_all)
        self.refuse_button.clicked.connect(self.refuse_selected)
        actions = QHBoxLayout()
        actions.addWidget(QLabel("拒绝理由：", self))
        actions.addWidget(self.reason, 1)
        actions.addWidget(self.refuse_button)
        actions.addWidget(self.approve_button)
        actions.addWidget(self.approve_all_button)
        close = QDialogButtonBox(self)
        close.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.files, 2)
        layout.addWidget(self.detail)
        layout.addWidget(self.changes, 3)
        layout.addLayout(actions)
        layout.addWidget(self.error)
        layout.addWidget(close)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.approve_selected)
        # As they stand, left to right: the reason, then 拒绝, 核准, 全部核准.
        for first, second in (
            (self.files, self.changes),
            (self.changes, self.reason),
            (self.reason, self.refuse_button),
            (self.refuse_button, self.approve_button),
            (self.approve_button, self.approve_all_button),
        ):
            self.setTabOrder(first, second)
        fit_to_screen(self, 1000, 660)
        self.reload()

    def keyPressEvent(self, event) -> None:
        """Enter in the list or the reason presses no button: the first button, 拒绝, was the
        dialog's default. A focused button still takes Enter; 核准 is Ctrl+Enter."""
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            super().keyPressEvent(event)

    # --- showing -------------------------------------------------------------------------
    def reload(self) -> None:
        desk = self.desk
        run_in_background(desk.policy_review, self._show, self._failed, owner=self)

    def _show(self, reviews) -> None:
        chosen = self.selected()
        self.reviews = list(reviews)
        self.files.setRowCount(len(self.reviews))
        for row, review in enumerate(self.reviews):
            cells = (
                _item(review.file),
                _item(review.title),
                _item(review.document_number),
                _item(review.version),
                _item(review.effective_from),
                _item(review.sha256[:12] + "…", review.sha256),
                _item(review.state_name, review.reason or review.state_name),
            )
            for column, cell in enumerate(cells):
                self.files.setItem(row, column, cell)
            colour = STATE_COLOURS.get(review.state)
            cells[-1].setForeground(colour if colour is not None else Qt.GlobalColor.darkYellow)
        pending = [r for r in self.reviews if r.pending]
        self.approve_all_button.setEnabled(bool(pending))
        rows = [i for i, r in enumerate(self.reviews) if chosen and r.id == chosen.id]
        first_pending = next((i for i, r in enumerate(self.reviews) if r.pending), 0)
        if self.reviews:
            self.files.setCurrentCell(rows[0] if rows else first_pending, 0)
        self._show_selected()

    def selected(self):
        row = self.files.currentRow()
        return self.reviews[row] if 0 <= row < len(self.reviews) else None

    def _show_selected(self) -> None:
        review = self.selected()
        self.changes.setRowCount(0)
        if review is None:
            self.detail.setText("")
            for button in (self.approve_button, self.refuse_button):
                button.setEnabled(False)
            return
        approved = (
            f"　上次核准：{review.approved_by} 于 {review.approved_at}"
            if review.approved_by
            else ""
        )
        self.detail.setText(
            f"<b>{review.title}</b>（{review.document_number}）　{review.file}　"
            f"状态：<b>{review.state_name}</b>{approved}<br>"
            f"SHA-256：{review.sha256}" + (f"<br>{review.reason}" if review.reason else "")
        )
        self.changes.setRowCount(len(review.changes))
        for row, change in enumerate(review.changes):
            self.changes.setItem(row, 0, _item(change.key))
            self.changes.setItem(
                row, 1, _item("（无）" if change.approved is None else change.approved)
            )
            self.changes.setItem(
                row, 2, _item("（无）" if change.current is None else change.current)
            )
        self.changes.resizeRowsToContents()
        self.approve_button.setEnabled(review.pending)
        self.refuse_button.setEnabled(review.state in ("changed", "unapproved", "refused"))

    # --- approving and refusing ------------------------------------------------------------
    def approve_selected(self) -> None:
        review = self.selected()
        if review is not None and review.pending:
            desk, ids = self.desk, [review.id]
            self._act(lambda: desk.approve_policy_files(ids), f"已核准 {review.file}")

    def approve_all(self) -> None:
        desk = self.desk
        self._act(lambda: desk.approve_policy_files(None), "已核准全部政策文件")

    def refuse_selected(self) -> None:
        review = self.selected()
        if review is None:
            return
        reason = self.reason.text().strip()
        if not reason:
            self.error.show_error("拒绝理由：拒绝核准须填写理由")
            self.reason.setFocus()
            return
        desk = self.desk
        self._act(lambda: desk.refuse_policy_file(review.id, reason), f"已拒绝 {review.file}")

    def _act(self, work, done_text: str) -> None:
        self.error.show_error(None)

        def done(_none) -> None:
            self.reason.clear()
            self.detail.setText(done_text)
            self.changed.emit()
            self.reload()

        run_in_background(work, done, self._failed, owner=self)

    def _failed(self, exc: Exception) -> None:
        self.error.show_error(str(exc))
