"""A reprint is marked 补打 only after a print really happened: a preview closed without
printing does not count, a print and a saved PDF do."""

import io
from datetime import datetime

from pypdf import PdfReader

import ui.main_window as main_window
from app.services import Amounts, DischargeInput, register_admission, settle_discharge
from tests.store.helpers import admission, person, tick_all
from ui import ops


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def settled_slip(desk) -> str:
    form = admission(person(7), admitted_at=datetime(2026, 3, 1, 9, 0))
    registration = register_admission(desk.store, form, clerk="王", now=datetime(2026, 3, 1, 10))
    tick_all(desk.store, registration.admission_id)
    row = settle_discharge(
        desk.store,
        DischargeInput(
            registration.admission_id,
            datetime(2026, 3, 6, 10),
            Amounts(total="9000.00", basic_insurance="5000.00"),
        ),
        clerk="王",
        now=datetime(2026, 3, 6, 11),
    )
    return row.slip_number


def test_only_a_real_print_makes_the_next_copy_a_reprint(qtbot, window, desk, monkeypatch):
    slip = settled_slip(desk)
    answers = iter([False, True, True])
    seen = []

    def preview(_parent, pdf, title, _printer):
        seen.append(pdf)
        return next(answers)

    monkeypatch.setattr(main_window, "preview_and_print", preview)
    for expected in (1, 2, 3):
        window.print_slip(slip)
        qtbot.waitUntil(lambda n=expected: len(seen) == n and ops.pending() == 0)
    closed_unprinted, first_print, second_print = (text_of(pdf) for pdf in seen)
    assert "补打" not in closed_unprinted
    assert "补打" not in first_print  # the preview before it was closed without printing
    assert "补打" in second_print
