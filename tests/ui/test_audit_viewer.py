"""The audit viewer (supervisor): filtered rows with ID numbers masked, export, chain check."""

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from app.services import register_admission
from tests.security.tampering import run_untriggered
from tests.store.helpers import admission, person
from tests.ui.accounts import CLERK, SUPERVISOR, SUPERVISOR_PW
from ui import ops
from ui.qt import QDate, QFileDialog

CHANGES = 6  # the column of the changes (JSON)


@pytest.fixture
def registered(desk):
    who = person(8, name="测试审")
    register_admission(desk.store, admission(who, "ZY-A01"), clerk=CLERK)
    return who.id_number


@pytest.fixture
def viewer(qtbot, window, desk, registered):
    desk.sign_in(SUPERVISOR, SUPERVISOR_PW)
    window.update_status()
    window._enable_case_actions()
    assert window.audit_action.isEnabled()
    window.audit_action.trigger()
    shown = window.audit_viewer
    qtbot.addWidget(shown)
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    return shown


def cells(model, column):
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def test_a_clerk_has_no_audit_viewer(window):
    assert not window.audit_action.isEnabled()
    window.open_audit_viewer()
    assert not hasattr(window, "audit_viewer")


def test_audit_rows_show_id_numbers_masked(viewer, registered):
    masked = registered[:6] + "********" + registered[-4:]
    every_cell = [
        viewer.model.data(viewer.model.index(r, c))
        for r in range(viewer.model.rowCount())
        for c in range(viewer.model.columnCount())
    ]
    assert any(masked in cell for cell in every_cell)
    assert not any(registered in cell for cell in every_cell)


def test_filters_by_clerk_action_case_and_date(qtbot, viewer, desk):
    viewer.clerk.setText(CLERK)
    viewer.refresh()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    assert set(cells(viewer.model, 2)) == {CLERK}
    assert viewer.count.text().startswith(f"共 {viewer.model.rowCount()} 条")

    viewer.clerk.setText("")
    viewer.action.setCurrentIndex(viewer.action.findData("login"))
    viewer.refresh()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    assert set(cells(viewer.model, 3)) == {"登录"}
    assert SUPERVISOR in cells(viewer.model, 2)

    viewer.action.setCurrentIndex(0)
    viewer.entity_id.setText(SUPERVISOR)  # the supervisor's account as the object
    viewer.refresh()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    assert set(cells(viewer.model, 5)) == {SUPERVISOR}

    viewer.entity_id.setText("")
    tomorrow = date.today() + timedelta(days=1)
    viewer.since.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
    viewer.refresh()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    assert viewer.model.rowCount() == 0
    viewer.since.setDate(QDate.currentDate())
    viewer.until.setDate(QDate.currentDate())
    viewer.refresh()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    assert viewer.model.rowCount() > 0


def test_exports_csv_and_xlsx_masked(qtbot, viewer, registered, tmp_path, monkeypatch):
    masked = registered[:6] + "********" + registered[-4:]
    viewer.clerk.setText(CLERK)
    viewer.refresh()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    shown = viewer.model.rowCount()

    target = tmp_path / "审计.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "CSV"))
    viewer.export_button.click()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    assert viewer.outcome.text() == f"已导出 {shown} 条：{target}"
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert rows[0][2] == "操作人" and len(rows) == shown + 1
    assert {row[2] for row in rows[1:]} == {CLERK}
    assert masked in target.read_text(encoding="utf-8-sig")
    assert registered not in target.read_text(encoding="utf-8-sig")

    book = tmp_path / "审计.xlsx"
    viewer.export(str(book))
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    sheet = load_workbook(book).active
    assert sheet.max_row == shown + 1
    assert any(masked in str(cell.value) for cell in sheet["G"])


def test_verify_chain_shows_whole_then_broken(qtbot, viewer, desk):
    viewer.verify_button.click()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    assert viewer.outcome.text().startswith("审计链完整：已核对 ")

    run_untriggered(desk.store, "UPDATE audit_event SET clerk = '别人' WHERE id = 2")
    viewer.verify_button.click()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    assert viewer.outcome.text().startswith("审计链有 1 处断点")


def test_rows_read_in_words_with_the_admission_number(qtbot, viewer):
    """Objects and fields by their Chinese names, the admission by its 住院号 (found typed in
    lower case too), changes as values a clerk knows — no table keys, no JSON."""
    viewer.entity_id.setText("zy-a01")
    viewer.refresh()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    assert cells(viewer.model, 4) == ["住院登记"]
    assert cells(viewer.model, 5) == ["住院号 ZY-A01"]
    [words] = cells(viewer.model, CHANGES)
    assert "住院号：ZY-A01" in words
    assert "人员：测试审" in words
    assert "admission_number" not in words and "{" not in words
