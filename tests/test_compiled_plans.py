"""Each plan runs as the function it is compiled to (app.settlement.compiled); that function
must give exactly what reading the plan rule by rule gives (settle_by_rules), to the fen and
word for word, for every policy, version and kind of claim, whatever the year so far holds."""

import itertools
import random
from datetime import date
from decimal import Decimal
from types import MappingProxyType

import pytest

from app.policy import load_policies
from app.settlement import Claim, PoolToDate, YearToDate, layer_codes, settle
from app.settlement.calculator import settle_by_rules
from app.settlement.plan import plan_on
from app.vocabulary import CATEGORIES, CAUSES, FACILITIES, INSURANCES, VISITS

POLICIES = load_policies()


def _claims(policy_id: str, seed: int, per_kind: int):
    """Claims of every kind on each version's first and last day, with random amounts and a
    random year so far (per-layer amounts included where a pool has several layers)."""
    rnd = random.Random(seed)

    def money(most: int) -> Decimal:
        return Decimal(rnd.randrange(0, most * 100)) / 100

    definition = POLICIES[policy_id].definition
    for version in definition.versions:
        days = [version.effective_from, version.effective_to or date(2027, 3, 1)]
        for category, visit, insurance, facility in itertools.product(
            CATEGORIES, VISITS, INSURANCES, FACILITIES
        ):
            for _ in range(per_kind):
                total = money(300000)
                out_of_catalog = min(money(20000), total)
                basic = min(money(150000), total - out_of_catalog)
                critical = min(money(30000), total - out_of_catalog - basic)
                other = min(money(2000), total - out_of_catalog - basic - critical)
                claim = Claim(
                    policy=policy_id,
                    date=rnd.choice(days),
                    category=category,
                    visit=visit,
                    insurance=insurance,
                    facility=facility,
                    referral_approved=rnd.random() < 0.5,
                    cause=rnd.choice([None, *CAUSES]),
                    total=total,
                    out_of_catalog=out_of_catalog,
                    basic_insurance=basic,
                    critical_illness=critical,
                    other_compensation=other,
                    excluded=rnd.choice([Decimal(0), money(3000)]),
                    disabling=rnd.random() < 0.3,
                )
                pools = {}
                for pool in ("inpatient", "outpatient"):
                    if rnd.random() < 0.2:
                        continue
                    codes = layer_codes(version, pool)
                    layers = {code: money(20000) for code in codes}
                    if len(codes) < 2 and rnd.random() < 0.5:
                        layers = {}
                    assistance = sum(layers.values(), Decimal(0)) if layers else money(60000)
                    pools[pool] = PoolToDate(
                        base=money(200000), assistance=assistance, layers=MappingProxyType(layers)
                    )
                yield definition, claim, YearToDate(**pools)


@pytest.mark.parametrize("policy_id", sorted(POLICIES))
def test_a_compiled_plan_settles_as_the_rules_read_one_by_one(policy_id):
    compiled_runs = 0
    for definition, claim, year_to_date in _claims(policy_id, seed=18, per_kind=3):
        compiled = settle(definition, claim, year_to_date)
        by_rules = settle_by_rules(definition, claim, year_to_date)
        assert compiled.to_json() == by_rules.to_json(), claim
        assert compiled == by_rules
        compiled_runs += compiled.eligible
    assert compiled_runs > 20  # the compiled functions did run, not only refusals


def test_the_compiled_function_shows_what_it_does():
    definition = POLICIES["hunan"].definition
    claim = next(
        c
        for _, c, _ in _claims("hunan", seed=1, per_kind=1)
        if c.category == "registered_poor"
        and c.visit == "inpatient"
        and c.facility == "county"
        and c.insurance == "resident"
    )
    plan = plan_on(definition, claim)
    assert plan.refusal is None
    source = plan.run.source
    # every layer of the 湖南 chain, in file order, written out with its own figures
    positions = [source.index(f"# {planned.rule.name!r}") for planned in plan.rules]
    assert positions == sorted(positions) and len(positions) == 4
    assert "for " not in source  # the loops are unrolled
