"""日结/交班 (Ctrl+Shift+D): a day's close for the signed-in clerk, or (a supervisor) another
clerk's or the whole window's; shown as counts and the desk's totals, printed on A4 or saved
as XLSX. Nothing is computed here: the figures are the desk's, formatted."""

from datetime import date
from pathlib import Path

from app.money import fmt
from ui.date_fields import DateField
from ui.fitting import fit_to_screen
from ui.ops import run_in_background
from ui.qt import (
    QCheckBox,
    QDate,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    Qt,
    QVBoxLayout,
    QWidget,
)


class DailyCloseDialog(QDialog):
    def __init__(self, desk, print_pdf, parent: QWidget | None = None):
        """``print_pdf(title, make)`` previews and prints ``make(desk) -> (title, pdf)``."""
        super().__init__(parent)
        self.desk = desk
        self._print_pdf = print_pdf
        self.close_record = None
        self._asked = 0  # the newest close asked for
        self.setWindowTitle("日结/交班")
        user = desk.user
        # The house's date field: one Tab leaves it (a QDateEdit's Tab went to the month).
        self.day = DateField("日期", "yyyy-MM-dd", self, QDate.currentDate())
        self.clerk = QLineEdit(user.name if user else "", self)
        self.clerk.setPlaceholderText("经办人登录名")
        self.whole = QCheckBox("整个窗口（全部经办人）", self)
        supervisor = desk.may("supervisor") or user is None
        self.whole.setEnabled(supervisor)
        self.clerk.setReadOnly(not supervisor)
        self.whole.toggled.connect(lambda on: self.clerk.setEnabled(not on))
        form = QFormLayout()
        form.addRow("日期：", self.day.row)
        form.addRow("经办人：", self.clerk)
        form.addRow("", self.whole)
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(self)
        self.print_button = self.buttons.addButton(
            "打印日结单 (Ctrl+P)", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.print_button.setShortcut("Ctrl+P")
        self.xlsx_button = self.buttons.addButton(
            "导出 XLSX (Ctrl+S)", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.xlsx_button.setShortcut("Ctrl+S")
        self.buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        self.print_button.clicked.connect(self.print_close)
        self.xlsx_button.clicked.connect(self.save_xlsx)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 620, 420)
        self.day.dateChanged.connect(self.refresh)
        self.clerk.editingFinished.connect(self.refresh)
        self.whole.toggled.connect(self.refresh)
        self.refresh()

    def chosen(self) -> tuple[date, str | None]:
        clerk = None if self.whole.isChecked() else (self.clerk.text().strip() or None)
        return self.day.date().toPython(), clerk

    def refresh(self) -> None:
        day, clerk = self.chosen()
        desk = self.desk
        self.summary.setText("正在读取…")
        self._asked += 1
        asked = self._asked

        def shown(close) -> None:
            if asked == self._asked:  # an answer to an earlier choice is dropped
                self._show(close)

        def refused(error: Exception) -> None:
            if asked == self._asked:
                self._refused(error)

        run_in_background(lambda: desk.daily_close(day, clerk), shown, refused, owner=self)

    def _show(self, close) -> None:
        self.close_record = close
        grand = close.totals
        lines = [
            f"{close.day} {close.who}",
            f"结算 {len(close.settlements)} 笔（有效 {grand.count} 笔，作废不计入合计）",
            f"医院垫付合计 {fmt(grand.sums['advanced'])} 元，"
            f"医院减免 {fmt(grand.sums['hospital_reduction'])} 元",
        ]
        lines += [f"  {name}：{fmt(amount)} 元" for name, amount in close.fund_lines]
        lines += [
            f"  {line.title}：{line.totals.count} 笔，{fmt(line.totals.sums['advanced'])} 元"
            for line in close.by_policy
        ]
        lines.append(f"作废 {len(close.voids)} 笔，补打 {len(close.reprints)} 次")
        runs = "；".join(
            first if first == last else f"{first} 至 {last}" for first, last, _ in close.runs
        )
        lines.append(f"结算单 {close.slip_count} 张：{runs or '无'}")
        lines.append(f"缺号：{'、'.join(close.gaps)}" if close.gaps else "结算单号连续，无缺号")
        lines.append(f"审计链末端（核对用）：{close.chain.text()}")
        self.summary.setText("\n".join(lines))

    def _refused(self, error: Exception) -> None:
        self.close_record = None
        self.summary.setText(f"未能读取日结：{error}")

    def print_close(self) -> None:
        day, clerk = self.chosen()
        title = f"日结单 {day} {clerk or '整个窗口'}"
        self._print_pdf(lambda desk: (title, desk.daily_close_pdf(day, clerk)))

    def save_xlsx(self) -> None:
        day, clerk = self.chosen()
        suggested = f"日结-{day}-{clerk or '整个窗口'}.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "导出日结 XLSX", suggested, "Excel (*.xlsx)")
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != ".xlsx":
            target = target.with_suffix(".xlsx")
        desk = self.desk
        run_in_background(
            lambda: desk.write_daily_close(day, clerk, target),
            lambda _close: QMessageBox.information(self, "日结已导出", f"已保存：{target}"),
            lambda error: QMessageBox.warning(self, "未能导出日结", str(error)),
            owner=self,
        )
