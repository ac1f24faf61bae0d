"""审计记录 (supervisor): who did what to which case and when, filtered; exported to CSV/XLSX;
the hash chain verified.

The rows come from ``app.audit_log.query_audit`` with every ID number already masked; export
and verification run off the GUI thread.
"""

from datetime import date

from ui import folders
from ui.fitting import fit_to_screen
from ui.ops import run_in_background
from ui.qt import (
    QAbstractItemView,
    QComboBox,
    QDate,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from ui.rows_model import RowsModel

NO_DATE = QDate(2000, 1, 1)  # the date fields' "不限"


class AuditTableModel(RowsModel):
    """``app.audit_log.AuditRow``s (ID numbers masked) under ``app.audit_log.COLUMNS``."""

    def __init__(self, parent=None):
        from app.audit_log import COLUMNS

        super().__init__(COLUMNS, parent)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        return str(self.rows[index.row()].cells()[index.column()])


def _date_field(parent: QWidget) -> QDateEdit:
    field = QDateEdit(parent)
    field.setCalendarPopup(True)
    field.setDisplayFormat("yyyy-MM-dd")
    field.setMinimumDate(NO_DATE)
    field.setSpecialValueText("不限")
    field.setDate(NO_DATE)
    return field


def _day(field: QDateEdit) -> date | None:
    return None if field.date() == NO_DATE else field.date().toPython()


class AuditViewer(QDialog):
    def __init__(self, desk, parent: QWidget | None = None):
        super().__init__(parent)
        from app.audit_log import ACTION_NAMES

        self.desk = desk
        self.setWindowTitle("审计记录")
        fit_to_screen(self, 1200, 640)
        self.clerk = QLineEdit(self)
        self.clerk.setPlaceholderText("经办人登录名，留空为全部")
        self.entity_id = QLineEdit(self)
        self.entity_id.setPlaceholderText("结算单号、住院号等，留空为全部")
        self.text = QLineEdit(self)
        self.text.setPlaceholderText("内容包含，如住院号、作废理由")
        self.action = QComboBox(self)
        self.action.addItem("全部", None)
        for code, name in ACTION_NAMES.items():
            self.action.addItem(name, code)
        self.since = _date_field(self)
        self.until = _date_field(self)
        for edit in (self.clerk, self.entity_id, self.text):
            edit.returnPressed.connect(self.refresh)

        self.model = AuditTableModel(self)
        self.table = QTableView(self)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.count = QLabel(self)
        self.outcome = QLabel(self)
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.search_button = QPushButton("查询", self)
        self.export_button = QPushButton("导出 CSV/XLSX…", self)
        self.verify_button = QPushButton("校验审计链", self)
        self.search_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.choose_export)
        self.verify_button.clicked.connect(self.verify)
        for button in (self.search_button, self.export_button, self.verify_button):
            button.setAutoDefault(False)
        self._build_layout()
        self.refresh()

    def _build_layout(self) -> None:
        left, right = QFormLayout(), QFormLayout()
        left.addRow("经办人：", self.clerk)
        left.addRow("病例/对象编号：", self.entity_id)
        left.addRow("内容包含：", self.text)
        right.addRow("操作：", self.action)
        right.addRow("起始日期：", self.since)
        right.addRow("截止日期：", self.until)
        filters = QHBoxLayout()
        filters.addLayout(left, 3)
        filters.addLayout(right, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.search_button)
        buttons.addWidget(self.count, 1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.verify_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.outcome)

    def wanted(self):
        """The ``app.audit_log.AuditFilter`` for what is filled in."""
        from app.audit_log import AuditFilter

        return AuditFilter(
            clerk=self.clerk.text().strip() or None,
            action=self.action.currentData(),
            entity_id=self.entity_id.text().strip() or None,
            since=_day(self.since),
            until=_day(self.until),
            text=self.text.text().strip() or None,
        )

    def refresh(self) -> None:
        """Read the rows the filter asks for off the GUI thread, then show them."""
        desk, wanted = self.desk, self.wanted()
        run_in_background(
            lambda: desk.audit_rows(wanted),
            self._show_rows,
            lambda error: self.count.setText(f"未能读取审计记录：{error}"),
            owner=self,
        )

    def _show_rows(self, rows) -> None:
        # Newest first: a supervisor looks for what just happened; exports stay in order.
        self.model.set_rows(rows[::-1])
        self.count.setText(f"共 {self.model.rowCount()} 条（身份证号已遮蔽）")

    def choose_export(self) -> None:
        path, _kind = QFileDialog.getSaveFileName(
            self,
            "导出审计记录",
            folders.start_in(self, "audit", "审计记录.xlsx"),
            "Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)",
        )
        if path:
            folders.remember(self, "audit", path)
            self.export(path)

    def export(self, path: str) -> None:
        from pathlib import Path

        target = Path(path)
        if target.suffix.lower() not in (".csv", ".xlsx"):
            target = target.with_suffix(".xlsx")
        wanted = self.wanted()
        self.export_button.setEnabled(False)
        self.outcome.setText("正在导出…")

        def done(count: int) -> None:
            self.export_button.setEnabled(True)
            self.outcome.setText(f"已导出 {count} 条：{target}")

        def failed(error: Exception) -> None:
            self.export_button.setEnabled(True)
            self.outcome.setText(f"未能导出：{error}")

        run_in_background(lambda: self.desk.export_audit(target, wanted), done, failed)

    def verify(self) -> None:
        self.verify_button.setEnabled(False)
        self.outcome.setText("正在校验审计链…")

        def done(report) -> None:
            self.verify_button.setEnabled(True)
            if report.ok:
                self.outcome.setText(
                    f"审计链完整：已核对 {report.links_checked} 条，未发现修改或删除。"
                )
            else:
                found = "；".join(problem.message for problem in report.problems[:5])
                self.outcome.setText(
                    f"审计链有 {len(report.problems)} 处断点（记录被修改或删除）：{found}"
                )
            self.outcome.setStyleSheet("" if report.ok else "color: #b00020;")

        def failed(error: Exception) -> None:
            self.verify_button.setEnabled(True)
            self.outcome.setText(f"未能校验：{error}")

        run_in_background(self.desk.verify_audit, done, failed)
