"""The calculator: ``settle(policy, claim, year_to_date) -> Result``. Pure: no I/O, no clock.

How the documents are read (decided in the policy-engine issue):
- base = total − out_of_catalog − basic − critical − other, never below 0 (a policy may keep
  out-of-catalogue costs in the base).
- Deductibles and tiers are annual and cumulative inside a pool: this claim's base occupies the
  slice [year_to_date.base, year_to_date.base + base] and each part gets its tier's rate.
- The rules that match a claim apply in file order, each to what the earlier ones left
  (湖南: 扶贫特惠保 → 医疗救助 → 医院减免 → 财政兜底); each is one entry of ``layers``.
- A layer never exceeds what is left of the base nor what is left under its caps; each layer is
  computed exactly and rounded half-up to the fen once.

``settle_by_rules`` is that reading written out once for every plan; ``settle`` runs the
function each plan is compiled to (``app.settlement.compiled``), which does the same Decimal
operations in the same order, without the loops and look-ups (issue 18, point 3). Tests hold
the two to the same result over generated claims of every policy.
"""

from decimal import ROUND_HALF_UP, Decimal

from app.money import FEN, ZERO, fmt
from app.policy.schema import PolicyDef, VersionDef
from app.settlement.claim import Claim, ClaimError, YearToDate
from app.settlement.parts import backstop, base, reached_layer
from app.settlement.plan import Plan, RulePlan, plan_on
from app.settlement.result import Layers, Result, Step, Steps
from app.settlement.words import cap_words, deductible_words, tier_words
from app.vocabulary import POOLS

_new = tuple.__new__


def settle(policy: PolicyDef, claim: Claim, year_to_date: YearToDate) -> Result:
    """Compute the assistance for one claim. All amounts yuan, ``Decimal``.

    The steps' words are written when read (``Step.text``); the amounts are all computed here.
    """
    plan = plan_on(policy, claim)
    if plan is None:
        return _out_of_date(policy, claim)
    if plan.refusal is not None:
        return _refused_by_plan(policy, plan, claim)
    return plan.run(policy, claim, year_to_date)


def settle_by_rules(policy: PolicyDef, claim: Claim, year_to_date: YearToDate) -> Result:
    """``settle`` read rule by rule from the plan: the reference the compiled plans are held to.

    Steps are kept as bare tuples (``Steps``) and the result is made with ``tuple.__new__`` in
    field order: the named tuples' own constructors cost more than a settlement's arithmetic.
    """
    plan = plan_on(policy, claim)
    if plan is None or plan.refusal is not None:
        return settle(policy, claim, year_to_date)  # a refusal is no plan's to run
    compensated = claim.basic_insurance + claim.critical_illness + claim.other_compensation
    base_amount, steps = base(plan.version.base, claim, compensated)
    to_date = year_to_date.inpatient if plan.pool == "inpatient" else year_to_date.outpatient
    cap_used = {}  # what this year used of each cap the rules meet, this claim included
    for code, pools, layer in plan.caps:
        used = ZERO
        for pool in pools:
            pool_to_date = (
                year_to_date.inpatient if pool == "inpatient" else year_to_date.outpatient
            )
            used += (
                pool_to_date.assistance if layer is None else pool_to_date.layers.get(layer, ZERO)
            )
        cap_used[code] = used
    paid = ZERO
    amounts: list[Decimal] = []
    for planned in plan.rules:
        rule = planned.rule
        remaining = base_amount - paid
        if planned.backstop:
            exact = backstop(rule, claim, compensated, base_amount, paid, remaining, steps)
        else:
            start = to_date.base
            if planned.before:
                start = reached_layer(planned.before, to_date)
            exact = _tiers(planned, start, remaining, steps)
        for cap in planned.caps:
            used = cap_used[cap.code]
            left = cap.amount - used
            if left < ZERO:
                left = ZERO
            if exact > left:
                exact = left
                words = (cap_words, cap, used, left, rule.name)
                steps.append((cap.clause, words, left))
        amount = exact.quantize(FEN, ROUND_HALF_UP)
        steps.append((rule.clause, planned.total_words, amount))
        amounts.append(amount)
        paid += amount
        for code in planned.counts_toward:
            cap_used[code] += amount

    # What is left under each layer's tightest cap once this claim is paid (yuan), and the
    # tightest of the 医疗救助 fund's ones: the policy's assistance cap.
    layers = []
    assistance_cap: tuple[Decimal, str] | None = None
    reduction = ZERO  # the hospital's own part, when settled at the window
    instant = plan.instant
    for planned, amount in zip(plan.rules, amounts):  # noqa: B905 (same length, made above)
        rule = planned.rule
        if instant and planned.hospital:
            reduction += amount
        tightest = None
        for cap in planned.caps:
            left = cap.amount - cap_used[cap.code]
            if left < ZERO:
                left = ZERO
            if tightest is None or left < tightest[0]:
                tightest = (left, cap.name)
        if tightest is None:
            layers.append((rule.layer, rule.name, amount, rule.fund, None))
            continue
        layers.append((rule.layer, rule.name, amount, rule.fund, tightest[0]))
        if planned.assisting and (assistance_cap is None or tightest[0] < assistance_cap[0]):
            assistance_cap = tightest
    steps.append(plan.mode_step)
    paid_at_window = paid if instant else ZERO
    cap_left, cap_name = (None, None) if assistance_cap is None else assistance_cap
    # Result's fields in order (app.settlement.result.Result).
    return _new(
        Result,
        (
            policy.id,
            plan.version_text,
            True,
            None,
            plan.pool,
            base_amount,
            paid,
            _new(Layers, layers),
            plan.mode,
            paid_at_window,
            claim.total - compensated - paid_at_window,
            cap_left,
            _new(Steps, steps),
            paid_at_window - reduction,
            reduction,
            cap_name,
        ),
    )


