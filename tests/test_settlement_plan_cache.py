"""The calculator keeps what a kind of claim meets under a policy version (app.settlement.plan):
a kept plan must give exactly what a fresh one gives, for claims that differ in any code."""

import itertools
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from app.policy import load_policies
from app.settlement import Claim, PoolToDate, YearToDate, settle
from app.settlement import plan as plan_module

BASE = Claim(
    policy="lanxi",
    date=date(2026, 5, 10),
    category="minimum_living",
    visit="inpatient",
    insurance="resident",
    facility="county",
    referral_approved=False,
    cause=None,
    total=Decimal("52000.00"),
    out_of_catalog=Decimal("2000.00"),
    basic_insurance=Decimal("30000.00"),
    critical_illness=Decimal("5000.00"),
    other_compensation=Decimal("0.00"),
)
YEAR = YearToDate(inpatient=PoolToDate(base=Decimal("8000.00"), assistance=Decimal("5600.00")))


def variants(policy: str) -> list[Claim]:
    codes = itertools.product(
        ("minimum_living", "destitute", "low_income"),
        ("inpatient", "outpatient_chronic"),
        ("county", "outside"),
        (False, True),
        (None, "traffic_accident", "self_harm"),
        (False, True),
    )
    return [
        replace(
            BASE,
            policy=policy,
            category=category,
            visit=visit,
            facility=facility,
            referral_approved=referral,
            cause=cause,
            disabling=disabling,
        )
        for category, visit, facility, referral, cause, disabling in codes
    ]


@pytest.mark.parametrize("policy", ["lanxi", "hunan", "weihai", "jingjiang", "taierzhuang"])
def test_a_kept_plan_settles_as_a_fresh_one(policy):
    definition = load_policies()[policy].definition
    claims = variants(policy)
    kept = [settle(definition, claim, YEAR).to_json() for claim in claims]  # plans shared
    fresh = []
    for claim in claims:
        plan_module.forget_plans()
        fresh.append(settle(definition, claim, YEAR).to_json())
    assert kept == fresh
    assert len({str(result) for result in fresh}) > 4  # the variants do settle differently
