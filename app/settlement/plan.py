"""What a kind of claim meets under one policy version, looked up once and kept.

Which rules apply, in which order, the caps each meets, the pool, the settle mode, or why the
claim gets nothing: all of it depends only on the version and the claim's codes (category,
visit, insurance, facility, cause, disabling, referral), never on its amounts. ``plan_on``
works it out the first time such a claim comes and keeps it, so a settlement spends its time
on its own figures (issue 18, point 3).
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from app.money import fmt
from app.policy.schema import CapDef, PolicyDef, RuleDef, TierDef, VersionDef
from app.settlement.claim import Claim
from app.settlement.compiled import compile_plan
from app.settlement.result import Step
from app.vocabulary import (
    ASSISTANCE_FUND,
    CATEGORY_NAMES,
    CAUSE_NAMES,
    FACILITY_NAMES,
    HOSPITAL_FUND,
    INSURANCE_NAMES,
    SETTLE_MODE_NAMES,
    VISIT_NAMES,
)


@dataclass(frozen=True)
class TierPlan:
    """One tier with its bounds in the layer's cumulative input (yuan) and its words.

    Attributes:
      lower: where the tier starts paying: its own start, or the deductible if higher.
      head: the step's words before the figures (``低保对象住院（累计 0.00–… 段）：``).
    """

    clause: str
    lower: Decimal
    upper: Decimal | None
    rate: Decimal
    head: str


@dataclass(frozen=True)
class RulePlan:
    """A rule that applies, with what its steps need.

    Attributes:
      first: the first rule of the claim (its deductible counts the year's base itself).
      before: the layers of the earlier rules whose payments this year came out of this
        layer's cumulative input.
      caps: the rule's caps, in the rule's order. counts_toward: the codes of the caps its
        amount uses up (of those the claim's rules read).
      backstop: the rule pays what the patient would bear beyond a share (``kind``).
      deductible_clause: the clause of the rule's deductible, None when it has none.
      hospital, assisting: the rule's fund is the hospital's own reduction / 医疗救助.
    """

    rule: RuleDef
    first: bool
    before: tuple[str, ...]
    tiers: tuple[TierPlan, ...]
    caps: tuple[CapDef, ...]
    counts_toward: tuple[str, ...]
    total_words: str
    backstop: bool = False
    deductible_clause: str | None = None
    hospital: bool = False
    assisting: bool = False


@dataclass(frozen=True)
class Plan:
    """What a claim of one kind meets under ``version``.

    Attributes:
      refusal: (clause, reason) when this kind of claim gets nothing, else None.
      pool: the visit's pool, or None if the version has no such visit.
      mode, mode_step: how it is settled (instant or after discharge) and the step saying so.
      caps: (code, pools, layer) of each cap the rules meet, whose use this year is read.
      version_text: the version's start date as the result names it (ISO).
      instant: settled at the window (``mode`` is "instant").
      run: the plan compiled to one function ``(policy, claim, year_to_date) -> Result``
        (``app.settlement.compiled``); None when the claim is refused.
    """

    version: VersionDef
    refusal: tuple[str, str] | None
    pool: str | None
    rules: tuple[RulePlan, ...] = ()
    mode: str | None = None
    mode_step: Step | None = None
    caps: tuple[tuple[str, tuple[str, ...], str | None], ...] = ()
    version_text: str = ""
    instant: bool = False
    run: Callable | None = None


_PLANS: dict[tuple, Plan] = {}
# A plan keeps its version alive, so its id is not reused while the entry stands; the bound only
# keeps a long what-if over many loaded copies of the policies from growing without end: a plan
# with its compiled function is about 15 KB, so at most some 15 MB.
_MOST_PLANS = 1024


_ON_DATE: dict[tuple, tuple[PolicyDef, Plan | None]] = {}


def plan_on(policy: PolicyDef, claim: Claim) -> Plan | None:
    """The plan of ``claim`` under the version of ``policy`` in force on its date, or None when
    no version is: kept by the date and the codes, so a settlement looks it up once."""
    key = (
        id(policy),
        claim.date,
        claim.category,
        claim.visit,
        claim.insurance,
        claim.facility,
        claim.cause,
        claim.disabling,
        claim.referral_approved,
    )
    kept = _ON_DATE.get(key)
    if kept is not None and kept[0] is policy:
        return kept[1]
    version = policy.version_on(claim.date)
    plan = None if version is None else _plan_of(version, key[2:], claim)
    if len(_ON_DATE) >= _MOST_PLANS:
        _ON_DATE.clear()
    _ON_DATE[key] = (policy, plan)  # the policy held, so its id is not reused meanwhile
    return plan


def forget_plans() -> None:
    """Drop every kept plan (the next claims make theirs afresh)."""
    _PLANS.clear()
    _ON_DATE.clear()


def _plan_of(version: VersionDef, codes: tuple, claim: Claim) -> Plan:
    """The plan of ``claim`` under ``version``, kept by the claim's ``codes`` (what ``plan_on``
    keys on after the policy and the date), so every date of a quarter shares one plan."""
    key = (id(version), *codes)
    plan = _PLANS.get(key)
    if plan is None or plan.version is not version:
        if len(_PLANS) >= _MOST_PLANS:
            _PLANS.clear()
        plan = _PLANS[key] = _make_plan(version, claim)
    return plan


def _make_plan(version: VersionDef, claim: Claim) -> Plan:
    visit = version.visits.get(claim.visit)
    pool = None if visit is None else visit.pool
    refusal = _refusal(version, claim)
    if refusal is not None:
        return Plan(version, refusal, pool)
    rules = [rule for rule in version.rules if _rule_applies(rule, claim)]
    if not rules:
        reason = (
            f"本政策对{CATEGORY_NAMES[claim.category]}的{VISIT_NAMES[claim.visit]}"
            f"（{FACILITY_NAMES[claim.facility]}、{INSURANCE_NAMES[claim.insurance]}）没有救助规定"
        )
        return Plan(version, (visit.clause, reason), pool)
    caps = {cap.code: cap for cap in version.caps}  # codes are unique (app.policy.checks)
    read = tuple(dict.fromkeys(code for rule in rules for code in rule.caps))
    planned = tuple(
        RulePlan(
            rule=rule,
            first=index == 0,
            before=tuple(dict.fromkeys(r.layer for r in rules[:index] if r.layer != rule.layer)),
            tiers=tuple(_tier_plan(rule, tier) for tier in rule.tiers),
            caps=tuple(caps[code] for code in rule.caps),
            counts_toward=tuple(
                cap.code
                for cap in version.caps
                if cap.code in read and pool in cap.pools and cap.layer in (None, rule.layer)
            ),
            total_words=f"{rule.name}合计",
            backstop=rule.kind == "backstop",
            deductible_clause=(rule.deductible_clause or rule.clause)
            if rule.deductible > 0
            else None,
            hospital=rule.fund == HOSPITAL_FUND,
            assisting=rule.fund == ASSISTANCE_FUND,
        )
        for index, rule in enumerate(rules)
    )
    mode, mode_step = _settle_mode(version, claim)
    cap_sources = tuple((code, caps[code].pools, caps[code].layer) for code in read)
    version_text = version.effective_from.isoformat()
    instant = mode == "instant"
    plan = Plan(version, None, pool, planned, mode, mode_step, cap_sources, version_text, instant)
    return replace(plan, run=compile_plan(plan))


def _tier_plan(rule: RuleDef, tier: TierDef) -> TierPlan:
    if tier.to is not None:
        span = f"（累计 {fmt(tier.from_)}–{fmt(tier.to)} 段）"
    else:
        span = f"（累计 {fmt(tier.from_)} 以上段）" if tier.from_ > 0 else ""
    return TierPlan(
        clause=tier.clause,
        lower=max(tier.from_, rule.deductible),
        upper=tier.to,
        rate=tier.rate,
        head=f"{tier.text or rule.name}{span}：",
    )


def _refusal(version: VersionDef, claim: Claim) -> tuple[str, str] | None:
    """The clause and Chinese reason why this claim gets nothing, or None."""
    if claim.category not in version.categories:
        clause = next(iter(version.categories.values())).clause
        return clause, f"{CATEGORY_NAMES[claim.category]}不在本政策救助对象范围内"
    if claim.insurance not in version.insurance.types:
        return version.insurance.clause, (
            f"本政策只救助参加{'、'.join(INSURANCE_NAMES[t] for t in version.insurance.types)}的对象"
        )
    for exclusion in version.exclusions:
        cause_hit = not exclusion.causes or claim.cause in exclusion.causes
        visit_hit = not exclusion.visits or claim.visit in exclusion.visits
        disability_hit = not exclusion.requires_disabling or claim.disabling
        if cause_hit and visit_hit and disability_hit:
            if exclusion.requires_disabling:
                # Quote only the condition that applied, not the clause's whole list.
                what = (
                    f"{CAUSE_NAMES[claim.cause]}造成残疾，不享受{VISIT_NAMES[claim.visit]}医疗救助"
                )
                return exclusion.clause, f"不予救助：{what}（{exclusion.clause}）"
            what = CAUSE_NAMES[claim.cause] if exclusion.causes else VISIT_NAMES[claim.visit]
            return exclusion.clause, f"不予救助：{what}（{exclusion.text}）"
    if claim.visit not in version.visits:
        clause = next(iter(version.visits.values())).clause
        return clause, f"本政策不救助{VISIT_NAMES[claim.visit]}费用"
    if claim.facility == "outside" and not claim.referral_approved:
        return (
            version.referral.clause,
            f"{FACILITY_NAMES['outside']}就医须经批准转诊：{version.referral.text}",
        )
    return None


def matches(allowed: tuple[str, ...], value: str) -> bool:
    return not allowed or value in allowed


def _rule_applies(rule: RuleDef, claim: Claim) -> bool:
    return (
        matches(rule.categories, claim.category)
        and matches(rule.visits, claim.visit)
        and matches(rule.insurance, claim.insurance)
        and matches(rule.facilities, claim.facility)
    )


def _settle_mode(version: VersionDef, claim: Claim) -> tuple[str, Step]:
    for override in version.settle.overrides:
        if (
            matches(override.categories, claim.category)
            and matches(override.visits, claim.visit)
            and matches(override.facilities, claim.facility)
        ):
            return override.mode, Step(
                override.clause, f"结算方式：{SETTLE_MODE_NAMES[override.mode]}（{override.text}）"
            )
    mode = version.settle.mode
    return mode, Step(version.settle.clause, f"结算方式：{SETTLE_MODE_NAMES[mode]}")
