"""Sync packages carry the national codes beside ours: each admission and settlement record a
``national_codes`` field, each site in the header its region ``admdvs`` (issue 19, point 2)."""

from datetime import datetime

from app.services import Amounts, DischargeInput, register_admission, settle_discharge
from app.sync.package import decode
from app.sync.push import inbox_for, push
from tests.store.helpers import admission, person, tick_all


def test_a_pushed_package_carries_the_national_codes(make_window, central_folder):
    window = make_window("LX01")
    registered = register_admission(
        window, admission(person(1), insurance="employee"), clerk="王", now=datetime(2026, 3, 1, 10)
    )
    tick_all(window, registered.admission_id)
    settle_discharge(
        window,
        DischargeInput(
            registered.admission_id,
            datetime(2026, 3, 6, 10),
            Amounts(total="9000.00", basic_insurance="5000.00"),
        ),
        clerk="王",
        now=datetime(2026, 3, 6, 11),
    )
    result = push(window, central_folder, datetime(2026, 3, 6, 12))
    assert result.packages
    (path,) = sorted(inbox_for(central_folder, "LX01").iterdir())
    package = decode(path.read_bytes(), path.name)
    assert package.header["sites"][0]["admdvs"] == "330781"
    by_entity = {record["entity"]: record for record in package.records}
    assert by_entity["admission"]["national_codes"] == {"insutype": "310", "med_type": "21"}
    assert by_entity["settlement"]["national_codes"] == {
        "insutype": "310",
        "med_type": "21",
        "fund_pay_type": {"medical_assistance": "610100"},
    }
