"""The settlement explained: amounts as the calculator returned them and each step's clause."""

from app.vocabulary import SETTLE_MODE_NAMES
from ui.amounts import yuan
from ui.fonts import emphasised
from ui.qt import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLabel,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

# (result key, label); layers are inserted after the base.
_HEAD = (("base", "救助基数"),)
_TAIL = (
    ("assistance", "救助合计"),
    ("paid_at_window", "窗口即时支付"),
    ("patient_pays", "个人自付"),
    ("cap_remaining", "本年剩余封顶额"),
)
_EMPHASISED = ("paid_at_window", "patient_pays")


class Breakdown(QWidget):
    """Shows one ``Result.to_json()`` dict; ``value(key)`` is the text shown for a result key."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.notice = QLabel("请输入医疗总费用等金额，计算结果将随输入即时显示。", self)
        self.notice.setWordWrap(True)
        self.amounts = QFormLayout()
        self.amounts.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.steps = QTableWidget(0, 3, self)
        self.steps.setHorizontalHeaderLabels(["条款", "计算步骤", "金额"])
        self.steps.verticalHeader().hide()
        self.steps.setTabKeyNavigation(False)  # Tab leaves the steps; arrows read them
        self.steps.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.steps.setWordWrap(True)
        header = self.steps.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.notice)
        layout.addLayout(self.amounts)
        layout.addWidget(QLabel("计算步骤（依据政策条款）：", self))
        layout.addWidget(self.steps, 1)
        self._values: dict[str, QLabel] = {}
        self.result: dict | None = None

    def value(self, key: str) -> str:
        """The text shown for ``key`` (``base``, ``layer:<code>``, ``settle_mode`` …), or ""."""
        label = self._values.get(key)
        return label.text() if label is not None else ""

    def clear(self, notice: str) -> None:
        self.result = None
        self.notice.setText(notice)
        self.notice.setStyleSheet("")
        self._reset_rows()
        self.steps.setRowCount(0)

    def show_result(self, result: dict) -> None:
        self.result = result
        self._reset_rows()
        if result["eligible"]:
            self.notice.setText("符合救助条件。")
            self.notice.setStyleSheet("color: #1b5e20;")
        else:
            self.notice.setText(f"不符合救助条件：{result['reason']}")
            self.notice.setStyleSheet("color: #b00020; font-weight: bold;")
        for key, label in _HEAD:
            self._add_row(key, label, yuan(result[key]))
        for layer in result["layers"]:
            self._add_row(f"layer:{layer['code']}", f"其中 {layer['name']}", yuan(layer["amount"]))
        for key, label in _TAIL:
            text = yuan(result[key])
            if key == "cap_remaining":
                if result[key] is None:
                    text = "不设年度封顶"
                elif result.get("cap_name"):
                    label = f"{result['cap_name']}剩余"
            self._add_row(key, label, text)
            if key == "paid_at_window" and result.get("hospital_reduction", "0.00") != "0.00":
                # The hospital's own reduction is not advanced and never claimed back.
                self._add_row("advanced", "其中 医院垫付（申报）", yuan(result["advanced"]))
                self._add_row(
                    "hospital_reduction", "其中 医院减免", yuan(result["hospital_reduction"])
                )
        mode = result["settle_mode"]
        self._add_row("settle_mode", "结算方式", SETTLE_MODE_NAMES.get(mode, "—") if mode else "—")
        self._fill_steps(result["steps"])

    def _reset_rows(self) -> None:
        while self.amounts.rowCount():
            self.amounts.removeRow(0)
        self._values.clear()

    def _add_row(self, key: str, label: str, text: str) -> None:
        value = QLabel(text, self)
        value.setObjectName(f"value_{key}")
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if key in _EMPHASISED:
            value.setFont(emphasised(self.font(), 3))
            value.setStyleSheet("color: #0d47a1;")
        self.amounts.addRow(f"{label}：", value)
        self._values[key] = value

    def _fill_steps(self, steps: list[dict]) -> None:
        self.steps.setRowCount(len(steps))
        for row, step in enumerate(steps):
            amount = QTableWidgetItem(yuan(step["amount"]) if step["amount"] is not None else "")
            amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.steps.setItem(row, 0, QTableWidgetItem(step["clause"]))
            self.steps.setItem(row, 1, QTableWidgetItem(step["text"]))
            self.steps.setItem(row, 2, amount)
        self.steps.resizeRowsToContents()

    def step_rows(self) -> list[tuple[str, str, str]]:
        """(clause, text, amount) as shown, row by row."""
        return [
            tuple(self.steps.item(row, col).text() for col in range(3))
            for row in range(self.steps.rowCount())
        ]
