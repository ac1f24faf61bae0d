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

from app.money import ZERO, fmt, fmt_rate, round_fen
from app.policy.schema import CapDef, PolicyDef, RuleDef, VersionDef
from app.settlement.claim import Claim, ClaimError, PoolToDate, YearToDate
from app.settlement.result import Layer, Result, Step
from app.vocabulary import (
    ASSISTANCE_FUND,
    CATEGORY_NAMES,
    CAUSE_NAMES,
    FACILITY_NAMES,
    HOSPITAL_FUND,
    INSURANCE_NAMES,
    POOLS,
    SETTLE_MODE_NAMES,
    VISIT_NAMES,
)


def settle(policy: PolicyDef, claim: Claim, year_to_date: YearToDate) -> Result:
    """Compute the assistance for one claim. All amounts yuan, ``Decimal``."""
    version = policy.version_on(claim.date)
    if version is None:
        reason = f"结算日期 {claim.date} 不在本政策任何版本的有效期内"
        return _refused(policy, None, claim, ZERO, [Step("有效期", reason)], reason)
    base, steps = _base(version, claim)
    refusal = _refusal(version, claim)
    if refusal is not None:
        clause, reason = refusal
        steps.append(Step(clause, reason))
        return _refused(policy, version, claim, base, steps, reason)
    rules = [rule for rule in version.rules if _rule_applies(rule, claim)]
    if not rules:
        reason = (
            f"本政策对{CATEGORY_NAMES[claim.category]}的{VISIT_NAMES[claim.visit]}"
            f"（{FACILITY_NAMES[claim.facility]}、{INSURANCE_NAMES[claim.insurance]}）没有救助规定"
        )
        steps.append(Step(version.visits[claim.visit].clause, reason))
        return _refused(policy, version, claim, base, steps, reason)

    pool = version.visits[claim.visit].pool
    to_date = year_to_date.pool(pool)
    cap_used = {cap.code: _used_before(cap, year_to_date) for cap in version.caps}
    paid = ZERO
    amounts: list[Decimal] = []
    for index, rule in enumerate(rules):
        remaining = base - paid
        if rule.kind == "backstop":
            exact, rule_steps = _backstop(rule, claim, base, paid, remaining)
        else:
            start = _reached_layer(rules[:index], rule, to_date)
            exact, rule_steps = _tiers(rule, start, remaining, first=index == 0)
        steps.extend(rule_steps)
        for code in rule.caps:
            cap = version.cap(code)
            left = max(ZERO, cap.amount - cap_used[code])
            if exact > left:
                exact = left
                steps.append(
                    Step(
                        cap.clause,
                        f"{cap.name} {fmt(cap.amount)} 元：本年已用 {fmt(cap_used[code])}，"
                        f"尚余 {fmt(left)}，{rule.name}以此为限",
                        left,
                    )
                )
        amount = round_fen(exact)
        steps.append(Step(rule.clause, f"{rule.name}合计", amount))
        amounts.append(amount)
        paid += amount
        for cap in version.caps:
            if pool in cap.pools and cap.layer in (None, rule.layer):
                cap_used[cap.code] += amount

    def cap_left(rule: RuleDef) -> tuple[Decimal, str] | None:
        """The tightest of the rule's caps after this claim: (remaining, cap name)."""
        left = [
            (max(ZERO, version.cap(c).amount - cap_used[c]), version.cap(c).name) for c in rule.caps
        ]
        return min(left, default=None, key=lambda item: item[0])

    layers = tuple(
        Layer(rule.layer, rule.name, amount, rule.fund, _first(cap_left(rule)))
        for rule, amount in zip(rules, amounts, strict=True)
    )
    assistance_caps = [cap_left(rule) for rule in rules if rule.fund == ASSISTANCE_FUND]
    assistance_cap = min(filter(None, assistance_caps), default=None, key=lambda item: item[0])
    mode, mode_step = _settle_mode(version, claim)
    steps.append(mode_step)
    paid_at_window = paid if mode == "instant" else ZERO
    reduction = sum((layer.amount for layer in layers if layer.fund == HOSPITAL_FUND), ZERO)
    reduction = reduction if mode == "instant" else ZERO
    return Result(
        policy=policy.id,
        policy_version=version.effective_from.isoformat(),
        eligible=True,
        reason=None,
        pool=pool,
        base=base,
        assistance=paid,
        layers=layers,
        settle_mode=mode,
        paid_at_window=paid_at_window,
        patient_pays=claim.total - claim.compensated - paid_at_window,
        cap_remaining=_first(assistance_cap),
        cap_name=None if assistance_cap is None else assistance_cap[1],
        advanced=paid_at_window - reduction,
        hospital_reduction=reduction,
        steps=tuple(steps),
    )


def _first(pair: tuple[Decimal, str] | None) -> Decimal | None:
    return None if pair is None else pair[0]


def _reached_layer(earlier: list[RuleDef], rule: RuleDef, to_date: PoolToDate) -> Decimal:
    """Where this claim starts in the year's cumulative input of ``rule``'s layer (yuan).

    Each earlier claim fed this layer what the layers before it left, so the year's input so
    far is the year's base less what those earlier layers paid this year.
    """
    before = dict.fromkeys(r.layer for r in earlier if r.layer != rule.layer)
    return max(ZERO, to_date.base - sum((to_date.layers.get(c, ZERO) for c in before), ZERO))


