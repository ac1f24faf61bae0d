"""Random strings and numbers in every field of the registration form and the discharge
dialog (hypothesis, real widgets): no crash, and a rejected input stores nothing."""

import itertools
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.identity import make_resident_id
from app.services import register_admission
from tests.store.helpers import admission, person, snapshot, tick_all
from ui import ops
from ui.qt import Qt
from ui.registration_form import TEXT_FIELDS

NASTY = [
    "",
    " ",
    "-1",
    "-0.01",
    "0.001",
    "1e30",
    "1E26",
    "NaN",
    "inf",
    "1,000.00",
    "１２３",
    "99999999999999999999",
    "'; DROP TABLE person;--",
    "𠮷",
    "\t",
    "0x10",
    "3.3e+17",
]
TEXT = st.one_of(
    st.text(max_size=24),
    st.sampled_from(NASTY),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.from_regex(r"\d{17}[\dXx]", fullmatch=True),
)
FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
sequence = itertools.count(100)


def settle_down(qtbot) -> None:
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)


@FUZZ
@given(values=st.fixed_dictionaries({key: TEXT for key, _, _ in TEXT_FIELDS}))
def test_registration_form_takes_anything_and_stores_only_what_is_valid(qtbot, window, values):
    store = window.desk.store
    before = snapshot(store)
    window.open_registration()
    form = window.registration
    for key, text in values.items():
        form.fields[key].edit.setText(text)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    settle_down(qtbot)
    if form.isVisible():  # refused: every table exactly as before
        assert snapshot(store) == before
        assert any(field.error_text() for field in form.fields.values())
        form.close()
    settle_down(qtbot)


@FUZZ
@given(
    amounts=st.fixed_dictionaries(
        {
            key: TEXT
            for key in (
                "total",
                "out_of_catalog",
                "basic_insurance",
                "critical_illness",
                "other_compensation",
            )
        }
    )
)
def test_discharge_dialog_takes_anything_and_settles_only_what_is_valid(qtbot, window, amounts):
    store = window.desk.store
    number = next(sequence)
    who = person(number)
    who.id_number = make_resident_id("330781", who.birth_date, number % 500, "F")
    form = admission(who, number=f"FZ{number}", admitted_at=datetime(2026, 3, 1, 9))
    admission_id = register_admission(store, form, clerk="王", now=datetime(2026, 3, 1, 10))
    tick_all(store, admission_id.admission_id)
    window._replace_row(admission_id.admission_id)
    settle_down(qtbot)
    window.open_discharge()
    settle_down(qtbot)
    dialog = window.discharge
    for key, text in amounts.items():
        dialog.fields[key].edit.setText(text)
    settle_down(qtbot)
    before = snapshot(store)
    if dialog.confirm_button.isEnabled():
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
        settle_down(qtbot)
    if dialog.isVisible():  # not settled: nothing stored
        assert snapshot(store) == before
        dialog.close()
    settle_down(qtbot)
