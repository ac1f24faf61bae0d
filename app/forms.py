"""What the window's forms send, and every check on it that needs no store.

The forms call these while the clerk types (``ui/`` shows each ``FieldError`` beside its
field); the services call the same functions before they write, then add what only the store
can tell (a 住院号 already taken, the roster). One rule, one wording, in one place. No
SQLAlchemy here, so a form may import it when the window starts.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from app.applicant import household_facts
from app.errors import FieldError
from app.identity import IdentityError, parse_resident_id
from app.money import MAX_AMOUNT, AmountError, parse_amount
from app.policy.schema import VersionDef
from app.text import TextError, clean_text, required_text
from app.vocabulary import (
    AMOUNT_FIELDS,
    CATEGORY_NAMES,
    INSURANCE_NAMES,
    INSURANCES,
    VISIT_NAMES,
    VISITS,
)

# A clock a few minutes fast at the ward must not block a registration or a discharge.
FUTURE_TOLERANCE = timedelta(minutes=10)
# Each paid by someone before assistance: none may exceed the bill, nor may their sum.
PAID_BY_OTHERS = ("basic_insurance", "critical_illness", "other_compensation")


@dataclass
class PersonInput:
    """A person as typed at the window; sex and birth date are cross-checked with the ID."""

    id_number: str
    name: str
    sex: str | None = None  # "男"/"女" or "M"/"F"
    birth_date: date | str | None = None
    phone: str | None = None
    address: str | None = None
    insurance_card: str | None = None  # 社保卡号（医保卡号）
    household_size: str | int | None = None  # members of the household
    household_income: str | Decimal | None = None  # yuan a year


@dataclass
class AdmissionInput:
    """An admission as entered at the window. Empty policy/facility mean the site's defaults."""

    person: PersonInput
    admission_number: str
    admitted_at: datetime
    department: str
    diagnosis: str
    category: str
    insurance: str
    facility: str | None = None
    policy: str | None = None
    visit: str = "inpatient"
    referral_approved: bool = False
    referral_number: str | None = None
    referral_from: str | None = None
    referral_to: str | None = None
    referral_at: datetime | None = None
    certificate_type: str | None = None
    certificate_number: str | None = None
    off_roster_reason: str | None = None


@dataclass
class Amounts:
    """The bill as typed (strings or Decimal, yuan, at most two decimals)."""

    total: str | Decimal
    out_of_catalog: str | Decimal = "0"
    basic_insurance: str | Decimal = "0"
    critical_illness: str | Decimal = "0"
    other_compensation: str | Decimal = "0"
    excluded: str | Decimal = "0"


def text_errors(
    values: dict[str, object], *, required: tuple[str, ...] = ()
) -> Iterator[FieldError]:
    """Names and numbers as typed: no control or invisible-only characters, none the shipped
    fonts cannot print; ``required`` ones not empty."""
    for key, value in values.items():
        try:
            required_text(value) if key in required else clean_text(value)
        except TextError as exc:
            yield FieldError(key, exc.reason)
            continue
        yield from print_errors({key: value})


def _surely_printable(char: str) -> bool:
    # Printable ASCII and the CJK block up to U+9FA5 (every GBK hanzi there): the shipped
    # fonts draw all of them (tests/store/test_unprintable_names.py), so a name of these is
    # passed without loading ReportLab and parsing the fonts (0.3 s) at the first keystroke.
    return " " <= char <= "~" or "\u4e00" <= char <= "\u9fa5"


def print_errors(values: dict[str, object]) -> Iterator[FieldError]:
    """A text with a character the shipped fonts lack would fail to print (its slip, and the
    quarter's claim bundle with it): refused when typed, naming the character."""
    for key, value in values.items():
        if not isinstance(value, str) or all(_surely_printable(char) for char in value):
            continue
        from app.fonts import missing_characters

        missing = missing_characters(value)
        if missing:
            shown = "、".join(f"“{char}”（U+{ord(char):04X}）" for char in missing)
            yield FieldError(
                key, f"字库中没有{shown}，无法打印：请按当地规定改用规范字或同音常用字登记"
            )


