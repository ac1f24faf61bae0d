"""Year-to-date in one look-up: window settlements, 事后报销 claims and what other sites paid,
summed exactly (Decimal, to the fen) per pool and layer, and nothing that must not count."""

import json
from datetime import date, datetime
from decimal import Decimal
from itertools import count

from app.identity import make_resident_id
from app.services import year_to_date
from db.models import PaidLaterClaim, Person, Settlement
from db.sync_models import PaidElsewhere

AT = datetime(2026, 6, 1, 9)
numbers = count(1)


def _result(pool, base, assistance, layers, eligible=True):
    return json.dumps(
        {
            "eligible": eligible,
            "pool": pool if eligible else None,
            "base": base,
            "assistance": assistance,
            "layers": [{"code": c, "name": c, "amount": a} for c, a in layers.items()],
        }
    )


def _settlement(person, pool, base, assistance, layers, **overrides):
    values = dict(
        slip_number=f"LX01-2026-{next(numbers):09d}",
        site_code="LX01",
        person_id=person.id,
        policy_id="lanxi",
        policy_sha256="0" * 64,
        claim_date=date(2026, 5, 1),
        year=2026,
        visit="inpatient",
        pool=pool,
        eligible=True,
        total=Decimal(base) + 1000,
        base=Decimal(base),
        assistance=Decimal(assistance),
        paid_at_window=Decimal(assistance),
        patient_pays=Decimal(1000),
        claim_json="{}",
        result_json=_result(pool, base, assistance, layers),
        steps_json="[]",
        missing_documents_json="[]",
        settled_at=AT,
        settled_by="测",
        voided=False,
    )
    return Settlement(**{**values, **overrides})


def _claim(person, result_json, **overrides):
    values = dict(
        claim_number=f"BX-LX01-2026-{next(numbers):06d}",
        site_code="LX01",
        person_id=person.id,
        policy_id="lanxi",
        policy_sha256="0" * 64,
        kind="referred",
        status="approved",
        year=2026,
        category="minimum_living",
        insurance="resident",
        facility="county",
        hospital=f"医院{next(numbers)}",
        admitted_on=date(2026, 3, 1),
        discharged_on=date(2026, 3, 9),
        referral_approved=True,
        # The columns say otherwise on purpose: a claim counts as its result was computed.
        total=Decimal("1.00"),
        base=Decimal("1.00"),
        assistance=Decimal("1.00"),
        payable=Decimal("1.00"),
        claim_json="{}",
        result_json=result_json,
        materials_json="[]",
        account_name="测",
        bank="银行",
        card_number="6222000000000000",
        received_at=AT,
        received_by="测",
        review_due=date(2026, 6, 15),
        pay_due=date(2026, 7, 15),
    )
    return PaidLaterClaim(**{**values, **overrides})


def _elsewhere(id_number, pool, base, assistance, layers, **overrides):
    values = dict(
        id_number=id_number,
        year=2026,
        policy_id="lanxi",
        pool=pool,
        site_code="LX09",
        base=Decimal(base),
        assistance=Decimal(assistance),
        layers_json=json.dumps(layers),
    )
    return PaidElsewhere(**{**values, **overrides})


def test_settlements_paid_later_claims_and_other_sites_are_summed_exactly(store, make_site):
    make_site()
    numbers_of = [make_resident_id("330781", date(1958, 4, 9), n, "F") for n in (301, 302)]
    with store.write() as session:
        who, other = (
            Person(
                id_number=n,
                name=f"测试{i}",
                sex="F",
                birth_date=date(1958, 4, 9),
                created_at=AT,
                created_by="测",
            )
            for i, n in enumerate(numbers_of)
        )
        session.add_all([who, other])
        session.flush()
        session.add_all(
            [
                # Counted: two live window settlements, one in each pool.
                _settlement(
                    who, "inpatient", "1000.10", "700.07", {"ma": "600.05", "dd": "100.02"}
                ),
                _settlement(who, "outpatient", "200.20", "100.01", {"ma": "100.01"}),
                # Not counted: voided, ineligible, another year, another policy, another person.
                _settlement(who, "inpatient", "9000.00", "9000.00", {"ma": "9000.00"}, voided=True),
                _settlement(who, "inpatient", "9000.00", "0.00", {}, eligible=False),
                _settlement(who, "inpatient", "9000.00", "9000.00", {"ma": "9000.00"}, year=2025),
                _settlement(who, "inpatient", "9000.00", "9000.00", {}, policy_id="weihai"),
                _settlement(other, "inpatient", "9000.00", "9000.00", {"ma": "9000.00"}),
                # Counted: a live 事后报销 claim, by its result (not its columns).
                _claim(
                    who, _result("inpatient", "300.30", "200.02", {"ma": "150.01", "dd": "50.01"})
                ),
                _claim(who, _result("outpatient", "0.01", "0.01", {"ma": "0.01"}), status="paid"),
                # Not counted: returned, a year-end sum, an ineligible result, another year.
                _claim(who, _result("inpatient", "9000.00", "9000.00", {}), status="returned"),
                _claim(who, _result("inpatient", "9000.00", "9000.00", {}), kind="year_end"),
                _claim(who, _result(None, "0.00", "0.00", {}, eligible=False)),
                _claim(who, _result("inpatient", "9000.00", "9000.00", {}), year=2025),
                # Counted: two other sites, layers as {code: amount}.
                _elsewhere(who.id_number, "inpatient", "50.05", "40.04", {"ma": "40.04"}),
                _elsewhere(
                    who.id_number, "inpatient", "0.10", "0.20", {"xx": "0.20"}, site_code="LX08"
                ),
                # Not counted: another year, another person.
                _elsewhere(who.id_number, "inpatient", "9000.00", "9000.00", {}, year=2025),
                _elsewhere(other.id_number, "inpatient", "9000.00", "9000.00", {}),
            ]
        )
        who_id = who.id

    with store.read() as session:
        used = year_to_date(session, who_id, "lanxi", 2026)

    assert used.inpatient.base == Decimal("1350.55")  # 1000.10 + 300.30 + 50.05 + 0.10
    assert used.inpatient.assistance == Decimal("940.33")  # 700.07 + 200.02 + 40.04 + 0.20
    assert dict(used.inpatient.layers) == {
        "ma": Decimal("790.10"),  # 600.05 + 150.01 + 40.04
        "dd": Decimal("150.03"),  # 100.02 + 50.01
        "xx": Decimal("0.20"),
    }
    assert used.outpatient.base == Decimal("200.21")
    assert used.outpatient.assistance == Decimal("100.02")
    assert dict(used.outpatient.layers) == {"ma": Decimal("100.02")}
    for amount in (used.inpatient.base, used.inpatient.assistance, *used.inpatient.layers.values()):
        assert isinstance(amount, Decimal) and amount.as_tuple().exponent == -2


def test_a_person_with_nothing_this_year_has_zero_in_both_pools(store, make_site):
    make_site()
    with store.write() as session:
        who = Person(
            id_number=make_resident_id("330781", date(1960, 1, 2), 303, "M"),
            name="测试",
            sex="M",
            birth_date=date(1960, 1, 2),
            created_at=AT,
            created_by="测",
        )
        session.add(who)
        session.flush()
        who_id = who.id
    with store.read() as session:
        used = year_to_date(session, who_id, "lanxi", 2026)
    for part in (used.inpatient, used.outpatient):
        assert (part.base, part.assistance, dict(part.layers)) == (Decimal(0), Decimal(0), {})
