"""政策测算 (supervisors): choose a draft policy file and a year, see the year's assistance
today and under the draft, and save what-if.xlsx and what-if.pdf. The figures come from the
desk (``app.whatif``); this dialog only collects the choices and shows them."""

from datetime import date

from app.whatif import summary_lines
from ui import folders
from ui.fitting import fit_to_screen
from ui.ops import run_in_background
from ui.qt import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)


class WhatIfDialog(QDialog):
    def __init__(self, desk, parent: QWidget | None = None, today: date | None = None):
        super().__init__(parent)
        self.desk = desk
        self.run = None
        self.setWindowTitle("政策测算（按草案重算一年）")
        fit_to_screen(self, 720, 520)
        self.draft = QLineEdit()
        self.draft.setPlaceholderText("政策草案文件（.toml），政策编号与现行政策相同")
        choose = QPushButton("选择…")
        choose.setAutoDefault(False)
        choose.clicked.connect(self.choose_draft)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue((today or date.today()).year)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.outcome = QPlainTextEdit()
        self.outcome.setReadOnly(True)
        self.outcome.setPlaceholderText("测算结果将显示在这里。")
        self.buttons = QDialogButtonBox()
        self.run_button = self.buttons.addButton("测算", QDialogButtonBox.ButtonRole.AcceptRole)
        self.run_button.clicked.connect(self.start)
        self.save_button = self.buttons.addButton(
            "保存 XLSX/PDF…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.choose_folder)
        close = self.buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        for button in (self.run_button, self.save_button):
            button.setAutoDefault(False)
        self.draft.returnPressed.connect(self.start)

        row = QHBoxLayout()
        row.addWidget(self.draft, 1)
        row.addWidget(choose)
        form = QFormLayout()
        form.addRow("政策草案：", row)
        form.addRow("测算年度：", self.year)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.outcome, 1)
        layout.addWidget(self.buttons)

    def choose_draft(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "选择政策草案", folders.start_in(self, "drafts"), "政策文件 (*.toml)"
        )
        if path:
            folders.remember(self, "drafts", path)
            self.draft.setText(path)

    def start(self) -> None:
        self.error.clear()
        path, year = self.draft.text().strip(), self.year.value()
        if not path:
            self.error.setText("政策草案文件：请选择政策草案文件")
            return
        self.run_button.setEnabled(False)
        self.outcome.setPlainText("正在测算…")
        run_in_background(
            lambda: self.desk.what_if(path, year), self.shown, self.failed, owner=self
        )

    def shown(self, run) -> None:
        self.run = run
        self.run_button.setEnabled(True)
        self.save_button.setEnabled(bool(run.cases))
        if not run.cases:
            self.outcome.setPlainText(f"{run.year} 年没有政策“{run.policy_id}”下的结算，无可测算。")
            return
        self.outcome.setPlainText("\n".join(summary_lines(run)))

    def failed(self, error: Exception) -> None:
        self.run_button.setEnabled(True)
        self.outcome.clear()
        self.error.setText(str(error))

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "保存测算结果到文件夹", folders.start_in(self, "what-if")
        )
        if folder and self.run is not None:
            folders.remember(self, "what-if", folder, is_folder=True)
            self.save(folder)

    def save(self, folder: str) -> None:
        run = self.run
        run_in_background(
            lambda: self.desk.save_what_if(run, folder),
            lambda paths: self.error.setText("已保存：" + "、".join(str(p) for p in paths)),
            lambda error: self.error.setText(f"未能保存：{error}"),
            owner=self,
        )
