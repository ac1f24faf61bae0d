"""The centre sees claims paid after discharge: intake, review and payment at a window reach
the central store through the usual packages (claims keyed by their number)."""

from datetime import date, datetime

from sqlalchemy import select

from app.services.paid_later import (
    BankResult,
    create_batch,
    mark_results,
    review_claim,
)
from app.sync import ingest, run_once
from db.models import PaidLaterClaim, PaymentBatch
from tests.store.helpers import person
from tests.store.test_paid_later import intake

# A 兰溪 特困 stay elsewhere, taken in as a 事后报销 claim.
LANXI_STAY = dict(
    policy="lanxi",
    facility="county",
    materials=("invoice", "discharge_summary", "cost_list"),
    category="destitute",
)


def _central_claim(store, number):
    with store.read() as session:
        row = session.scalar(select(PaidLaterClaim).where(PaidLaterClaim.claim_number == number))
        return None if row is None else (row.status, row.payable, row.person.id_number)


def test_a_claim_reaches_the_centre_and_follows_its_status(
    make_window, central_store, central_folder
):
    window = make_window("LX01")
    who = person(1)
    claim = intake(
        window,
        who,
        policy="lanxi",
        facility="county",
        materials=("invoice", "discharge_summary", "cost_list"),
        category="destitute",
        admitted=date(2026, 3, 2),
        discharged=date(2026, 3, 12),
        now=datetime(2026, 3, 13, 10),
    )
    assert run_once(window, central_folder).ok
    assert ingest(central_store, central_folder).problems == []
    assert _central_claim(central_store, claim.claim_number) == (
        "received",
        claim.payable,
        who.id_number,
    )
    review_claim(window, claim.claim_number, supervisor="李主管", approve=True)
    batch = create_batch(window, clerk="王")
    mark_results(window, batch.batch_number, [BankResult(claim.claim_number, True)], clerk="王")
    report = run_once(window, central_folder)
    # A window that issued its numbers itself has nothing to catch up with, and says nothing.
    assert report.ok and report.notes == ()
    assert ingest(central_store, central_folder).problems == []
    assert _central_claim(central_store, claim.claim_number)[0] == "paid"
    # The bank's list travels too: the centre holds the batch and what the bank answered.
    with central_store.read() as session:
        there = session.scalar(
            select(PaymentBatch).where(PaymentBatch.batch_number == batch.batch_number)
        )
        assert (there.count, there.total) == (1, claim.payable)
        assert [(line.claim.claim_number, line.result) for line in there.lines] == [
            (claim.claim_number, "paid")
        ]


def test_the_centre_counts_claims_in_the_year_to_date_it_publishes(
    make_window, central_store, central_folder
):
    import json

    from app.sync.central_publish import year_to_date_lines

    window = make_window("LX01")
    who = person(2)
    claim = intake(
        window,
        who,
        policy="lanxi",
        facility="county",
        materials=("invoice", "discharge_summary", "cost_list"),
        category="destitute",
        now=datetime(2026, 3, 13, 10),
    )
    assert run_once(window, central_folder).ok
    assert ingest(central_store, central_folder).problems == []
    with central_store.read() as session:
        lines = [json.loads(line) for line in year_to_date_lines(session, [2026])]
    [line] = [x for x in lines if x["id_number"] == who.id_number]
    assert (line["site"], line["pool"], line["assistance"]) == (
        "LX01",
        "inpatient",
        str(claim.assistance),
    )


def test_a_batch_made_before_batches_travelled_reaches_the_centre_with_its_bank_answer(
    make_window, central_store, central_folder, monkeypatch
):
    from db import outbox
    from db.models import PaymentLine

    window = make_window("LX01")
    claim = intake(window, person(3), **LANXI_STAY)
    review_claim(window, claim.claim_number, supervisor="李主管", approve=True)
    with monkeypatch.context() as before:  # as the version before this one queued it
        before.delitem(outbox.ENTITIES, PaymentBatch)
        before.delitem(outbox.ENTITIES, PaymentLine)
        batch = create_batch(window, clerk="王")
    assert run_once(window, central_folder).ok
    assert ingest(central_store, central_folder).problems == []
    assert _central_claim(central_store, claim.claim_number)[0] == "batched"
    mark_results(window, batch.batch_number, [BankResult(claim.claim_number, True)], clerk="王")
    assert run_once(window, central_folder).ok
    assert ingest(central_store, central_folder).problems == []
    with central_store.read() as session:
        there = session.scalar(
            select(PaymentBatch).where(PaymentBatch.batch_number == batch.batch_number)
        )
        assert [(line.claim.claim_number, line.result) for line in there.lines] == [
            (claim.claim_number, "paid")
        ]


