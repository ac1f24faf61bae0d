"""门诊结算 (F6) through the real window and a real SQLite store: the policy's outpatient
visits and papers, the diagnosis rule, a slip of its own found again by scanning its number."""

import io
import shutil
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader

from app.identity import make_resident_id
from tests.ui.accounts import SUPERVISOR, SUPERVISOR_PW
from ui.qt import Qt

PERSON_ID = make_resident_id("330781", date(1955, 7, 1), 21, "M")


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def open_outpatient(qtbot, window, settled):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F6)
    settled()
    dialog = window.outpatient
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def fill(qtbot, dialog, type_text, settled, diagnosis="高血压"):
    qtbot.keyClicks(dialog.id_number.edit, PERSON_ID)
    settled()
    type_text(dialog.name.edit, "门诊甲")
    dialog.category.setCurrentIndex(dialog.category.findData("minimum_living"))
    dialog.visit.setCurrentIndex(dialog.visit.findData("outpatient_chronic"))
    if diagnosis:
        type_text(dialog.diagnosis.edit, diagnosis)
    type_text(dialog.off_roster_reason.edit, "名册尚未下发")
    qtbot.keyClicks(dialog.fields["total"].edit, "1500.00")
    qtbot.keyClicks(dialog.fields["basic_insurance"].edit, "500.00")
    for original, copy in dialog.papers.values():
        for box in (original, copy):
            if box is not None:
                box.setChecked(True)
    settled()


