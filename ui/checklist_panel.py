"""材料清单: each document the policy asks for, with original sighted / copy kept / scan.

A scan is attached with the file dialog or by dropping an image or PDF on the item's row.
Missing items are marked in red. Every tick is saved at once through ``mark``. Once the case
is settled a missing paper can still be completed (a late copy), never taken back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ui import folders
from ui.qt import (
    QAbstractItemView,
    QCheckBox,
    QEvent,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:  # the records come with the desk, after the window is shown
    from app.desk.records import ChecklistLine

SCAN_FILTER = "扫描件 (*.pdf *.png *.jpg *.jpeg *.tif *.tiff)"
SCAN_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
# Short two-line headers and buttons: the document's name keeps the width on a 1024 screen.
COLUMNS = ("阶段", "材料（条款）", "原件\n已查验", "复印件\n已留存", "扫描件", "")

# mark(item_id, original_sighted=..., copy_kept=..., both_sides_copied=..., scan=...,
# remove_scan=...) saves one change.
Mark = Callable[..., None]

NAME_COLUMN = 1
TICK_COLUMNS = {"original_sighted": 2, "copy_kept": 3}
SCAN_COLUMN = 4
_KEYED_COLUMNS = (*TICK_COLUMNS.values(), SCAN_COLUMN)


class ChecklistPanel(QWidget):
    def __init__(self, mark: Mark, parent: QWidget | None = None):
        super().__init__(parent)
        self._mark = mark
        self.lines: list[ChecklistLine] = []
        self.settled = False
        self.summary = QLabel(self)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Tab leaves the table (arrows move in it); Space ticks the box or presses the
        # button of the current cell: the checklist is worked without a mouse.
        self.table.setTabKeyNavigation(False)
        self.table.installEventFilter(self)
        # One text line a row at any screen size: the clause and note, cut short with "…"
        # when the column is narrow, are whole in the row's tooltip.
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self._row_height())
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.setAcceptDrops(True)
        self.table.setAcceptDrops(False)
        hint = QLabel(
            "方向键选格，空格勾选或附加，Shift+空格勾选正反两面（Ctrl+M 进入清单）；"
            "也可把扫描图片或 PDF 拖到对应材料的行上。",
            self,
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)

    def _row_height(self) -> int:
        """A text line, or the 附加… button and the tick boxes if they are taller."""
        button = QPushButton("附加…")  # no parent: gone with this call, never shown
        button.setFont(self.font())
        return max(self.fontMetrics().height() + 8, button.sizeHint().height())

    # --- showing -------------------------------------------------------------------------
    def show_lines(self, lines: list[ChecklistLine], settled: bool = False) -> None:
        self.lines = list(lines)
        self.settled = settled
        self.table.setRowCount(len(self.lines))
        for row, line in enumerate(self.lines):
            self._fill_row(row, line)
        missing = sum(1 for line in self.lines if line.missing)
        if not self.lines:
            self.summary.setText("本病例没有需要留存的材料。")
            self.summary.setStyleSheet("")
        elif missing and settled:
            self.summary.setText(f"已结算，材料缺 {missing} 项（标红）：补交后在此勾选或附加。")
            self.summary.setStyleSheet("color: #b00020; font-weight: bold;")
        elif missing:
            self.summary.setText(f"材料缺 {missing} 项（标红），结算前须补齐或由主管放行。")
            self.summary.setStyleSheet("color: #b00020; font-weight: bold;")
        else:
            self.summary.setText("材料齐全。")
            self.summary.setStyleSheet("color: #1b5e20; font-weight: bold;")

    def _fill_row(self, row: int, line: ChecklistLine) -> None:
        self._fill_cells(row, line)
        for column in _KEYED_COLUMNS:  # the table takes the keys: Tab never stops in a cell
            holder = self.table.cellWidget(row, column)
            for widget in (holder, *holder.findChildren(QWidget)):
                widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def _fill_cells(self, row: int, line: ChecklistLine) -> None:
        name = line.name + ("（正反面）" if line.both_sides else "")
        source = line.clause + (f" {line.note}" if line.note else "")
        name_item = QTableWidgetItem(f"{name}（{source}）" if source else name)
        name_item.setToolTip(f"{name}\n{source}")
        self.table.setItem(row, 0, QTableWidgetItem(line.stage_name))
        self.table.setItem(row, 1, name_item)
        self.table.setCellWidget(
            row, 2, self._tick(line, "original_sighted", line.original_required)
        )
        copy = self._tick(line, "copy_kept", line.copy_required)
        if line.both_sides:
            # The seeds ask for 正反两面: the paper claims both sides only when ticked here.
            copy.layout().addWidget(self._sides_box(line))
        self.table.setCellWidget(row, 3, copy)
        self.table.setCellWidget(row, 4, self._scan_button(line))
        state = QTableWidgetItem("缺" if line.missing else "✓")
        state.setForeground(Qt.GlobalColor.red if line.missing else Qt.GlobalColor.darkGreen)
        self.table.setItem(row, 5, state)

    def _scan_button(self, line: ChecklistLine) -> QWidget:
        """附加… for an item without a scan; 已附加 ▾ with 查看 / 更换… / 移除 for one with a scan
        (a settled case's scan is only viewed)."""
        item = line.item_id
        if not line.scan_sha256:
            attach = QPushButton("附加…", self.table)
            attach.setToolTip("附加扫描件（图片或 PDF）")
            attach.clicked.connect(lambda _=False: self.choose_scan(item))
            return attach
        button = QToolButton(self.table)
        button.setText("已附加")
        button.setToolTip("查看、更换或移除扫描件")
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        view = menu.addAction("查看")
        view.triggered.connect(lambda: self.view_scan(line.scan_sha256, line.name))
        replace = menu.addAction("更换…")
        replace.triggered.connect(lambda: self.choose_scan(item))
        remove = menu.addAction("移除")
        remove.triggered.connect(lambda: self.remove_scan(item))
        for action in (replace, remove):
            action.setEnabled(not self.settled)
        button.setMenu(menu)
        button.setObjectName(f"scan_{item}")
        return button

    def remove_scan(self, item_id: int) -> None:
        line = next(line for line in self.lines if line.item_id == item_id)
        answer = QMessageBox.question(
            self, "移除扫描件", f"移除“{line.name}”的扫描件？（记入审计，文件仍保留备查）"
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._save(item_id, remove_scan=True)

    def view_scan(self, sha256: str, title: str) -> None:
        """Set by the window: show the scan (the panel holds no store)."""

    def _tick(self, line: ChecklistLine, key: str, required: bool) -> QWidget:
        box = QCheckBox("" if required else "无需", self.table)
        box.setObjectName(f"{key}_{line.item_id}")
        box.setChecked(bool(getattr(line, key)))
        ticked = bool(getattr(line, key))
        # Settled: only what is still missing may be ticked (a late copy), nothing untaken.
        box.setEnabled(required and not ticked if self.settled else (required or ticked))
        box.toggled.connect(
            lambda checked, item=line.item_id, k=key: self._save(item, **{k: checked})
        )
        holder = QWidget(self.table)
        layout = QHBoxLayout(holder)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(box)
        return holder

    def _sides_box(self, line: ChecklistLine) -> QCheckBox:
        box = QCheckBox("正反两面", self.table)
        box.setObjectName(f"both_sides_copied_{line.item_id}")
        box.setToolTip("复印件含正反两面时勾选")
        box.setChecked(line.both_sides_copied)
        box.setEnabled(not (self.settled and line.both_sides_copied))
        box.toggled.connect(
            lambda checked, item=line.item_id: self._save(item, both_sides_copied=checked)
        )
        return box

    def tick_box(self, row: int, key: str) -> QCheckBox:
        column = 2 if key == "original_sighted" else 3
        return self.table.cellWidget(row, column).findChild(
            QCheckBox, f"{key}_{self.lines[row].item_id}"
        )

    def row_state(self, row: int) -> str:
        return self.table.item(row, 5).text()

    # --- the keyboard ------------------------------------------------------------------------
    def focus_first_missing(self) -> None:
        """Put the cursor on the first box still to tick (the first name when none is): Ctrl+M
        then Space, again and again, ticks the papers in the order of the list."""
        self.table.setFocus()
        if not self.lines:
            return
        for index, line in enumerate(self.lines):
            if line.original_required and not line.original_sighted:
                self.table.setCurrentCell(index, TICK_COLUMNS["original_sighted"])
                return
            if line.copy_required and not line.copy_kept:
                self.table.setCurrentCell(index, TICK_COLUMNS["copy_kept"])
                return
        # All there: on a name, where one Space too many takes back nothing.
        self.table.setCurrentCell(0, NAME_COLUMN)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Space and not event.modifiers():
                return self.press_current_cell()
            if (
                event.key() == Qt.Key.Key_Space
                and event.modifiers() == Qt.KeyboardModifier.ShiftModifier
            ):
                return self.toggle_both_sides()
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                return self.table.currentColumn() == SCAN_COLUMN and self.press_current_cell()
        arriving = watched is self.table and event.type() == QEvent.Type.FocusIn
        if arriving and self.lines and self.table.currentColumn() not in _KEYED_COLUMNS:
            row = max(self.table.currentRow(), 0)
            self.table.setCurrentCell(row, TICK_COLUMNS["original_sighted"])
        return super().eventFilter(watched, event)

    def press_current_cell(self) -> bool:
        """Tick or untick the current cell's box, or press its scan button; False when the
        cell holds neither."""
        row, column = self.table.currentRow(), self.table.currentColumn()
        holder = self.table.cellWidget(row, column) if row >= 0 else None
        if holder is None:
            return False
        if column == SCAN_COLUMN:
            if isinstance(holder, QToolButton):
                holder.showMenu()
            else:
                holder.click()
            return True
        key = next(key for key, at in TICK_COLUMNS.items() if at == column)
        box = holder.findChild(QCheckBox, f"{key}_{self.lines[row].item_id}")
        if box is not None and box.isEnabled():
            box.toggle()
        return True

    def toggle_both_sides(self) -> bool:
        """Shift+Space: tick or untick 正反两面 of the current row, where its paper asks."""
        row = self.table.currentRow()
        if row < 0:
            return False
        box = self.table.findChild(QCheckBox, f"both_sides_copied_{self.lines[row].item_id}")
        if box is not None and box.isEnabled():
            box.toggle()
        return True

    # --- saving --------------------------------------------------------------------------
    def _save(self, item_id: int, **changes) -> None:
        """Hand the change to ``mark``, which saves it off the GUI thread and shows the case
        again once saved (or says why not)."""
        self._mark(item_id, **changes)

    def choose_scan(self, item_id: int) -> None:
        start = folders.start_in(self, "scans")
        path, _ = QFileDialog.getOpenFileName(self, "选择扫描件", start, SCAN_FILTER)
        if path:
            folders.remember(self, "scans", path)
            self._save(item_id, scan=Path(path))

    def dragEnterEvent(self, event) -> None:
        if self._dropped_file(event) is not None:
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        if self._dropped_file(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = self._dropped_file(event)
        position = self.table.viewport().mapFrom(self, event.position().toPoint())
        row = self.table.rowAt(position.y())
        if row < 0:
            row = self.table.currentRow()
        if path is None or row < 0 or row >= len(self.lines):
            return
        event.acceptProposedAction()
        self._save(self.lines[row].item_id, scan=path)

    @staticmethod
    def _dropped_file(event) -> Path | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        files = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
        if len(files) == 1 and files[0].suffix.lower() in SCAN_SUFFIXES:
            return files[0]
        return None
