"""The same bad forms, fed to the window's forms and to the services: the clerk sees exactly
the messages the service raises before it writes (one rule, one wording: app.forms)."""

from datetime import date, datetime

import pytest

from app.desk.records import DischargeCase
from app.errors import FieldErrors
from app.forms import AdmissionInput, Amounts, PersonInput
from app.identity import make_resident_id
from app.services import DischargeInput, register_admission, settle_discharge
from app.settlement import settle_json
from tests.store.helpers import admission, person, tick_all
from ui import ops
from ui.discharge_dialog import DischargeDialog
from ui.registration_form import RegistrationForm

GOOD_ID = make_resident_id("330781", date(1961, 3, 4), 7, "F")
BAD_ID = GOOD_ID[:-1] + ("1" if GOOD_ID[-1] != "1" else "2")


def bad_registration(**changes) -> AdmissionInput:
    values = dict(
        person=PersonInput(id_number=GOOD_ID, name="测试庚"),
        admission_number="ZY-5001",
        admitted_at=datetime(2026, 3, 1, 9, 0),
        department="内科",
        diagnosis="肺炎",
        category="minimum_living",
        insurance="resident",
        off_roster_reason="新认定，名册待更新",
    )
    values.update(changes)
    return AdmissionInput(**values)


REGISTRATIONS = {
    "a wrong check digit": bad_registration(person=PersonInput(id_number=BAD_ID, name="测试庚")),
    "an empty diagnosis and department": bad_registration(diagnosis="", department="  "),
    "a tab in the name": bad_registration(person=PersonInput(id_number=GOOD_ID, name="测\t试")),
    "an empty admission number": bad_registration(admission_number=""),
}


def refused_by_service(call) -> dict[str, str]:
    with pytest.raises(FieldErrors) as refused:
        call()
    return {error.field: error.message for error in refused.value.errors}


def shown(field) -> str:
    """The message beside a field, without the field's name before it."""
    return field.error_text().split("：", 1)[1] if field.error_text() else ""


@pytest.mark.parametrize("case", REGISTRATIONS, ids=list(REGISTRATIONS))
def test_the_registration_form_shows_what_the_service_refuses(qtbot, desk, drafts, case):
    typed = REGISTRATIONS[case]
    expected = refused_by_service(
        lambda: register_admission(desk.store, typed, clerk="王", now=datetime(2026, 3, 1, 10))
    )

    form = RegistrationForm(desk, drafts)
    qtbot.addWidget(form)
    texts = {
        "id_number": typed.person.id_number,
        "name": typed.person.name,
        "admission_number": typed.admission_number,
        "department": typed.department,
        "diagnosis": typed.diagnosis,
        "off_roster_reason": typed.off_roster_reason,
    }
    for key, text in texts.items():
        form.fields[key].setText(text)
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    form._touched.update(form.fields)
    form._id_done = True
    assert not form.validate()
    on_screen = {key: shown(field) for key, field in form.fields.items() if shown(field)}
    assert on_screen == expected


def lanxi_case() -> DischargeCase:
    return DischargeCase(
        key="admission-1",
        policy_id="lanxi",
        policy_title="兰溪市医疗救助实施办法",
        patient_name="测试甲",
        id_number=GOOD_ID,
        category="minimum_living",
        visit="inpatient",
        insurance="resident",
        facility="county",
        admitted_on=date(2026, 3, 1),
    )


BILLS = {
    "a full-width digit": {"total": "9０00", "basic_insurance": "5000"},
    "out of catalogue above the bill": {"total": "9000", "out_of_catalog": "9500"},
    "insurance above the bill": {"total": "9000", "basic_insurance": "9000.01"},
    "paid by others together above the bill": {
        "total": "9000",
        "basic_insurance": "5000",
        "critical_illness": "3000",
        "other_compensation": "1500",
    },
    "three decimals and a minus": {"total": "9000.001", "excluded": "-1"},
}


@pytest.mark.parametrize("case", BILLS, ids=list(BILLS))
def test_the_discharge_dialog_shows_what_the_service_refuses(qtbot, desk, drafts, policies, case):
    bill = BILLS[case]
    registered = register_admission(
        desk.store,
        admission(person(7), number="ZY-5002", admitted_at=datetime(2026, 3, 1, 9)),
        clerk="王",
        now=datetime(2026, 3, 1, 10),
    )
    tick_all(desk.store, registered.admission_id)
    expected = refused_by_service(
        lambda: settle_discharge(
            desk.store,
            DischargeInput(registered.admission_id, datetime(2026, 3, 6, 10), Amounts(**bill)),
            clerk="王",
            now=datetime(2026, 3, 6, 11),
        )
    )

    dialog = DischargeDialog(
        lanxi_case(),
        preview=lambda claim: settle_json(claim, policies),
        confirm=lambda *_: "never",
        drafts=drafts,
    )
    qtbot.addWidget(dialog)
    for key, text in bill.items():
        dialog.fields[key].edit.setText(text)
    dialog.recalculate()
    on_screen = {key: shown(field) for key, field in dialog.fields.items() if shown(field)}
    assert on_screen == expected
    assert not dialog.confirm_button.isEnabled()
