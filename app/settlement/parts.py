"""The pieces of a settlement that stand alone: the base, a backstop's share and where a later
layer starts in the year. ``app.settlement.calculator.settle_by_rules`` calls them; a compiled
plan (``app.settlement.compiled``) calls ``backstop`` as is and writes the other two out with
the same operations in the same order."""

from decimal import Decimal

from app.money import ZERO, round_fen
from app.policy.schema import BaseDef, RuleDef
from app.settlement.claim import Claim, PoolToDate
from app.settlement.result import Step
from app.settlement.words import backstop_words, base_words, excluded_words, unexcluded_words


def base(rule: BaseDef, claim: Claim, compensated: Decimal) -> tuple[Decimal, list[Step]]:
    """The assistance base and its steps (the excluded costs first, when the policy has them)."""
    raw = claim.total - compensated
    if not rule.includes_out_of_catalog:
        raw -= claim.out_of_catalog
    excluded = rule.excluded
    if excluded is not None:
        raw -= claim.excluded
    amount = raw if raw > ZERO else ZERO
    words = (base_words, rule, claim, raw, amount)
    if claim.excluded > ZERO:
        if excluded is not None:
            return amount, [
                (excluded.clause, (excluded_words, excluded.text, claim.excluded), claim.excluded),
                (rule.clause, words, amount),
            ]
        words = (unexcluded_words, words, claim.excluded)
    return amount, [(rule.clause, words, amount)]


def reached_layer(before: tuple[str, ...], to_date: PoolToDate) -> Decimal:
    """Where this claim starts in the year's cumulative input of the rule's layer (yuan).

    Each earlier claim fed this layer what the layers before it left, so the year's input so
    far is the year's base less what those earlier layers paid this year.
    """
    reached = to_date.base
    for code in before:
        reached -= to_date.layers.get(code, ZERO)
    return reached if reached > ZERO else ZERO


def backstop(
    rule: RuleDef,
    claim: Claim,
    compensated: Decimal,
    base: Decimal,
    paid: Decimal,
    remaining: Decimal,
    steps: list,
) -> Decimal:
    """Pay what the patient would bear beyond ``patient_share`` of ``share_of`` (this stay)."""
    share = rule.patient_share or ZERO
    left_to_patient = claim.total - compensated - paid
    measured = claim.total if rule.share_of == "total" else base
    allowed = measured * share
    over = max(ZERO, left_to_patient - allowed)
    exact = min(over, remaining) if rule.backstop_covers == "remaining_base" else over
    words = (backstop_words, rule, left_to_patient, measured, share, allowed, over, remaining)
    steps.append((rule.clause, words, round_fen(exact)))
    return exact