def _tiers(planned: RulePlan, start: Decimal, amount: Decimal, steps: list[Step]) -> Decimal:
    """Rates over the slice [start, start + amount] of the layer's cumulative input this year;
    their steps are added to ``steps``."""
    rule = planned.rule
    end = start + amount
    if planned.deductible_clause is not None:
        below = (end if end < rule.deductible else rule.deductible) - start
        if below < ZERO:
            below = ZERO
        words = (deductible_words, rule, planned.first, start, end, below)
        steps.append((planned.deductible_clause, words, ZERO))
    total = ZERO
    for tier in planned.tiers:
        upper = tier.upper
        top = end if upper is None or end < upper else upper
        part = top - (start if start > tier.lower else tier.lower)
        if part <= ZERO:
            continue
        contribution = part * tier.rate
        total += contribution
        words = (tier_words, tier.head, part, tier.rate, contribution)
        steps.append((tier.clause, words, contribution.quantize(FEN, ROUND_HALF_UP)))
    return total


def _out_of_date(policy: PolicyDef, claim: Claim) -> Result:
    compensated = claim.basic_insurance + claim.critical_illness + claim.other_compensation
    reason = f"结算日期 {claim.date} 不在本政策任何版本的有效期内"
    steps = [("有效期", reason, None)]
    return _refused(policy, None, None, claim, compensated, ZERO, steps, reason)


def _refused_by_plan(policy: PolicyDef, plan: Plan, claim: Claim) -> Result:
    compensated = claim.basic_insurance + claim.critical_illness + claim.other_compensation
    base_amount, steps = base(plan.version.base, claim, compensated)
    clause, reason = plan.refusal
    steps.append((clause, reason, None))
    return _refused(policy, plan.version, plan.pool, claim, compensated, base_amount, steps, reason)


def _refused(
    policy: PolicyDef,
    version: VersionDef | None,
    pool: str | None,
    claim: Claim,
    compensated: Decimal,
    base: Decimal,
    steps: list[Step],
    reason: str,
) -> Result:
    return Result(
        policy=policy.id,
        policy_version=None if version is None else version.effective_from.isoformat(),
        eligible=False,
        reason=reason,
        pool=pool,
        base=base,
        assistance=ZERO,
        layers=(),
        settle_mode=None,
        paid_at_window=ZERO,
        patient_pays=claim.total - compensated,
        cap_remaining=None,
        steps=_new(Steps, steps),
    )


def layer_codes(version: VersionDef, pool: str) -> tuple[str, ...]:
    """The layers a claim in ``pool`` may pass through, in file order."""
    codes = (
        rule.layer
        for rule in version.rules
        if not rule.visits or any(version.visits[v].pool == pool for v in rule.visits)
    )
    return tuple(dict.fromkeys(codes))


def check_year_to_date(policy: PolicyDef, claim: Claim, year_to_date: YearToDate) -> None:
    """Refuse a year-to-date a layered policy cannot chain on (``ClaimError`` naming the field).

    A later layer's deductible and tiers count what reached it this year, which is only known
    when ``layers`` holds every layer's amount and they add up to ``assistance``.
    """
    version = policy.version_on(claim.date)
    if version is None:
        return
    for pool in POOLS:
        codes = layer_codes(version, pool)
        to_date = year_to_date.pool(pool)
        if len(codes) < 2 or to_date.base <= 0:
            continue
        path = f"year_to_date.{pool}"
        for code in to_date.layers:
            if code not in codes:
                raise ClaimError(
                    f"{path}.layers.{code}", f"本政策没有这一层，可选：{', '.join(codes)}"
                )
        for code in codes:
            if code not in to_date.layers:
                raise ClaimError(
                    f"{path}.layers.{code}",
                    "分层结算的政策，本年累计基数大于0时须列出每一层本年已付金额（没有则填 0.00）",
                )
        layered = sum(to_date.layers.values(), ZERO)
        if layered != to_date.assistance:
            raise ClaimError(
                f"{path}.assistance",
                f"本年已救助 {fmt(to_date.assistance)} 应等于各层之和 {fmt(layered)}",
            )
