"""Two windows, one person, one central folder and database: after sync, ingest, publish and
pull, the second window's cap counts what the first window paid."""

import itertools
import json
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from app.services import (
    Amounts,
    DischargeInput,
    register_admission,
    result_of,
    settle_discharge,
    void_settlement,
    year_to_date,
)
from app.sync import ingest, publish, run_once, status
from db.models import Admission, BeneficiaryStatus, ChecklistItem, Person, Settlement
from db.sync_models import IngestedPackage, WindowProgress
from tests.store.helpers import admission, person, tick_all

CLERK = "王"
NOW = datetime(2026, 12, 1, 9)


def _settle(window, who, number, day, total, basic, critical="0"):
    form = admission(who, number=number, admitted_at=day, category="destitute")
    admission_id = register_admission(window, form, clerk=CLERK, now=day).admission_id
    tick_all(window, admission_id)
    discharge = DischargeInput(
        admission_id, day.replace(day=day.day + 7), Amounts(total, "0", basic, critical)
    )
    return settle_discharge(window, discharge, clerk=CLERK, now=NOW)


def _central_counts(central_store):
    with central_store.read() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Person, BeneficiaryStatus, Admission, ChecklistItem, Settlement)
        }


def _sync_all(central_store, central_folder, *windows):
    for window in windows:
        report = run_once(window, central_folder, now=NOW)
        assert report.ok, report.error
        assert report.queue_length == 0
    ingested = ingest(central_store, central_folder, now=NOW)
    assert ingested.problems == []
    publish(central_store, central_folder, years=[2026], now=NOW)
    for window in windows:
        assert run_once(window, central_folder, now=NOW).ok
    return ingested


def test_the_second_window_counts_the_first_windows_assistance(
    central_store, central_folder, make_window
):
    first, second = make_window("LX01"), make_window("LX02")  # 兰溪: 特困 100 %, cap 80,000
    who = person(1)
    # First window: base 100000 - 30000 - 10000 = 60000, paid in full; 20000 of the cap left.
    one = _settle(first, who, "A-1", datetime(2026, 3, 1, 8), "100000.00", "30000.00", "10000.00")
    assert (one.assistance, result_of(one)["cap_remaining"]) == (Decimal("60000.00"), "20000.00")
    # Second window, knowing nothing yet: base 8000 - 3000 = 5000; 75000 of the cap left.
    two = _settle(second, who, "B-1", datetime(2026, 4, 1, 8), "8000.00", "3000.00")
    assert (two.assistance, result_of(two)["cap_remaining"]) == (Decimal("5000.00"), "75000.00")

    _sync_all(central_store, central_folder, first, second)
    counts = _central_counts(central_store)
    assert counts == {
        "person": 1,
        "beneficiary_status": 2,  # one per window: registered off the roster at each
        "admission": 2,
        "checklist_item": counts["checklist_item"],
        "settlement": 2,
    }

    # Second window again: base 80000 - 20000 - 10000 = 50000. Year to date is its own 5000
    # and the first window's 60000 = 65000, so only 80000 - 65000 = 15000 of the cap is left.
    three = _settle(second, who, "B-2", datetime(2026, 6, 1, 8), "80000.00", "20000.00", "10000.00")
    claimed = json.loads(three.claim_json)["year_to_date"]["inpatient"]
    assert claimed["assistance"] == "65000.00"
    assert claimed["base"] == "65000.00"
    assert three.assistance == Decimal("15000.00")
    assert result_of(three)["cap_remaining"] == "0.00"

    # The first window voids its settlement; once that travels, the second window sees 20000.
    void_settlement(first, one.slip_number, reason="发票重复", clerk=CLERK)
    _sync_all(central_store, central_folder, first, second)
    with central_store.read() as session:
        voided = session.scalar(select(Settlement).where(Settlement.slip_number == one.slip_number))
        assert (voided.voided, voided.void_reason) == (True, "发票重复")
        assert _central_counts(central_store)["settlement"] == 3
        progress = {row.site_code: row.last_seq for row in session.scalars(select(WindowProgress))}
        packages = session.scalars(select(IngestedPackage).order_by(IngestedPackage.first_seq))
        ranges = sorted((p.site_code, p.first_seq, p.last_seq) for p in packages)
    for site, last in progress.items():
        mine = [(a, b) for s, a, b in ranges if s == site]
        assert mine[0][0] == 1 and mine[-1][1] == last
        assert all(b + 1 == a for (_, b), (a, _) in itertools.pairwise(mine))
    with second.read() as session:
        used = year_to_date(session, three.person_id, "lanxi", 2026)
    assert used.inpatient.assistance == Decimal("20000.00")  # 5000 + 15000, A's 60000 void
    with first.read() as session:
        used = year_to_date(session, one.person_id, "lanxi", 2026)
    assert used.inpatient.assistance == Decimal("20000.00")  # nothing of its own, B's 20000
    assert status(first).last_error is None and status(first).queue_length == 0


def test_a_file_published_for_one_year_keeps_the_other_years_figures(
    central_store, central_folder, make_window
):
    """Published in January for last year alone, the centre's file replaces that year's
    figures at each window, not this year's too (then a cap passed unseen across sites)."""
    from db.sync_models import PaidElsewhere

    first, second = make_window("LX01"), make_window("LX02")
    who = person(7)
    _settle(first, who, "A-1", datetime(2026, 3, 1, 8), "100000.00", "30000.00", "10000.00")
    _sync_all(central_store, central_folder, first, second)  # publishes 2026
    with second.read() as session:
        [row] = session.scalars(select(PaidElsewhere)).all()
    assert (row.year, row.assistance) == (2026, Decimal("60000.00"))

    publish(central_store, central_folder, years=[2025], now=NOW)
    assert run_once(second, central_folder, now=NOW).ok
    with second.read() as session:
        assert [r.year for r in session.scalars(select(PaidElsewhere))] == [2026]