def test_another_list_under_a_batch_number_the_centre_has_is_refused_in_chinese(
    make_window, central_store, central_folder
):
    from sqlalchemy import update

    window = make_window("LX01")
    claim = intake(window, person(4), **LANXI_STAY)
    review_claim(window, claim.claim_number, supervisor="李主管", approve=True)
    batch = create_batch(window, clerk="王")
    assert run_once(window, central_folder).ok
    assert ingest(central_store, central_folder).problems == []
    with central_store.write() as session:  # as if another list had come in under its number
        session.execute(update(PaymentBatch).values(total=claim.payable + 1))
    mark_results(window, batch.batch_number, [BankResult(claim.claim_number, True)], clerk="王")
    assert run_once(window, central_folder).ok
    [problem] = ingest(central_store, central_folder).problems
    assert f"代发清单 {batch.batch_number} 在中心已有另一份内容不同的清单" in problem


def test_a_stay_claimed_at_two_sites_is_named_and_the_return_that_settles_it_goes_in(
    make_window, central_store, central_folder
):
    windows = {"LX01": make_window("LX01"), "LX02": make_window("LX02")}
    who = person(5)
    # Neither window sees the other's claims.
    claims = {site: intake(window, who, **LANXI_STAY) for site, window in windows.items()}
    assert all(run_once(window, central_folder).ok for window in windows.values())
    [problem] = ingest(central_store, central_folder).problems
    # Whichever window's package the centre took in first keeps its claim.
    refused = problem.split("/")[0]
    kept = "LX02" if refused == "LX01" else "LX01"
    days = "2026-03-02–2026-03-12"
    named = (
        f"事后报销 {claims[refused].claim_number}（站点 {refused}，{days}）与中心已有的"
        f"事后报销 {claims[kept].claim_number}（站点 {kept}，{days}）是同一次住院"
    )
    assert named in problem and "同一次住院只能报销一次" in problem
    assert "及其后 0 个包" not in problem

    # The refused window returns its claim: the return, in a later package, lets the
    # refused one go in with it.
    number = claims[refused].claim_number
    review_claim(windows[refused], number, supervisor="李主管", approve=False, reason="重复报销")
    assert run_once(windows[refused], central_folder).ok
    report = ingest(central_store, central_folder)
    assert report.problems == [] and report.set_aside == []
    assert _central_claim(central_store, number)[0] == "returned"
    assert _central_claim(central_store, claims[kept].claim_number)[0] == "received"


def test_a_claim_returned_and_its_stay_taken_in_again_reach_the_centre_together(
    make_window, central_store, central_folder
):
    window = make_window("LX01")
    who = person(6)
    first = intake(window, who, now=datetime(2026, 3, 13, 10), **LANXI_STAY)
    assert run_once(window, central_folder).ok
    assert ingest(central_store, central_folder).problems == []
    # The correction in one package: the claim returned, the same stay taken in again.
    review_claim(window, first.claim_number, supervisor="李主管", approve=False, reason="补正")
    again = intake(window, who, now=datetime(2026, 3, 13, 11), **LANXI_STAY)
    assert run_once(window, central_folder).ok
    report = ingest(central_store, central_folder)
    assert report.problems == [] and report.set_aside == []
    assert _central_claim(central_store, first.claim_number)[0] == "returned"
    assert _central_claim(central_store, again.claim_number)[0] == "received"


