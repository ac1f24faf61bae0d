"""Scans on the checklist can be viewed (an image, every page of a PDF) and removed before
settlement (audited; the file is kept); after settlement a scan is only viewed."""

import io
from datetime import datetime, timedelta

import pytest
from reportlab.pdfgen.canvas import Canvas

from app.services import (
    Amounts,
    DischargeInput,
    ItemUpdate,
    ServiceError,
    register_admission,
    settle_discharge,
    update_item,
)
from app.services.audit import history
from tests.store.helpers import admission, person, tick_all
from tests.ui.accounts import CLERK
from ui import ops
from ui.qt import QImage, QMessageBox, QToolButton

ADMITTED = datetime(2026, 3, 1, 9)


def _two_page_pdf() -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out)
    for _ in range(2):
        canvas.drawString(72, 720, "scan")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


@pytest.fixture
def case(qtbot, window, desk, tmp_path):
    done = register_admission(desk.store, admission(person(3), "ZY-S1"), clerk=CLERK, now=ADMITTED)
    png = tmp_path / "通知书.png"
    image = QImage(40, 20, QImage.Format.Format_RGB888)
    image.fill(0xFFFFFF)
    assert image.save(str(png))
    pdf = tmp_path / "身份证.pdf"
    pdf.write_bytes(_two_page_pdf())
    window.show_work_list()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    window.select_admission(done.admission_id)
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    lines = window.case_panel.checklist.lines
    desk.mark_item(lines[0].item_id, scan=png)
    desk.mark_item(lines[1].item_id, scan=pdf)
    window.refresh_case()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    return done.admission_id


def _menu(panel, row: int) -> dict:
    button = panel.table.cellWidget(row, 4)
    assert isinstance(button, QToolButton) and button.text() == "已附加"
    return {action.text(): action for action in button.menu().actions()}


def test_view_an_image_and_a_pdf_then_remove_one(qtbot, window, desk, case, monkeypatch):
    panel = window.case_panel.checklist
    _menu(panel, 0)["查看"].trigger()
    qtbot.waitUntil(lambda: ops.pending() == 0 and hasattr(window, "scan_viewer"), timeout=30_000)
    assert [(p.width(), p.height()) for p in window.scan_viewer.pages] == [(40, 20)]
    window.scan_viewer.reject()
    _menu(panel, 1)["查看"].trigger()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    assert len(window.scan_viewer.pages) == 2  # every page of the PDF
    window.scan_viewer.reject()

    removed = panel.lines[1]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    _menu(panel, 1)["移除"].trigger()
    qtbot.waitUntil(lambda: ops.pending() == 0 and panel.lines[1].scan_sha256 is None)
    assert panel.table.cellWidget(1, 4).text() == "附加…"
    with desk.store.read() as session:
        changes = [e.changes_json for e in history(session, "checklist_item", removed.item_id)]
    assert f'"scan_sha256": ["{removed.scan_sha256}", null]' in changes[-1]
    assert (desk.data_dir / "scans").is_dir()


def test_after_settlement_a_scan_is_only_viewed(qtbot, window, desk, case):
    tick_all(desk.store, case)
    moment = ADMITTED + timedelta(days=3)
    amounts = Amounts(total="6000", basic_insurance="3000")
    settle_discharge(desk.store, DischargeInput(case, moment, amounts), clerk=CLERK, now=moment)
    window.refresh_case()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    panel = window.case_panel.checklist
    menu = _menu(panel, 0)
    assert menu["查看"].isEnabled()
    assert not menu["移除"].isEnabled() and not menu["更换…"].isEnabled()
    with pytest.raises(ServiceError, match="不能移除"):
        update_item(desk.store, panel.lines[0].item_id, ItemUpdate(remove_scan=True), clerk=CLERK)
