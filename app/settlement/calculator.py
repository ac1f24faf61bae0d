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

from decimal import ROUND_HALF_UP, Decimal

from app.money import FEN, ZERO, fmt, fmt_rate, round_fen
from app.policy.schema import BaseDef, CapDef, PolicyDef, RuleDef, VersionDef
from app.settlement.claim import Claim, ClaimError, PoolToDate, YearToDate
from app.settlement.plan import RulePlan, plan_for
from app.settlement.result import Layers, Result, Step, Steps, written
from app.vocabulary import POOLS

_new = tuple.__new__


def settle(policy: PolicyDef, claim: Claim, year_to_date: YearToDate) -> Result:
    """Compute the assistance for one claim. All amounts yuan, ``Decimal``.

    The steps' words are written when read (``Step.text``); the amounts are all computed here.
    Steps are kept as bare tuples (``Steps``) and the result is made with ``tuple.__new__`` in
    field order: the named tuples' own constructors cost more than a settlement's arithmetic
    (issue 18, point 3).
    """
    version = policy.version_on(claim.date)
    compensated = claim.basic_insurance + claim.critical_illness + claim.other_compensation
    if version is None:
        reason = f"结算日期 {claim.date} 不在本政策任何版本的有效期内"
        steps = [("有效期", reason, None)]
        return _refused(policy, None, None, claim, compensated, ZERO, steps, reason)
    plan = plan_for(version, claim)
    base, steps = _base(version.base, claim, compensated)
    if plan.refusal is not None:
        clause, reason = plan.refusal
        steps.append((clause, reason, None))
        return _refused(policy, version, plan.pool, claim, compensated, base, steps, reason)

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
        remaining = base - paid
        if planned.backstop:
            exact = _backstop(rule, claim, compensated, base, paid, remaining, steps)
        else:
            start = to_date.base
            if planned.before:
                start = _reached_layer(planned.before, to_date)
            exact = _tiers(planned, start, remaining, steps)
        for cap in planned.caps:
            used = cap_used[cap.code]
            left = cap.amount - used
            if left < ZERO:
                left = ZERO
            if exact > left:
                exact = left
                words = (_cap_words, cap, used, left, rule.name)
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
            base,
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


def _cap_words(cap: CapDef, used: Decimal, left: Decimal, rule_name: str) -> str:
    return f"{cap.name} {fmt(cap.amount)} 元：本年已用 {fmt(used)}，尚余 {fmt(left)}，{rule_name}以此为限"


def _reached_layer(before: tuple[str, ...], to_date: PoolToDate) -> Decimal:
    """Where this claim starts in the year's cumulative input of the rule's layer (yuan).

    Each earlier claim fed this layer what the layers before it left, so the year's input so
    far is the year's base less what those earlier layers paid this year.
    """
    reached = to_date.base
    for code in before:
        reached -= to_date.layers.get(code, ZERO)
    return reached if reached > ZERO else ZERO


def _base(rule: BaseDef, claim: Claim, compensated: Decimal) -> tuple[Decimal, list[Step]]:
    raw = claim.total - compensated
    if not rule.includes_out_of_catalog:
        raw -= claim.out_of_catalog
    excluded = rule.excluded
    if excluded is not None:
        raw -= claim.excluded
    base = raw if raw > ZERO else ZERO
    words = (_base_words, rule, claim, raw, base)
    if claim.excluded > ZERO:
        if excluded is not None:
            return base, [
                (excluded.clause, (_excluded_words, excluded.text, claim.excluded), claim.excluded),
                (rule.clause, words, base),
            ]
        words = (_unexcluded_words, words, claim.excluded)
    return base, [(rule.clause, words, base)]


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


def _unexcluded_words(words: tuple, excluded: Decimal) -> str:
    return f"{written(words)}（本政策未规定另行扣除的不予救助费用，所填 {fmt(excluded)} 元未扣除）"


def _tiers(planned: RulePlan, start: Decimal, amount: Decimal, steps: list[Step]) -> Decimal:
    """Rates over the slice [start, start + amount] of the layer's cumulative input this year;
    their steps are added to ``steps``."""
    rule = planned.rule
    end = start + amount
    if planned.deductible_clause is not None:
        below = (end if end < rule.deductible else rule.deductible) - start
        if below < ZERO:
            below = ZERO
        words = (_deductible_words, rule, planned.first, start, end, below)
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
        words = (_tier_words, tier.head, part, tier.rate, contribution)
        steps.append((tier.clause, words, contribution.quantize(FEN, ROUND_HALF_UP)))
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
    words = (_backstop_words, rule, left_to_patient, measured, share, allowed, over, remaining)
    steps.append((rule.clause, words, round_fen(exact)))
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