def test_when_the_following_packages_do_not_help_the_report_says_what_else_is_wrong(
    make_window, central_store, central_folder
):
    windows = {"LX01": make_window("LX01"), "LX02": make_window("LX02")}
    claims = {site: intake(window, person(7), **LANXI_STAY) for site, window in windows.items()}
    assert all(run_once(window, central_folder).ok for window in windows.values())
    refused = ingest(central_store, central_folder).problems[0].split("/")[0]
    number = claims[refused].claim_number
    review_claim(windows[refused], number, supervisor="李主管", approve=False, reason="重复报销")
    report = run_once(windows[refused], central_folder)
    [return_package] = report.packages
    (central_folder / "inbox" / refused / return_package).write_bytes(b"not a package")
    [problem] = ingest(central_store, central_folder).problems
    assert "同一次住院只能报销一次" in problem
    assert "与其后 1 个包一并导入也未成功" in problem


def test_one_stay_paid_at_two_sites_is_refused_at_the_centre_whatever_it_is_called(
    make_window, central_store, central_folder
):
    """Neither window sees the other's records: the centre compares stays by their days, a
    window slip against a claim, and claims whose hospital was typed two ways."""
    from app.services import Amounts, DischargeInput, register_admission, settle_discharge
    from tests.store.helpers import admission, tick_all

    slip_site, claim_site = make_window("LX02"), make_window("LX01")
    who = person(8)
    registered = register_admission(
        slip_site, admission(who, admitted_at=datetime(2026, 3, 2, 9)), clerk="王"
    )
    tick_all(slip_site, registered.admission_id)
    form = DischargeInput(
        registered.admission_id, datetime(2026, 3, 12, 9), Amounts("15000.00", "0", "0", "0")
    )
    slip = settle_discharge(slip_site, form, clerk="王", now=datetime(2026, 3, 12, 10))
    assert run_once(slip_site, central_folder).ok
    assert ingest(central_store, central_folder).problems == []

    claim = intake(claim_site, who, hospital="兰溪市人民医院（东院）", **LANXI_STAY)
    assert run_once(claim_site, central_folder).ok
    [problem] = ingest(central_store, central_folder).problems
    assert f"事后报销 {claim.claim_number}（站点 LX01" in problem
    assert f"结算单 {slip.slip_number}（站点 LX02" in problem and "是同一次住院" in problem
    assert _central_claim(central_store, claim.claim_number) is None

    # Returned, the refused claim goes in; a third site's claim under yet another name, its
    # days overlapping the slip's, is the same stay again.
    review_claim(claim_site, claim.claim_number, supervisor="李主管", approve=False, reason="重复")
    assert run_once(claim_site, central_folder).ok
    report = ingest(central_store, central_folder)
    assert report.problems == [] and _central_claim(central_store, claim.claim_number)[0] == (
        "returned"
    )
    third = make_window("LX03")
    other = intake(
        third,
        who,
        hospital="兰溪人民医院",
        admitted=date(2026, 3, 5),
        discharged=date(2026, 3, 12),
        **LANXI_STAY,
    )
    assert run_once(third, central_folder).ok
    [problem] = ingest(central_store, central_folder).problems
    assert f"事后报销 {other.claim_number}（站点 LX03" in problem and slip.slip_number in problem


def test_a_claim_flushed_within_its_package_is_still_compared_at_the_centre(
    make_window, central_store, central_folder
):
    """The claim, its approval, its batch and bank line in one package: the line makes the
    centre write the claim before the package ends, and it must still count as made here."""
    from app.services import Amounts, DischargeInput, register_admission, settle_discharge
    from tests.store.helpers import admission, tick_all

    slip_site, claim_site = make_window("LX02"), make_window("LX01")
    who = person(9)
    registered = register_admission(
        slip_site, admission(who, admitted_at=datetime(2026, 3, 2, 9)), clerk="王"
    )
    tick_all(slip_site, registered.admission_id)
    form = DischargeInput(
        registered.admission_id, datetime(2026, 3, 12, 9), Amounts("15000.00", "0", "0", "0")
    )
    slip = settle_discharge(slip_site, form, clerk="王", now=datetime(2026, 3, 12, 10))
    assert run_once(slip_site, central_folder).ok
    assert ingest(central_store, central_folder).problems == []

    claim = intake(claim_site, who, **LANXI_STAY)
    review_claim(claim_site, claim.claim_number, supervisor="李主管", approve=True)
    create_batch(claim_site, clerk="王")
    assert run_once(claim_site, central_folder).ok
    [problem] = ingest(central_store, central_folder).problems
    assert claim.claim_number in problem and slip.slip_number in problem
    assert _central_claim(central_store, claim.claim_number) is None
