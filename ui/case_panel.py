"""The case on the right of the main window: who, which admission, papers, settlements."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.vocabulary import CATEGORY_NAMES, FACILITY_NAMES, INSURANCE_NAMES, VISIT_NAMES
from ui.amounts import yuan
from ui.checklist_panel import ChecklistPanel
from ui.qt import QGroupBox, QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:  # the records come with the desk, after the window is shown
    from app.desk.records import CaseDetail


class CasePanel(QWidget):
    def __init__(self, mark, parent: QWidget | None = None):
        super().__init__(parent)
        self.detail: CaseDetail | None = None
        self.header = QLabel(
            "在左侧选择病例，或在上方输入身份证号、姓名、住院号、扫描结算单。", self
        )
        self.header.setWordWrap(True)
        self.checklist = ChecklistPanel(mark, self)
        papers = QGroupBox("材料清单（原件查验、复印件留存、扫描件）", self)
        QVBoxLayout(papers).addWidget(self.checklist)
        self.settlements = QLabel("", self)
        self.settlements.setWordWrap(True)
        settled = QGroupBox("结算记录", self)
        QVBoxLayout(settled).addWidget(self.settlements)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(papers, 1)
        layout.addWidget(settled)

    def show_case(self, detail: CaseDetail | None) -> None:
        self.detail = detail
        if detail is None:
            self.header.setText("未选择病例。")
            self.checklist.show_lines([])
            self.settlements.setText("")
            return
        row = detail.row
        discharged = row.discharged_at.strftime("%Y-%m-%d %H:%M") if row.discharged_at else "在院"
        if row.kind == "outpatient":  # one visit: its number and day, no stay
            number, when = "门诊号", f"就诊日期 {row.admitted_at:%Y-%m-%d}"
        else:
            number, when = "住院号", f"入院 {row.admitted_at:%Y-%m-%d %H:%M}　出院 {discharged}"
        self.header.setText(
            f"<span style='font-size:15pt'><b>{row.name}</b></span>　{detail.sex}　"
            f"出生 {detail.birth_date.isoformat()}　身份证号 <b>{row.id_number}</b><br>"
            f"{number} <b>{row.admission_number}</b>　{row.department}　诊断：{detail.diagnosis}<br>"
            f"{when}　状态：<b>{row.status}</b><br>"
            f"{CATEGORY_NAMES.get(row.category, row.category)}　"
            f"{VISIT_NAMES.get(detail.visit, detail.visit)}　"
            f"{INSURANCE_NAMES.get(detail.insurance, detail.insurance)}　"
            f"{FACILITY_NAMES.get(detail.facility, detail.facility)}"
        )
        self.checklist.show_lines(detail.checklist, settled=detail.live_settlement is not None)
        lines = []
        for line in detail.settlements:
            state = (
                f"<span style='color:#b00020'>已作废：{line.void_reason}</span>"
                if line.voided
                else "有效"
            )
            lines.append(
                f"<b>{line.slip_number}</b>　{line.settled_at:%Y-%m-%d %H:%M}　"
                f"窗口支付 <b>{yuan(line.paid_at_window)}</b>　"
                f"个人自付 {yuan(line.patient_pays)}　{state}"
            )
            if line.override_by and not line.voided:
                lines.append(override_state(detail, line))
        self.settlements.setText("<br>".join(lines) or "尚未结算。")


def override_state(detail: CaseDetail, line) -> str:
    """A settlement a supervisor let through: what is still missing, or that the papers
    brought later (late copies) have settled it, by whom and when."""
    said = f"主管放行：{line.override_by}（{line.override_reason}）"
    missing = detail.missing_count
    if missing:
        return f"<span style='color:#b00020'>{said}，尚缺 {missing} 项材料，可在上方补交</span>"
    late = detail.late_copies()
    last = f"，最后补交：{late[-1].updated_by} {late[-1].updated_at:%Y-%m-%d %H:%M}" if late else ""
    return f"<span style='color:#1b5e20'>{said}，放行材料已补齐{last}</span>"