def parse_amounts(amounts: Amounts) -> tuple[dict[str, Decimal], list[FieldError]]:
    """Each amount parsed (yuan, Decimal), and an error for each one not in the one form."""
    parsed: dict[str, Decimal] = {}
    errors: list[FieldError] = []
    for key in AMOUNT_FIELDS:
        try:
            parsed[key] = parse_amount(getattr(amounts, key))
        except AmountError as exc:
            errors.append(FieldError(key, exc.reason))
        except InvalidOperation:  # too many digits to round to the fen
            errors.append(FieldError(key, f"金额过大，最多 {MAX_AMOUNT} 元"))
    return parsed, errors


def amount_errors(amounts: Amounts) -> tuple[dict[str, Decimal], list[FieldError]]:
    """The bill parsed (yuan, Decimal) and every error in it, each naming its field: the
    form of each amount, then none above the bill, nor all paid by others together."""
    parsed, errors = parse_amounts(amounts)
    if errors:
        return parsed, errors
    total = parsed["total"]
    for key, what in (("out_of_catalog", "目录外费用"), ("excluded", "不予救助费用")):
        if parsed[key] > total:
            errors.append(FieldError(key, f"{what}不能超过医疗总费用"))
    for key in PAID_BY_OTHERS:
        if parsed[key] > total:
            errors.append(FieldError(key, f"{parsed[key]} 元超过医疗总费用 {total} 元"))
    paid = sum((parsed[key] for key in PAID_BY_OTHERS), Decimal(0))
    if paid > total and not errors:
        errors.append(
            FieldError(
                "basic_insurance",
                f"基本医保、大病保险与其他补偿合计 {paid} 元超过医疗总费用 {total} 元",
            )
        )
    return parsed, errors


def registration_errors(
    form: AdmissionInput,
    *,
    now: datetime,
    version: VersionDef | None = None,
    facility: str | None = None,
    on_roster: bool | None = None,
    known_name: str | None = None,
) -> list[FieldError]:
    """Every error in a registration that the store is not needed for, in the form's order.

    ``version`` (the policy in force on the admission day) and ``facility`` add the policy's
    own conditions; ``on_roster`` False asks for the off-roster reason; ``known_name`` is the
    name already stored for this ID number.
    """
    errors: list[FieldError] = []
    try:
        parse_resident_id(form.person.id_number)
    except IdentityError as exc:
        errors.append(FieldError("id_number", exc.reason))
    person = form.person
    person_texts = {"name": person.name, "phone": person.phone, "address": person.address}
    errors += text_errors(person_texts, required=("name",))  # printability checked there too
    errors += household_facts(
        person.insurance_card, person.household_size, person.household_income
    )[1]
    name = (form.person.name or "").strip()
    if known_name and name and not any(e.field == "name" for e in errors) and known_name != name:
        errors.append(FieldError("name", f"与已登记的姓名“{known_name}”不一致，请核对证件"))
    texts = {
        "admission_number": form.admission_number,
        "department": form.department,
        "diagnosis": form.diagnosis,
        "referral_number": form.referral_number,
        "referral_from": form.referral_from,
        "referral_to": form.referral_to,
        "certificate_type": form.certificate_type,
        "certificate_number": form.certificate_number,
        "off_roster_reason": form.off_roster_reason,
    }
    errors += text_errors(texts, required=("admission_number", "department", "diagnosis"))
    if not isinstance(form.admitted_at, datetime):
        errors.append(FieldError("admitted_at", "应为日期和时间"))
    elif form.admitted_at > now + FUTURE_TOLERANCE:
        errors.append(FieldError("admitted_at", "晚于当前时间"))
    if form.referral_at is not None and form.referral_at > now + FUTURE_TOLERANCE:
        errors.append(FieldError("referral_at", "晚于当前时间"))
    if on_roster is False and not (form.off_roster_reason or "").strip():
        errors.append(FieldError("off_roster_reason", "该人员不在当前救助名册中，须填写登记理由"))
    if version is not None:
        errors += eligibility_errors(version, form, form.category, facility or "")
    return _one_per_field(errors)


