"""导出申报包: choose the policy, the claim period and the USB stick or shared folder, then
export off the GUI thread. The bundle is written and verified by ``app.bundle``; this dialog
only collects the choices and shows what happened."""

from datetime import date

from ui import folders
from ui.fitting import fit_to_screen
from ui.ops import progress_reporter, run_in_background
from ui.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

PERIOD_HINTS = {"quarter": "按季度申报，如 2026Q3", "month": "按月申报，如 2026-07"}


class ExportDialog(QDialog):
    def __init__(self, desk, parent: QWidget | None = None, today: date | None = None):
        super().__init__(parent)
        self.desk = desk
        self.today = today or date.today()
        self.setWindowTitle("导出申报包")
        fit_to_screen(self, 640, 420)
        self.policy = QComboBox()
        site = desk.site()
        for policy_id, loaded in sorted(desk.policies.items()):
            self.policy.addItem(f"{loaded.definition.title}（{policy_id}）", policy_id)
        if site is not None:
            self.policy.setCurrentIndex(max(0, self.policy.findData(site.default_policy)))
        self.period = QLineEdit()
        self.period_hint = QLabel()
        self.target = QLineEdit()
        self.target.setPlaceholderText("U盘或共享盘上的文件夹")
        choose = QPushButton("选择…")
        choose.clicked.connect(self.choose_target)
        self.as_zip = QCheckBox("写成一个 ZIP 文件（否则为文件夹）")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # indeterminate until the export reports
        self.progress.hide()
        self.progress_text = QLabel()  # the stage and the time left
        self.progress_text.hide()
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.outcome = QPlainTextEdit()
        self.outcome.setReadOnly(True)
        self.outcome.setPlaceholderText("导出结果将显示在这里。")
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton("导出", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setAutoDefault(False)
        self.export_button.clicked.connect(self.start_export)
        close = self.buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)

        target_row = QHBoxLayout()
        target_row.addWidget(self.target)
        target_row.addWidget(choose)
        form = QFormLayout()
        form.addRow("政策：", self.policy)
        form.addRow("申报期：", self.period)
        form.addRow("", self.period_hint)
        form.addRow("导出到：", target_row)
        form.addRow("", self.as_zip)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_text)
        layout.addWidget(self.error)
        layout.addWidget(self.outcome, 1)
        layout.addWidget(self.buttons)
        self.policy.currentIndexChanged.connect(self.fill_period)
        self.fill_period()

    def fill_period(self) -> None:
        kind, label = self.desk.claim_period(self.policy.currentData(), self.today)
        self.period.setText(label)
        self.period_hint.setText(PERIOD_HINTS.get(kind, ""))

    def choose_target(self) -> None:
        start = self.target.text() or folders.start_in(self, "bundles")
        folder = QFileDialog.getExistingDirectory(self, "选择导出到的文件夹", start)
        if folder:
            folders.remember(self, "bundles", folder, is_folder=True)
            self.target.setText(folder)

    def start_export(self) -> None:
        self.error.clear()
        if not self.target.text().strip():
            self.error.setText("导出到：请选择 U盘或共享盘上的文件夹")
            return
        choices = (
            self.period.text().strip(),
            self.target.text().strip(),
            self.policy.currentData(),
            self.as_zip.isChecked(),
        )
        self.export_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        report = progress_reporter(self.show_progress)
        run_in_background(
            lambda: self.desk.export_bundle(*choices, progress=report), self.finished, self.failed
        )

    def show_progress(self, progress) -> None:
        """``progress``: an ``app.bundle.progress.ExportProgress``."""
        self.progress.setRange(0, progress.total)
        self.progress.setValue(progress.done)
        self.progress_text.setText(progress.describe())
        self.progress_text.show()

    def finished(self, report) -> None:
        self.progress.hide()
        self.progress_text.hide()
        self.export_button.setEnabled(True)
        sums = report.totals.sums
        lines = [
            f"申报包已写入并逐个文件校验：{report.path}",
            f"申报期 {report.period.label}：结算 {report.cases} 笔，其中作废 {report.voided} 笔（不计入合计）",
            f"救助合计 {sums['assistance']} 元，医院垫付（申报）{sums['advanced']} 元",
        ]
        if report.previous == "same":
            lines.append("与此前导出的同期申报包内容完全相同。")
        elif report.previous == "changed":
            lines.append("与此前导出的同期申报包相比有变化：")
            lines += [f"  {change}" for change in report.changes]
        if report.warnings:
            lines.append(f"提醒：{len(report.warnings)} 笔结算缺少复印件（请补扫描或补留纸质件）：")
            lines += [f"  {warning}" for warning in report.warnings]
        self.outcome.setPlainText("\n".join(lines))

    def failed(self, error: Exception) -> None:
        self.progress.hide()
        self.progress_text.hide()
        self.export_button.setEnabled(True)
        self.error.setText(f"导出失败：{error}")