def _base(version: VersionDef, claim: Claim) -> tuple[Decimal, list[Step]]:
    rule = version.base
    terms = [f"总费用 {fmt(claim.total)}"]
    raw = claim.total
    if not rule.includes_out_of_catalog:
        terms.append(f"目录外费用 {fmt(claim.out_of_catalog)}")
        raw -= claim.out_of_catalog
    raw -= claim.compensated
    terms += [
        f"基本医保 {fmt(claim.basic_insurance)}",
        f"大病保险 {fmt(claim.critical_illness)}",
        f"其他补偿 {fmt(claim.other_compensation)}",
    ]
    if rule.excluded is not None:
        terms.append(f"不予救助费用 {fmt(claim.excluded)}")
        raw -= claim.excluded
    base = max(ZERO, raw)
    text = "救助基数 = " + " − ".join(terms) + f" = {fmt(base)}"
    if raw < 0:
        text += "（不足0，按0计）"
    if rule.includes_out_of_catalog:
        text += "（目录外费用计入救助基数）"
    steps = [Step(rule.clause, text, base)]
    if rule.excluded is not None and claim.excluded > 0:
        excluded = rule.excluded
        steps.insert(
            0,
            Step(
                excluded.clause,
                f"不予救助费用 {fmt(claim.excluded)}：{excluded.text}",
                claim.excluded,
            ),
        )
    elif claim.excluded > 0:
        steps[0] = Step(
            rule.clause,
            f"{text}（本政策未规定另行扣除的不予救助费用，所填 {fmt(claim.excluded)} 元未扣除）",
            base,
        )
    return base, steps


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


def _matches(allowed: tuple[str, ...], value: str) -> bool:
    return not allowed or value in allowed


def _rule_applies(rule: RuleDef, claim: Claim) -> bool:
    return (
        _matches(rule.categories, claim.category)
        and _matches(rule.visits, claim.visit)
        and _matches(rule.insurance, claim.insurance)
        and _matches(rule.facilities, claim.facility)
    )


def _used_before(cap: CapDef, year_to_date: YearToDate) -> Decimal:
    used = ZERO
    for pool in cap.pools:
        to_date = year_to_date.pool(pool)
        used += to_date.assistance if cap.layer is None else to_date.layers.get(cap.layer, ZERO)
    return used


def _overlap(start: Decimal, end: Decimal, lower: Decimal, upper: Decimal | None) -> Decimal:
    top = end if upper is None else min(end, upper)
    return max(ZERO, top - max(start, lower))


def _tiers(
    rule: RuleDef, start: Decimal, amount: Decimal, *, first: bool
) -> tuple[Decimal, list[Step]]:
    """Rates over the slice [start, start + amount] of the layer's cumulative input this year."""
    end = start + amount
    steps: list[Step] = []
    if rule.deductible > 0:
        below = _overlap(start, end, ZERO, rule.deductible)
        what = "本年累计基数" if first else f"本年累计进入{rule.name}的金额"
        steps.append(
            Step(
                rule.deductible_clause or rule.clause,
                f"起付线 {fmt(rule.deductible)} 元（年度累计）：{what} {fmt(start)}–{fmt(end)}"
                f" 中 {fmt(below)} 在起付线以下，不予救助",
                ZERO,
            )
        )
    total = ZERO
    for tier in rule.tiers:
        part = _overlap(start, end, max(tier.from_, rule.deductible), tier.to)
        if part <= 0:
            continue
        contribution = part * tier.rate
        total += contribution
        if tier.to is not None:
            span = f"（累计 {fmt(tier.from_)}–{fmt(tier.to)} 段）"
        else:
            span = f"（累计 {fmt(tier.from_)} 以上段）" if tier.from_ > 0 else ""
        steps.append(
            Step(
                tier.clause,
                f"{tier.text or rule.name}{span}：{fmt(part)} × {fmt_rate(tier.rate)}"
                f" = {_exact(contribution)}",
                round_fen(contribution),
            )
        )
    return total, steps


def _exact(amount: Decimal) -> str:
    """Show an unrounded intermediate amount without hiding its sub-fen digits."""
    return fmt(amount) if amount == round_fen(amount) else f"{amount.normalize():f}"


def _backstop(
    rule: RuleDef, claim: Claim, base: Decimal, paid: Decimal, remaining: Decimal
) -> tuple[Decimal, list[Step]]:
    """Pay what the patient would bear beyond ``patient_share`` of ``share_of`` (this stay)."""
    share = rule.patient_share or ZERO
    left_to_patient = claim.total - claim.compensated - paid
    measure, measured = ("总费用", claim.total) if rule.share_of == "total" else ("救助基数", base)
    allowed = measured * share
    over = max(ZERO, left_to_patient - allowed)
    text = (
        f"{rule.text or rule.name}：个人负担 {fmt(left_to_patient)}，超过{measure} {fmt(measured)}"
        f" × {fmt_rate(share)} = {_exact(allowed)} 的部分为 {fmt(over)}"
    )
    if rule.backstop_covers == "remaining_base":
        exact = min(over, remaining)
        text += f"（不超过剩余基数 {fmt(remaining)}）"
    else:
        exact = over
        text += "（含目录外等基数以外的个人负担）"
    return exact, [Step(rule.clause, text, round_fen(exact))]


def _settle_mode(version: VersionDef, claim: Claim) -> tuple[str, Step]:
    for override in version.settle.overrides:
        if (
            _matches(override.categories, claim.category)
            and _matches(override.visits, claim.visit)
            and _matches(override.facilities, claim.facility)
        ):
            return override.mode, Step(
                override.clause, f"结算方式：{SETTLE_MODE_NAMES[override.mode]}（{override.text}）"
            )
    mode = version.settle.mode
    return mode, Step(version.settle.clause, f"结算方式：{SETTLE_MODE_NAMES[mode]}")


def _refused(
    policy: PolicyDef,
    version: VersionDef | None,
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
        pool=None
        if version is None or claim.visit not in version.visits
        else version.visits[claim.visit].pool,
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
