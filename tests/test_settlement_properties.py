"""Properties of the calculator over random claims under all five policies (hypothesis)."""

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.money import ZERO, round_fen
from app.settlement import Claim, PoolToDate, YearToDate, settle
from app.vocabulary import CATEGORIES, CAUSES, FACILITIES, INSURANCES, VISITS

fen_amounts = st.integers(min_value=0, max_value=30_000_000).map(lambda fen: Decimal(fen) / 100)


@st.composite
def claims(draw):
    total = draw(fen_amounts)
    out_of_catalog = Decimal(draw(st.integers(0, int(total * 100)))) / 100
    left = total
    paid = []
    for _ in range(3):
        share = Decimal(draw(st.integers(0, int(left * 100)))) / 100
        paid.append(share)
        left -= share
    claim = Claim(
        policy=draw(st.sampled_from(["taierzhuang", "lanxi", "weihai", "jingjiang", "hunan"])),
        date=draw(st.dates(min_value=date(2016, 1, 1), max_value=date(2030, 12, 31))),
        category=draw(st.sampled_from(CATEGORIES)),
        visit=draw(st.sampled_from(VISITS)),
        insurance=draw(st.sampled_from(INSURANCES)),
        facility=draw(st.sampled_from(FACILITIES)),
        referral_approved=draw(st.booleans()),
        cause=draw(st.one_of(st.none(), st.sampled_from(CAUSES))),
        total=total,
        out_of_catalog=out_of_catalog,
        basic_insurance=paid[0],
        critical_illness=paid[1],
        other_compensation=paid[2],
    )
    return claim


@st.composite
def years_to_date(draw):
    def pool():
        layers = {
            code: draw(fen_amounts)
            for code in draw(st.sets(st.sampled_from(["tehui", "medical_assistance"])))
        }
        return PoolToDate(base=draw(fen_amounts), assistance=draw(fen_amounts), layers=layers)

    return YearToDate(inpatient=pool(), outpatient=pool())


def _cap_room_and_use(version, cap, result, year_to_date):
    used = ZERO
    for pool in cap.pools:
        to_date = year_to_date.pool(pool)
        used += to_date.assistance if cap.layer is None else to_date.layers.get(cap.layer, ZERO)
    counted = sum(
        (Decimal(layer.amount) for layer in result.layers if cap.layer in (None, layer.code)),
        ZERO,
    )
    return max(ZERO, cap.amount - used), counted


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claim=claims(), year_to_date=years_to_date())
def test_assistance_bounds(policies, claim, year_to_date):
    policy = policies[claim.policy].definition
    result = settle(policy, claim, year_to_date)
    assert result.assistance >= 0
    assert result.assistance <= result.base
    assert result.assistance == round_fen(result.assistance)
    assert all(layer.amount == round_fen(layer.amount) >= 0 for layer in result.layers)
    assert result.assistance == sum((layer.amount for layer in result.layers), ZERO)
    assert result.patient_pays == claim.total - claim.compensated - result.paid_at_window
    assert result.paid_at_window in (ZERO, result.assistance)
    assert result.advanced + result.hospital_reduction == result.paid_at_window
    if result.cap_remaining is not None:
        assert result.cap_remaining >= 0
    version = policy.version_on(claim.date)
    if result.eligible:
        for cap in version.caps:
            if result.pool in cap.pools:
                room, counted = _cap_room_and_use(version, cap, result, year_to_date)
                assert counted <= room, (cap.code, counted, room)
    else:
        assert result.assistance == 0 and result.reason


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    claim=claims(),
    year_to_date=years_to_date(),
    extra=st.integers(min_value=1, max_value=5_000_000).map(lambda fen: Decimal(fen) / 100),
)
def test_assistance_never_falls_when_the_base_grows(policies, claim, year_to_date, extra):
    policy = policies[claim.policy].definition
    smaller = settle(policy, claim, year_to_date)
    grown_claim = Claim(**{**claim.__dict__, "total": claim.total + extra})
    larger = settle(policy, grown_claim, year_to_date)
    assert larger.base >= smaller.base
    assert larger.assistance >= smaller.assistance


def _hunan_with_assistance_deductible(policies, deductible: int):
    """湖南 as a county that sets a 医疗救助 deductible would edit it (issue: split stays)."""
    from app.settlement.cases import with_county_changes

    clause = "二(五)；县级参数（测试）"
    return with_county_changes(
        policies["hunan"],
        {
            "rules.medical_assistance.deductible": deductible,
            "rules.medical_assistance.deductible_clause": clause,
            "rules.medical_assistance.tiers": [
                {"from": deductible, "rate": Decimal("0.70"), "clause": clause}
            ],
        },
    ).definition


def _stay(total: Decimal, when: date) -> Claim:
    return Claim(
        policy="hunan",
        date=when,
        category="registered_poor",
        visit="inpatient",
        insurance="resident",
        facility="county",
        referral_approved=False,
        cause=None,
        total=total,
        out_of_catalog=ZERO,
        basic_insurance=ZERO,
        critical_illness=ZERO,
        other_compensation=ZERO,
    )


def _settle_in_turn(policy, parts: list[Decimal]) -> list:
    """Settle each stay of one year in turn, carrying year-to-date as the store does."""
    base, layers, results = ZERO, {}, []
    for month, part in enumerate(parts, start=1):
        to_date = PoolToDate(base=base, assistance=sum(layers.values(), ZERO), layers=dict(layers))
        result = settle(policy, _stay(part, date(2026, month, 1)), YearToDate(inpatient=to_date))
        results.append(result)
        base += result.base
        for layer in result.layers:
            layers[layer.code] = layers.get(layer.code, ZERO) + layer.amount
    return results


def _before_backstop(results) -> Decimal:
    return sum(
        (layer.amount for r in results for layer in r.layers if layer.code != "fiscal_backstop"),
        ZERO,
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    deductible=st.sampled_from([0, 3000, 8000, 20000]),
    fen_parts=st.lists(st.integers(min_value=1, max_value=15_000_000), min_size=2, max_size=5),
)
def test_splitting_a_stay_pays_what_one_stay_pays_before_the_backstop(
    policies, deductible, fen_parts
):
    policy = _hunan_with_assistance_deductible(policies, deductible)
    parts = [Decimal(fen) / 100 for fen in fen_parts]
    whole = _settle_in_turn(policy, [sum(parts, ZERO)])
    split = _settle_in_turn(policy, parts)
    layers_before_backstop = 3
    allowed = Decimal("0.01") * layers_before_backstop * len(parts)
    assert abs(_before_backstop(split) - _before_backstop(whole)) <= allowed
