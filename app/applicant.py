"""What the seeds' forms ask about the applicant beyond the case, and its checks (no store).

湖南's referral form prints the 社保卡号（医保卡号）; 威海's application form asks who filled it in
(三(一): 本人, or a 直系亲属 or 监护人 when the applicant cannot) and the household the classes of
二(一)2,3 are judged by (its members and income). The registration form and the application
details form call these as the clerk types; the services call them again before they write.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from app.errors import FieldError
from app.money import MAX_AMOUNT, AmountError, parse_amount
from app.text import TextError, clean_text
from app.vocabulary import FILLER_KINDS

SELF, RELATIVE, GUARDIAN = "self", "relative", "guardian"  # the keys of FILLER_KINDS
INSURANCE_CARD_LENGTHS = (6, 20)
HOUSEHOLD_SIZES = (1, 99)


@dataclass(frozen=True)
class HouseholdFacts:
    """The person's 社保卡号 and household as stored: None where not given."""

    insurance_card: str | None = None
    household_size: int | None = None
    household_income: Decimal | None = None  # yuan a year


@dataclass
class Filler:
    """Who filled in the application: ``kind`` a key of FILLER_KINDS; a relative or guardian
    with their name and relationship to the applicant."""

    kind: str
    name: str | None = None
    relation: str | None = None


def insurance_card_problem(typed: object) -> tuple[str | None, str | None]:
    """(the card number as stored, upper case without spaces, or None when empty; the reason
    it is refused, or None). Cards carry ASCII letters and digits only (e.g. ``H12345678``,
    or the 18-character 社会保障号码)."""
    try:
        text = clean_text(typed)
    except TextError as exc:
        return None, exc.reason
    card = "".join(text.split()).upper()
    if not card:
        return None, None
    for index, char in enumerate(card, 1):
        if not (char.isascii() and char.isalnum()):
            kind = "全角字符" if "\uff01" <= char <= "\uff5e" else "不是字母或数字"
            return None, f"第{index}个字符“{char}”{kind}，卡号只含半角字母和数字"
    low, high = INSURANCE_CARD_LENGTHS
    if not low <= len(card) <= high:
        return None, f"应为{low}到{high}位字母或数字，现为{len(card)}位"
    return card, None


def household_facts(
    insurance_card: object, size: object, income: object
) -> tuple[HouseholdFacts, list[FieldError]]:
    """The typed 社保卡号, household size and yearly income (yuan) checked: the facts (None
    where empty) and an error naming each bad field."""
    errors: list[FieldError] = []
    card, problem = insurance_card_problem(insurance_card)
    if problem:
        errors.append(FieldError("insurance_card", problem))
    members = None
    text = "" if size is None else str(size).strip()
    if text:
        low, high = HOUSEHOLD_SIZES
        if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
            errors.append(FieldError("household_size", f"应为{low}到{high}的整数（人）"))
        else:
            members = int(text)
    amount = None
    if income is not None and str(income).strip():
        try:
            amount = parse_amount(income)
        except AmountError as exc:
            errors.append(FieldError("household_income", exc.reason))
        except InvalidOperation:
            errors.append(FieldError("household_income", f"金额过大，最多 {MAX_AMOUNT} 元"))
    return HouseholdFacts(card, members, amount), errors


def filler_errors(filler: Filler) -> list[FieldError]:
    """Who filled in the application: one of FILLER_KINDS; anyone but the applicant named,
    with the relationship."""
    if filler.kind not in FILLER_KINDS:
        return [FieldError("filled_by_kind", f"应为：{'、'.join(FILLER_KINDS.values())}")]
    errors = []
    for key, value in (("filled_by_name", filler.name), ("filled_by_relation", filler.relation)):
        try:
            text = clean_text(value)
        except TextError as exc:
            errors.append(FieldError(key, exc.reason))
            continue
        if filler.kind != SELF and not text:
            who = FILLER_KINDS[filler.kind]
            errors.append(FieldError(key, f"由{who}代填时须填写"))
    return errors


def filler_words(kind: str, name: str, relation: str) -> str:
    """Who filled in the form, as printed: 本人填写, or 代填人：张红（直系亲属，与申请人关系：女儿）;
    "" when not recorded."""
    if not kind:
        return ""
    if kind == SELF:
        return "本人填写"
    return f"代填人：{name}（{FILLER_KINDS.get(kind, kind)}，与申请人关系：{relation}）"
