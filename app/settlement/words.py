"""How each step of a settlement is worded.

The calculator hands a step its figures as ``(function, *arguments)`` and one of these writes
the text when it is read (``app.settlement.result.written``): most settlements' steps are
stored once or never shown, and formatting a dozen amounts cost more than the arithmetic.
"""

from decimal import Decimal

from app.money import fmt, fmt_rate, round_fen
from app.policy.schema import BaseDef, CapDef, RuleDef
from app.settlement.claim import Claim
from app.settlement.result import written


def base_words(rule: BaseDef, claim: Claim, raw: Decimal, base: Decimal) -> str:
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


def excluded_words(what: str, excluded: Decimal) -> str:
    return f"不予救助费用 {fmt(excluded)}：{what}"


def unexcluded_words(words: tuple, excluded: Decimal) -> str:
    return f"{written(words)}（本政策未规定另行扣除的不予救助费用，所填 {fmt(excluded)} 元未扣除）"


def deductible_words(
    rule: RuleDef, first: bool, start: Decimal, end: Decimal, below: Decimal
) -> str:
    what = "本年累计基数" if first else f"本年累计进入{rule.name}的金额"
    return (
        f"起付线 {fmt(rule.deductible)} 元（年度累计）：{what} {fmt(start)}–{fmt(end)}"
        f" 中 {fmt(below)} 在起付线以下，不予救助"
    )


def tier_words(head: str, part: Decimal, rate: Decimal, contribution: Decimal) -> str:
    return f"{head}{fmt(part)} × {fmt_rate(rate)} = {exact(contribution)}"


def cap_words(cap: CapDef, used: Decimal, left: Decimal, rule_name: str) -> str:
    return f"{cap.name} {fmt(cap.amount)} 元：本年已用 {fmt(used)}，尚余 {fmt(left)}，{rule_name}以此为限"


def backstop_words(
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
        f" × {fmt_rate(share)} = {exact(allowed)} 的部分为 {fmt(over)}"
    )
    if rule.backstop_covers == "remaining_base":
        return text + f"（不超过剩余基数 {fmt(remaining)}）"
    return text + "（含目录外等基数以外的个人负担）"


def exact(amount: Decimal) -> str:
    """Show an unrounded intermediate amount without hiding its sub-fen digits."""
    return fmt(amount) if amount == round_fen(amount) else f"{amount.normalize():f}"