def test_outpatient_settlement_from_the_screen_to_a_slip_found_by_scanning(
    qtbot, window, type_text, settled, message_boxes, tmp_path
):
    dialog = open_outpatient(qtbot, window, settled)
    # 兰溪 三(二)2: general and chronic outpatient only; no inpatient paper is asked for.
    assert [dialog.visit.itemData(i) for i in range(dialog.visit.count())] == [
        "outpatient_general",
        "outpatient_chronic",
    ]
    assert set(dialog.papers) == {"id_card", "beneficiary_certificate", "invoice", "insurance_slip"}
    fill(qtbot, dialog, type_text, settled, diagnosis="")
    assert dialog.diagnosis_label.text() == "诊断（必填）："
    assert not dialog.override_box.isVisible()
    assert dialog.breakdown.result is not None
    assert dialog.breakdown.result["pool"] == "outpatient"
    # Chronic outpatient needs its diagnosis (三(二)2): refused, nothing saved, the field says so.
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settled()
    assert dialog.isVisible()
    assert "三(二)2" in dialog.diagnosis.error_text()
    assert message_boxes.shown[-1][1] == "未能结算"

    qtbot.keyClicks(dialog.diagnosis.edit, "HTN")
    settled()
    assistance = dialog.breakdown.result["assistance"]
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settled()
    slip = dialog.slip_number
    assert slip and slip.startswith("LX01-")
    assert not dialog.isVisible()
    # The slip went to the print preview: visit date and diagnosis, no 住院号 nor days.
    title, pdf = window.previewed[-1]
    assert title == f"结算单 {slip}"
    text = pdf_text(pdf)
    assert "就诊日期" in text and "HTN" in text and "慢性病门诊" in text
    assert "住院号" not in text and "住院天数" not in text
    assert assistance in text
    if shutil.which("pdftotext"):
        out = tmp_path / "slip.pdf"
        out.write_bytes(pdf)
        read = subprocess.run(
            ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "就诊日期" in read and slip in read and "住院天数" not in read

    # A scanner types the number into the search box: the visit, its settlement, its papers.
    window.show_work_list()
    settled()
    qtbot.keyClicks(window.search, slip.lower())
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    settled()
    detail = window.case_panel.detail
    assert detail.row.kind == "outpatient"
    assert detail.live_settlement.slip_number == slip
    assert {line.stage for line in detail.checklist} == {"outpatient"}
    assert not window.discharge_action.isEnabled()
    assert window.void_action.isEnabled() and window.print_action.isEnabled()
    # A visit, not a stay: its number and day, and settled reads as done (green), not red.
    header = window.case_panel.header.text()
    assert "门诊号" in header and "就诊日期" in header and "住院号" not in header
    assert "入院" not in header and "00:00" not in header
    from ui.case_table import COLUMNS, CaseTableModel

    model, status = CaseTableModel(), [key for key, _title in COLUMNS].index("status")
    model.set_rows([detail.row])
    colour = model.data(model.index(0, status), Qt.ItemDataRole.ForegroundRole).color().name()
    assert colour == "#1b5e20"
    # In the person's records too (search by ID number), then voided like an inpatient slip.
    assert [r.slip_number for r in window.desk.search(PERSON_ID)] == [slip]
    window.desk.void(slip, "金额录错", SUPERVISOR, SUPERVISOR_PW)
    assert window.desk.search(slip)[0].status == "门诊已作废"


@pytest.mark.parametrize("missing", ["insurance_slip"])
def test_a_missing_outpatient_paper_needs_a_supervisor(qtbot, window, type_text, settled, missing):
    dialog = open_outpatient(qtbot, window, settled)
    fill(qtbot, dialog, type_text, settled)
    original, copy = dialog.papers[missing]
    (copy or original).setChecked(False)
    settled()
    assert dialog.override_box.isVisible()
    assert not dialog.confirm_button.isEnabled()
    type_text(dialog.supervisor.edit, SUPERVISOR)
    qtbot.keyClicks(dialog.supervisor_password.edit, SUPERVISOR_PW)
    type_text(dialog.override_reason.edit, "结算单次日补交")
    assert dialog.confirm_button.isEnabled()
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    settled()
    assert dialog.slip_number


def test_ctrl_enter_before_the_visit_may_settle_points_at_what_is_missing(
    qtbot, window, type_text, settled, message_boxes
):
    dialog = open_outpatient(qtbot, window, settled)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    ctrl_enter = (Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog.id_number.edit, *ctrl_enter)
    assert dialog.focusWidget() is dialog.id_number.edit
    assert dialog.form_error.text() == "请先输入身份证号。"
    fill(qtbot, dialog, type_text, settled)
    original, copy = dialog.papers["insurance_slip"]
    (copy or original).setChecked(False)
    settled()
    qtbot.keyClick(dialog.fields["total"].edit, *ctrl_enter)
    assert dialog.focusWidget() is dialog.supervisor.edit
    assert dialog.form_error.text() == "材料缺项须主管放行：请填写审核主管、主管密码和放行理由。"
    assert dialog.slip_number is None
    # Esc with the amounts typed asks first, and promises no draft: this form keeps none.
    qtbot.keyClick(dialog.fields["total"].edit, Qt.Key.Key_Escape)
    kind, _title, text = message_boxes.shown[-1]
    assert kind == "question" and "“丢弃”：删除已录入的内容" in text and "草稿" not in text
    assert not dialog.isVisible()  # answered 丢弃


@pytest.mark.parametrize("screen_height", [1040, 728])
def test_the_outpatient_form_scrolls_only_where_the_screen_is_too_short(
    qtbot, window, settled, monkeypatch, screen_height
):
    """On a 1080-line screen the dialog opens as tall as the form, so the clerk tabs through
    it without scrolling; on a 768-line one it keeps to the screen and the form scrolls."""
    from ui import fitting
    from ui.qt import QScrollArea, QSize

    monkeypatch.setattr(fitting, "available_size", lambda _widget: QSize(1920, screen_height))
    dialog = open_outpatient(qtbot, window, settled)
    form = dialog.findChild(QScrollArea)
    qtbot.waitUntil(lambda: form.widget().height() > 0)
    needed = form.widget().sizeHint().height()
    assert dialog.height() <= screen_height
    if needed + 100 <= screen_height:
        qtbot.waitUntil(lambda: form.verticalScrollBar().maximum() == 0, timeout=2_000)
    else:
        assert form.verticalScrollBar().maximum() > 0
