"""The claim of the public ``settle`` contract, parsed and checked field by field.

``parse_request`` turns the JSON object a hospital system sends into a ``Claim`` and the
``YearToDate`` it carries; any bad field raises ``ClaimError`` naming that field in Chinese.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from app.dates import DateError, parse_date
from app.errors import FieldError
from app.money import ZERO, AmountError, parse_amount
from app.vocabulary import AMOUNT_FIELDS, CATEGORIES, CAUSES, FACILITIES, INSURANCES, POOLS, VISITS


class ClaimError(FieldError):
    """A rejected contract input: ``field`` is the contract's key path (``total``,
    ``year_to_date.inpatient.base``), ``label`` its Chinese name where the contract has one;
    ``str()`` reads ``字段 total（医疗总费用）：…`` for a hospital system's log."""

    def __init__(self, field: str, message: str):
        top = field.split(".")[0]
        super().__init__(field, message, CLAIM_FIELDS.get(top) if top == field else None)
        named = f"{field}（{CLAIM_FIELDS[field]}）" if field in CLAIM_FIELDS else field
        self.args = (f"字段 {named}：{message}",)


@dataclass(frozen=True)
class Claim:
    """One discharge (or outpatient visit) to settle. Amounts are yuan, Decimal, fen-exact.

    Attributes:
      total: the whole bill. out_of_catalog: costs outside the insurance catalogue.
      basic_insurance, critical_illness, other_compensation: what others already paid.
      excluded: costs the policy never assists (不予救助费用), taken out of the base where the
        policy names them. disabling: the injury caused disability (an exclusion may require it).
    """

    policy: str
    date: date
    category: str
    visit: str
    insurance: str
    facility: str
    referral_approved: bool
    cause: str | None
    total: Decimal
    out_of_catalog: Decimal
    basic_insurance: Decimal
    critical_illness: Decimal
    other_compensation: Decimal
    excluded: Decimal = ZERO
    disabling: bool = False

    @property
    def compensated(self) -> Decimal:
        """What insurance and others paid before assistance."""
        return self.basic_insurance + self.critical_illness + self.other_compensation


@dataclass(frozen=True)
class PoolToDate:
    """What earlier settlements this calendar year used in one pool (yuan)."""

    base: Decimal = ZERO
    assistance: Decimal = ZERO
    layers: Mapping[str, Decimal] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class YearToDate:
    inpatient: PoolToDate = PoolToDate()
    outpatient: PoolToDate = PoolToDate()

    def pool(self, name: str) -> PoolToDate:
        return self.inpatient if name == "inpatient" else self.outpatient


CLAIM_FIELDS = {
    "policy": "政策",
    "date": "结算日期",
    "category": "救助对象类别",
    "visit": "就诊类型",
    "insurance": "参保类型",
    "facility": "医疗机构级别",
    "referral_approved": "转诊已批准",
    "cause": "伤病原因",
    "total": "医疗总费用",
    "out_of_catalog": "目录外费用",
    "basic_insurance": "基本医保支付",
    "critical_illness": "大病保险支付",
    "other_compensation": "其他补偿",
    "excluded": "不予救助费用",
    "disabling": "造成残疾",
    "year_to_date": "本年累计",
}
_REQUIRED = ("policy", "date", "category", "visit", "insurance", "facility", "total")
_AMOUNTS = AMOUNT_FIELDS
_CHOICES = {
    "category": CATEGORIES,
    "visit": VISITS,
    "insurance": INSURANCES,
    "facility": FACILITIES,
}


def _amount(value: object, key: str) -> Decimal:
    try:
        return parse_amount(value)
    except AmountError as exc:
        raise ClaimError(key, exc.reason) from None


def _choice(data: Mapping, key: str, allowed: tuple[str, ...]) -> str:
    value = data[key]
    if not isinstance(value, str) or value not in allowed:
        raise ClaimError(key, f"取值“{value}”无效，可选：{', '.join(allowed)}")
    return value


