"""The window's list of today: admissions admitted or discharged on a day, on either backend."""

from datetime import date, datetime

from app.services import (
    Amounts,
    DischargeInput,
    admissions_touched_on,
    register_admission,
    settle_discharge,
)
from tests.store.helpers import admission, person, tick_all


def test_admitted_or_discharged_on_the_day(store, make_site):
    make_site()
    ids = {}
    for sequence, admitted, discharged in (
        (1, datetime(2026, 5, 9, 23, 50), datetime(2026, 5, 10, 0, 5)),  # discharged that day
        (2, datetime(2026, 5, 10, 8, 0), None),  # admitted that day
        (3, datetime(2026, 5, 1, 8, 0), datetime(2026, 5, 11, 9, 0)),  # neither
        (4, datetime(2026, 5, 1, 8, 0), datetime(2026, 5, 9, 23, 59)),  # the day before
    ):
        form = admission(person(sequence), number=f"ZY{sequence}", admitted_at=admitted)
        registration = register_admission(store, form, clerk="王", now=admitted)
        ids[sequence] = registration.admission_id
        if discharged:
            tick_all(store, registration.admission_id)
            settle_discharge(
                store,
                DischargeInput(registration.admission_id, discharged, Amounts(total="100.00")),
                clerk="王",
                now=discharged,
            )
    with store.read() as session:
        found = {a.id for a in admissions_touched_on(session, "LX01", date(2026, 5, 10))}
        other_site = admissions_touched_on(session, "XX99", date(2026, 5, 10))
    assert found == {ids[1], ids[2]}
    assert other_site == []
