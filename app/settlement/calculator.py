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
"""

from decimal import Decimal
from functools import partial

from app.money import ZERO, fmt, fmt_rate, round_fen
from app.policy.schema import BaseDef, CapDef, PolicyDef, RuleDef, VersionDef
from app.settlement.claim import Claim, ClaimError, PoolToDate, YearToDate
from app.settlement.plan import RulePlan, plan_for
from app.settlement.result import Layer, Result, Step
from app.vocabulary import ASSISTANCE_FUND, HOSPITAL_FUND, POOLS


def settle(policy: PolicyDef, claim: Claim, year_to_date: YearToDate) -> Result:
    """Compute the assistance for one claim. All amounts yuan, ``Decimal``.

    The steps' words are written when read (``Step.text``); the amounts are all computed here.
    """
    version = policy.version_on(claim.date)
    if version is None:
        reason = f"结算日期 {claim.date} 不在本政策任何版本的有效期内"
        return _refused(policy, None, None, claim, ZERO, [Step("有效期", reason)], reason)
    plan = plan_for(version, claim)
    base, steps = _base(version.base, claim)
    if plan.refusal is not None:
        clause, reason = plan.refusal
        steps.append(Step(clause, reason))
        return _refused(policy, version, plan.pool, claim, base, steps, reason)

    to_date = year_to_date.pool(plan.pool)
    cap_used = {cap.code: _used_before(cap, year_to_date) for cap in version.caps}
    paid = ZERO
    amounts: list[Decimal] = []
    for planned in plan.rules:
        rule = planned.rule
        remaining = base - paid
        if rule.kind == "backstop":
            exact = _backstop(rule, claim, base, paid, remaining, steps)
        else:
            start = _reached_layer(planned, to_date)
            exact = _tiers(planned, start, remaining, steps)
        for cap in planned.caps:
            used = cap_used[cap.code]
            left = _left(cap.amount, used)
            if exact > left:
                exact = left
                steps.append(
                    Step(cap.clause, partial(_cap_words, cap, used, left, rule.name), left)
                )
        amount = round_fen(exact)
        steps.append(Step(rule.clause, planned.total_words, amount))
        amounts.append(amount)
        paid += amount
        for code in planned.counts_toward:
            cap_used[code] += amount

    # What is left under each layer's tightest cap once this claim is paid (yuan), and the
    # tightest of the 医疗救助 fund's ones: the policy's assistance cap.
    layers = []
    assistance_cap: tuple[Decimal, str] | None = None
    for planned, amount in zip(plan.rules, amounts, strict=True):
        rule = planned.rule
        tightest = None
        for cap in planned.caps:
            left = _left(cap.amount, cap_used[cap.code])
            if tightest is None or left < tightest[0]:
                tightest = (left, cap.name)
        layers.append(Layer(rule.layer, rule.name, amount, rule.fund, _first(tightest)))
        assisting = tightest is not None and rule.fund == ASSISTANCE_FUND
        if assisting and (assistance_cap is None or tightest[0] < assistance_cap[0]):
            assistance_cap = tightest
    steps.append(plan.mode_step)
    instant = plan.mode == "instant"
    paid_at_window = paid if instant else ZERO
    reduction = ZERO
    if instant:
        for layer in layers:
            if layer.fund == HOSPITAL_FUND:
                reduction += layer.amount
    return Result(
        policy=policy.id,
        policy_version=version.effective_from.isoformat(),
        eligible=True,
        reason=None,
        pool=plan.pool,
        base=base,
        assistance=paid,
        layers=tuple(layers),
        settle_mode=plan.mode,
        paid_at_window=paid_at_window,
        patient_pays=claim.total - claim.compensated - paid_at_window,
        cap_remaining=_first(assistance_cap),
        cap_name=None if assistance_cap is None else assistance_cap[1],
        advanced=paid_at_window - reduction,
        hospital_reduction=reduction,
        steps=tuple(steps),
    )


def _left(amount: Decimal, used: Decimal) -> Decimal:
    left = amount - used
    return left if left > 0 else ZERO


def _first(pair: tuple[Decimal, str] | None) -> Decimal | None:
    return None if pair is None else pair[0]


def _cap_words(cap: CapDef, used: Decimal, left: Decimal, rule_name: str) -> str:
    return f"{cap.name} {fmt(cap.amount)} 元：本年已用 {fmt(used)}，尚余 {fmt(left)}，{rule_name}以此为限"


def _reached_layer(planned: RulePlan, to_date: PoolToDate) -> Decimal:
    """Where this claim starts in the year's cumulative input of the rule's layer (yuan).

    Each earlier claim fed this layer what the layers before it left, so the year's input so
    far is the year's base less what those earlier layers paid this year.
    """
    reached = to_date.base
    for code in planned.before:
        reached -= to_date.layers.get(code, ZERO)
    return reached if reached > 0 else ZERO


def _base(rule: BaseDef, claim: Claim) -> tuple[Decimal, list[Step]]:
    raw = claim.total
    if not rule.includes_out_of_catalog:
        raw -= claim.out_of_catalog
    raw -= claim.compensated
    if rule.excluded is not None:
        raw -= claim.excluded
    base = raw if raw > 0 else ZERO
    words = partial(_base_words, rule, claim, raw, base)
    if rule.excluded is not None and claim.excluded > 0:
        excluded = rule.excluded
        return base, [
            Step(
                excluded.clause,
                partial(_excluded_words, excluded.text, claim.excluded),
                claim.excluded,
            ),
            Step(rule.clause, words, base),
        ]
    if claim.excluded > 0:
        words = partial(_unexcluded_words, words, claim.excluded)
    return base, [Step(rule.clause, words, base)]


def _base_words(rule: BaseDef, claim: Claim, raw: Decimal, base: Decimal) -> str:
    terms = [f"总费用 {fmt(claim.total)}"]
    if not rule.includes_out_of_catalog:
        terms.append(f"目录外费用 {fmt(claim.out_of_catalog)}")
    terms += [
        f"基本医保 {fmt(claim.basic_insurance)}",
        f"大病保险 {fmt(claim.critical_illness)}",
        f"其他补偿 {fmt(claim.other_compensation)}",
    ]
    if rule.excluded is not None:
        terms.append(f"不予救助费用 {fmt(claim.excluded)}")
    text = "救助基数 = " + " − ".join(terms) + f" = {fmt(base)}"
    if raw < 0:
        text += "（不足0，按0计）"
    if rule.includes_out_of_catalog:
        text += "（目录外费用计入救助基数）"
    return text


def _excluded_words(what: str, excluded: Decimal) -> str:
    return f"不予救助费用 {fmt(excluded)}：{what}"


def _unexcluded_words(words, excluded: Decimal) -> str:
    return f"{words()}（本政策未规定另行扣除的不予救助费用，所填 {fmt(excluded)} 元未扣除）"


def _used_before(cap: CapDef, year_to_date: YearToDate) -> Decimal:
    used = ZERO
    for pool in cap.pools:
        to_date = year_to_date.pool(pool)
        used += to_date.assistance if cap.layer is None else to_date.layers.get(cap.layer, ZERO)
    return used


def _tiers(planned: RulePlan, start: Decimal, amount: Decimal, steps: list[Step]) -> Decimal:
    """Rates over the slice [start, start + amount] of the layer's cumulative input this year;
    their steps are added to ``steps``."""
    rule = planned.rule
    end = start + amount
    if rule.deductible > 0:
        below = min(end, rule.deductible) - start
        below = below if below > 0 else ZERO
        steps.append(
            Step(
                rule.deductible_clause or rule.clause,
                partial(_deductible_words, rule, planned.first, start, end, below),
                ZERO,
            )
        )
    total = ZERO
    for tier in planned.tiers:
        top = end if tier.upper is None or end < tier.upper else tier.upper
        part = top - (start if start > tier.lower else tier.lower)
        if part <= 0:
            continue
        contribution = part * tier.rate
        total += contribution
        steps.append(
            Step(
                tier.clause,
                partial(_tier_words, tier.head, part, tier.rate, contribution),
                round_fen(contribution),
            )
        )
    return total


def _deductible_words(
    rule: RuleDef, first: bool, start: Decimal, end: Decimal, below: Decimal
) -> str:
    what = "本年累计基数" if first else f"本年累计进入{rule.name}的金额"
    return (
        f"起付线 {fmt(rule.deductible)} 元（年度累计）：{what} {fmt(start)}–{fmt(end)}"
        f" 中 {fmt(below)} 在起付线以下，不予救助"
    )


def _tier_words(head: str, part: Decimal, rate: Decimal, contribution: Decimal) -> str:
    return f"{head}{fmt(part)} × {fmt_rate(rate)} = {_exact(contribution)}"


def _exact(amount: Decimal) -> str:
    """Show an unrounded intermediate amount without hiding its sub-fen digits."""
    return fmt(amount) if amount == round_fen(amount) else f"{amount.normalize():f}"


def _backstop(
    rule: RuleDef, claim: Claim, base: Decimal, paid: Decimal, remaining: Decimal, steps: list
) -> Decimal:
    """Pay what the patient would bear beyond ``patient_share`` of ``share_of`` (this stay)."""
    share = rule.patient_share or ZERO
    left_to_patient = claim.total - claim.compensated - paid
    measured = claim.total if rule.share_of == "total" else base
    allowed = measured * share
    over = max(ZERO, left_to_patient - allowed)
    exact = min(over, remaining) if rule.backstop_covers == "remaining_base" else over
    words = partial(
        _backstop_words, rule, left_to_patient, measured, share, allowed, over, remaining
    )
    steps.append(Step(rule.clause, words, round_fen(exact)))
    return exact


def _backstop_words(
    rule: RuleDef,
    left_to_patient: Decimal,
    measured: Decimal,
    share: Decimal,
    allowed: Decimal,
    over: Decimal,
    remaining: Decimal,
) -> str:
    measure = "总费用" if rule.share_of == "total" else "救助基数"
    text = (
        f"{rule.text or rule.name}：个人负担 {fmt(left_to_patient)}，超过{measure} {fmt(measured)}"
        f" × {fmt_rate(share)} = {_exact(allowed)} 的部分为 {fmt(over)}"
    )
    if rule.backstop_covers == "remaining_base":
        return text + f"（不超过剩余基数 {fmt(remaining)}）"
    return text + "（含目录外等基数以外的个人负担）"


def _refused(
    policy: PolicyDef,
    version: VersionDef | None,
    pool: str | None,
    claim: Claim,
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
        patient_pays=claim.total - claim.compensated,
        cap_remaining=None,
        steps=tuple(steps),
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