def _parse_date(value: object) -> date:
    try:
        return parse_date(value)
    except DateError as exc:
        raise ClaimError("date", exc.reason) from None


def _parse_pool(data: object, pool: str) -> PoolToDate:
    path = f"year_to_date.{pool}"
    if data is None:
        return PoolToDate()
    if not isinstance(data, Mapping):
        raise ClaimError(path, '应为对象 {"base": …, "assistance": …}')
    unknown = set(data) - {"base", "assistance", "layers"}
    if unknown:
        raise ClaimError(f"{path}.{sorted(unknown)[0]}", "未知字段")
    layers_data = data.get("layers") or {}
    if not isinstance(layers_data, Mapping):
        raise ClaimError(f"{path}.layers", '应为对象 {"层代码": 金额}')
    layers = {
        str(code): _amount(value, f"{path}.layers.{code}") for code, value in layers_data.items()
    }
    return PoolToDate(
        base=_amount(data.get("base", "0"), f"{path}.base"),
        assistance=_amount(data.get("assistance", "0"), f"{path}.assistance"),
        layers=MappingProxyType(layers),
    )


def parse_year_to_date(data: object) -> YearToDate:
    if data is None:
        return YearToDate()
    if not isinstance(data, Mapping):
        raise ClaimError("year_to_date", "应为对象")
    unknown = set(data) - set(POOLS)
    if unknown:
        raise ClaimError(
            f"year_to_date.{sorted(unknown)[0]}", "未知的费用池，应为 inpatient 或 outpatient"
        )
    return YearToDate(
        inpatient=_parse_pool(data.get("inpatient"), "inpatient"),
        outpatient=_parse_pool(data.get("outpatient"), "outpatient"),
    )


def parse_request(data: object) -> tuple[Claim, YearToDate]:
    """Check a contract claim object; raise ``ClaimError`` at the first bad field."""
    if not isinstance(data, Mapping):
        raise ClaimError("(整体)", "输入应为一个 JSON 对象")
    unknown = sorted(set(data) - set(CLAIM_FIELDS))
    if unknown:
        raise ClaimError(unknown[0], "未知字段（请检查拼写）")
    for key in _REQUIRED:
        if data.get(key) is None:
            raise ClaimError(key, "必须填写")
    if not isinstance(data["policy"], str) or not data["policy"].strip():
        raise ClaimError("policy", "应为政策编号，如 lanxi")
    choices = {key: _choice(data, key, allowed) for key, allowed in _CHOICES.items()}
    amounts = {key: _amount(data.get(key, "0"), key) for key in _AMOUNTS}
    referral = data.get("referral_approved", False)
    if not isinstance(referral, bool):
        raise ClaimError("referral_approved", "应为 true 或 false")
    disabling = data.get("disabling", False)
    if not isinstance(disabling, bool):
        raise ClaimError("disabling", "应为 true 或 false")
    cause = data.get("cause")
    if cause is not None and cause not in CAUSES:
        raise ClaimError("cause", f"取值“{cause}”无效，可选：null 或 {', '.join(CAUSES)}")
    if amounts["out_of_catalog"] > amounts["total"]:
        raise ClaimError("out_of_catalog", "目录外费用不能超过医疗总费用")
    if amounts["excluded"] > amounts["total"]:
        raise ClaimError("excluded", "不予救助费用不能超过医疗总费用")
    paid_by_others = (
        amounts["basic_insurance"] + amounts["critical_illness"] + amounts["other_compensation"]
    )
    if paid_by_others > amounts["total"]:
        raise ClaimError(
            "basic_insurance",
            f"基本医保、大病保险与其他补偿合计 {paid_by_others} 超过医疗总费用 {amounts['total']}",
        )
    claim = Claim(
        policy=data["policy"].strip(),
        date=_parse_date(data["date"]),
        referral_approved=referral,
        disabling=disabling,
        cause=cause,
        **choices,
        **amounts,
    )
    return claim, parse_year_to_date(data.get("year_to_date"))
