"""The case list: a table model of ``CaseRow`` and a proxy that sorts, filters and shows today.

ID numbers are shown masked (the desk's ``mask_id``: the site's pattern, by default the first 6
and last 4 digits); the full number is only on the case panel and on paper.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from app.vocabulary import CATEGORY_NAMES
from ui.amounts import grouped
from ui.qt import (
    QBrush,
    QColor,
    QSortFilterProxyModel,
    Qt,
)
from ui.rows_model import RowsModel

if TYPE_CHECKING:  # the records come with the desk, after the window is shown
    from app.desk.records import CaseRow

COLUMNS = (
    ("status", "状态"),
    ("name", "姓名"),
    ("id_number", "身份证号"),
    ("admission_number", "住院号"),
    ("admitted_at", "入院时间"),
    ("discharged_at", "出院时间"),
    ("category", "救助类别"),
    ("department", "科室"),
    ("slip_number", "结算单号"),
    ("paid_at_window", "窗口支付（元）"),
)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
# A state that needs nothing more is green (blue: still in hospital); the rest, red, need the
# clerk (voided, waiting to be settled again, discharged and not settled).
STATUS_COLOURS = {
    "在院": "#0d47a1",
    "已结算": "#1b5e20",
    "门诊已结算": "#1b5e20",
    "门诊": "#1b5e20",
}


def hide_all_but_last_four(number: str | None) -> str:
    """Until the desk gives the site's pattern: show less, never more."""
    text = number or ""
    return "*" * max(len(text) - 4, 0) + text[-4:]


class CaseTableModel(RowsModel):
    rows: list[CaseRow]

    def __init__(self, parent=None, mask: Callable[[str | None], str] = hide_all_but_last_four):
        super().__init__(tuple(title for _key, title in COLUMNS), parent)
        self.mask = mask

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.mask(row.id_number) if key == "id_number" else self._text(row, key)
        if role == SORT_ROLE:
            if key == "id_number":
                return self.mask(row.id_number)  # sorting must not reveal hidden digits
            value = getattr(row, key)
            if key == "paid_at_window":
                # Sort amounts by their digits, right-aligned: no number is made from them.
                return value.rjust(16, "0") if value else ""
            return value.isoformat() if hasattr(value, "isoformat") else str(value or "")
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "paid_at_window":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and key == "status":
            colour = STATUS_COLOURS.get(row.status, "#b00020")  # red: 作废, 待重算, 已出院
            return QBrush(QColor(colour))
        return None

    @staticmethod
    def _text(row: CaseRow, key: str) -> str:
        value = getattr(row, key)
        if key in ("admitted_at", "discharged_at"):
            return value.strftime("%Y-%m-%d %H:%M") if value else ""
        if key == "category":
            return CATEGORY_NAMES.get(value, value)
        if key == "paid_at_window":
            return grouped(value) if value else ""
        return str(value or "")


class CaseFilter(QSortFilterProxyModel):
    """Sorts by the raw value, filters on any column's text, optionally only today's cases."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterKeyColumn(-1)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.today: date | None = None

    def show_only(self, day: date | None) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+; invalidateFilter is deprecated
            self.beginFilterChange()
            self.today = day
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.today = day
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row, source_parent) -> bool:
        if self.today is not None:
            row = self.sourceModel().rows[source_row]
            if not row.touched_on(self.today):
                return False
        return super().filterAcceptsRow(source_row, source_parent)