def eligibility_errors(
    version: VersionDef, form: AdmissionInput, category: str, facility: str
) -> list[FieldError]:
    """What the policy version says about this case: who, which insurance, which visit, and
    a referral outside the area."""
    errors = []
    if category in CATEGORY_NAMES and category not in version.categories:
        covered = "、".join(c.name for c in version.categories.values())
        errors.append(
            FieldError(
                "category", f"本政策不救助“{CATEGORY_NAMES[category]}”（救助对象为：{covered}）"
            )
        )
    if form.insurance not in INSURANCES:
        errors.append(FieldError("insurance", f"应为：{'、'.join(INSURANCE_NAMES.values())}"))
    elif form.insurance not in version.insurance.types:
        allowed = "、".join(INSURANCE_NAMES[t] for t in version.insurance.types)
        errors.append(
            FieldError("insurance", f"本政策只救助{allowed}参保人员（{version.insurance.clause}）")
        )
    if form.visit not in VISITS or form.visit not in version.visits:
        errors.append(FieldError("visit", f"本政策不包括“{form.visit}”"))
    if facility == "outside":
        if not form.referral_approved:
            errors.append(
                FieldError(
                    "referral",
                    f"统筹区外或非定点医疗机构就医须经批准转诊（{version.referral.clause}）",
                )
            )
        if not (form.referral_number or "").strip():
            errors.append(FieldError("referral_number", "转诊就医须填写转诊单号"))
    return errors


def _one_per_field(errors: list[FieldError]) -> list[FieldError]:
    seen: set[str] = set()
    kept = []
    for error in errors:
        if error.field not in seen:
            seen.add(error.field)
            kept.append(error)
    return kept


@dataclass
class OutpatientVisitInput:
    """One outpatient visit settled at the window (门诊结算). Empty policy/facility: the
    site's defaults. ``papers`` maps a document code of the policy's ``outpatient`` stage to
    (original sighted, copy kept)."""

    person: PersonInput
    visit_date: date
    visit: str
    category: str
    insurance: str
    diagnosis: str
    amounts: Amounts
    papers: dict[str, tuple[bool, bool]]
    facility: str | None = None
    policy: str | None = None
    department: str = "门诊"
    cause: str | None = None
    disabling: bool = False
    off_roster_reason: str | None = None


def outpatient_visits(version: VersionDef) -> dict[str, object]:
    """The visits the policy version assists from its outpatient pool (code → VisitDef)."""
    return {code: visit for code, visit in version.visits.items() if visit.pool == "outpatient"}


def outpatient_errors(version: VersionDef, form: OutpatientVisitInput) -> list[FieldError]:
    """What the policy says about an outpatient visit: one of its outpatient visits, the
    diagnosis where it assists only some illnesses, who and which insurance."""
    person = form.person
    errors = list(
        print_errors(
            {
                "name": person.name,
                "address": person.address,
                "department": form.department,
                "diagnosis": form.diagnosis,
            }
        )
    )
    visits = outpatient_visits(version)
    visit = visits.get(form.visit)
    if visit is None:
        names = "、".join(VISIT_NAMES.get(code, code) for code in visits) or "无"
        errors.append(FieldError("visit", f"本政策的门诊救助就诊类型为：{names}"))
    elif visit.diagnosis_required and not (form.diagnosis or "").strip():
        errors.append(
            FieldError(
                "diagnosis",
                f"{visit.text or '该就诊类型'}须填写诊断（{visit.clause}）",
            )
        )
    errors += [
        error
        for error in eligibility_errors(version, _AsAdmission(form), form.category, "")
        if error.field != "visit"
    ]
    if not isinstance(form.visit_date, date) or isinstance(form.visit_date, datetime):
        errors.append(FieldError("visit_date", "应为日期"))
    return _one_per_field(errors)


@dataclass
class _AsAdmission:
    """The fields ``eligibility_errors`` reads, from an outpatient visit (no referral)."""

    form: OutpatientVisitInput

    @property
    def insurance(self) -> str:
        return self.form.insurance

    @property
    def visit(self) -> str:
        return self.form.visit

    referral_approved = False
    referral_number = None
