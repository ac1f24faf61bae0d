"""日结/交班 (Ctrl+Shift+D) in the window, on a real store: its totals are the sum of the
day's settlements, its A4 page shows them, and a clerk sees only their own day."""

import io
import shutil
import subprocess
from datetime import date
from decimal import Decimal

from pypdf import PdfReader

from app.forms import Amounts, OutpatientVisitInput, PersonInput
from app.identity import make_resident_id
from tests.ui.accounts import CLERK, SUPERVISOR, SUPERVISOR_PW
from ui.qt import Qt

PAPERS = {
    "id_card": (True, True),
    "beneficiary_certificate": (True, True),
    "invoice": (True, True),
    "insurance_slip": (True, True),
}


def visit(desk, sequence, total, basic):
    number = make_resident_id("330781", date(1950, 1, 1), sequence, "F")
    form = OutpatientVisitInput(
        person=PersonInput(number, f"日结{sequence}"),
        visit_date=date.today(),
        visit="outpatient_general",
        category="destitute",
        insurance="resident",
        diagnosis="",
        amounts=Amounts(total, basic_insurance=basic),
        papers=PAPERS,
        off_roster_reason="名册尚未下发",
    )
    slip = desk.settle_outpatient(form)
    return slip, desk.case(desk.search(slip)[0].admission_id).live_settlement


def test_the_daily_close_totals_are_the_days_settlements(
    qtbot, window, settled, tmp_path, message_boxes
):
    desk = window.desk
    done = [visit(desk, 31, "1500.00", "500.00"), visit(desk, 32, "620.40", "120.00")]
    # A void by a supervisor: listed, not counted.
    voided, _line = visit(desk, 33, "300.00", "100.00")
    desk.void(voided, "录错", SUPERVISOR, SUPERVISOR_PW)
    expected = sum((Decimal(line.paid_at_window) for _slip, line in done), Decimal(0))

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(
        window,
        Qt.Key.Key_D,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = window.daily_close_dialog
    qtbot.waitUntil(dialog.isVisible)
    settled()
    close = dialog.close_record
    # The clerk signed in sees their own day and cannot ask for the whole window.
    assert close.clerk == CLERK and not dialog.whole.isEnabled()
    assert close.totals.sums["advanced"] == expected
    assert [c.slip_number for c in close.settlements] == [slip for slip, _ in done] + [voided]
    assert [v.slip_number for v in close.voids] == [voided]
    assert close.gaps == ()
    assert f"医院垫付合计 {expected} 元" in dialog.summary.text()

    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    settled()
    title, pdf = window.previewed[-1]
    assert title.startswith(f"日结单 {date.today()}")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert f"{expected}" in text and voided in text and "作废" in text
    if shutil.which("pdftotext"):
        out = tmp_path / "close.pdf"
        out.write_bytes(pdf)
        read = subprocess.run(
            ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "日结单" in read and f"{expected}" in read


def test_a_clerk_may_not_close_the_whole_window(window):
    import pytest

    from app.services import ServiceError

    with pytest.raises(ServiceError) as refused:
        window.desk.daily_close(date.today(), None)
    assert refused.value.field == "clerk"
    assert window.desk.daily_close(date.today(), CLERK).clerk == CLERK


def test_one_tab_leaves_the_days_date(qtbot, window, settled):
    """The date was a QDateEdit: Tab walked 年 → 月 → 日 before reaching 经办人."""
    window.open_daily_close()
    dialog = window.daily_close_dialog
    settled()
    dialog.day.setFocus()
    qtbot.keyClick(dialog.day, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.clerk
