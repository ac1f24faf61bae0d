"""Properties of year-to-date over any run of settlements and voids for one person."""

from datetime import date, datetime
from decimal import Decimal
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services import (
    Amounts,
    OutpatientInput,
    find_person,
    person_settlements,
    settle_outpatient,
    void_settlement,
    year_to_date,
)
from app.services.errors import ServiceError
from tests.store.helpers import person

CAP = Decimal("80000")  # 兰溪 annual cap; special-disease outpatient counts in the inpatient pool
people = count(100)

settle_step = st.tuples(st.just("settle"), st.integers(min_value=1, max_value=6_000_000))
void_step = st.tuples(st.just("void"), st.integers(min_value=0, max_value=20))


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(st.one_of(settle_step, void_step), min_size=1, max_size=8))
def test_year_to_date_is_the_live_settlements_and_never_passes_the_cap(store, make_site, steps):
    make_site()  # saving the same site again changes nothing
    who = person(next(people))
    for action, value in steps:
        with store.read() as session:
            rows = [r for r in person_settlements_of(session, who) if not r.voided]
        if action == "settle":
            fen = Decimal(value) / 100  # any bill up to 60,000.00, in fen
            form = OutpatientInput(
                person=who,
                visit_date=date(2026, 6, 1),
                visit="outpatient_special",
                category="minimum_living",
                insurance="resident",
                amounts=Amounts(str(fen)),
                off_roster_reason="性质测试",
            )
            settle_outpatient(store, form, clerk="测", now=datetime(2026, 6, 2))
        elif rows:
            target = rows[value % len(rows)].slip_number
            if target != max(row.slip_number for row in rows):
                # a later settlement counted this one: corrections go from the newest back
                with pytest.raises(ServiceError, match="请先从最新的一笔起作废"):
                    void_settlement(store, target, reason="性质测试", clerk="测")
            else:
                void_settlement(store, target, reason="性质测试", clerk="测")
        with store.read() as session:
            live = [r for r in person_settlements_of(session, who) if not r.voided]
            used = year_to_date(session, live[0].person_id, "lanxi", 2026) if live else None
        if used is None:
            continue
        assert used.inpatient.assistance == sum(r.assistance for r in live)
        assert used.inpatient.base == sum(r.base for r in live)
        assert Decimal(0) <= used.inpatient.assistance <= CAP
        assert all(r.assistance <= r.base for r in live)


def person_settlements_of(session, who):
    found = find_person(session, who.id_number)
    return person_settlements(session, found.id) if found else []
