"""政策测算 (supervisors): choose a draft policy file and a year, see the year's assistance
today and under the draft, and save what-if.xlsx and what-if.pdf. The figures come from the
desk (``app.whatif``); this dialog only collects the choices and shows them."""

from datetime import date

from app.vocabulary import FUND_NAMES
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


def summary_lines(run) -> list[str]:
    """What the dialog (and a test) reads: the year's totals as the desk computed them."""
    lines = [
        f"{run.year} 年 {run.policy_title}：{len(run.cases)} 笔结算按草案重算（数据库不作改动）",
        f"救助合计：现行 {run.today.assistance} 元，草案 {run.draft.assistance} 元，"
        f"差额 {run.difference:+} 元",
    ]
    for fund, name in FUND_NAMES.items():
        today, drafted = run.today.by_fund.get(fund), run.draft.by_fund.get(fund)
        if today or drafted:
            lines.append(f"  其中 {name}：现行 {today} 元，草案 {drafted} 元")
    lines += [
        f"患者自付合计：现行 {run.today.patient_pays} 元，草案 {run.draft.patient_pays} 元",
        f"达到封顶线人数：现行 {len(run.today.capped)} 人，草案 {len(run.draft.capped)} 人",
        "变化最大的结算：",
        *(
            f"  {c.slip_number} {c.person_name}：{c.today} → {c.draft}（{c.difference:+}）"
            for c in run.largest_changes(10)
        ),
    ]
    return lines


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
