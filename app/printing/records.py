"""What each printed document shows, as frozen records: exactly the page's content, built from
stored data only (see ``from_store``), so one stored settlement always prints the same page.

Money is yuan as ``Decimal``; dates are ``datetime.date``; every text is printed as given.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

PATIENT_COPY = "patient"
HOSPITAL_COPY = "hospital"
# The slip's copies in their fixed order: a copy keeps its number wherever it is printed alone
# (the bundle holds 第二联 医院留存 only; ``--copies hospital`` prints 第二联 too).
SLIP_COPY_NAMES = {PATIENT_COPY: "患者留存", HOSPITAL_COPY: "医院留存"}
_ORDINALS = "一二"


def slip_copy_label(copy: str) -> str:
    """What a copy of the slip is headed with, e.g. ``第二联 医院留存`` for ``HOSPITAL_COPY``."""
    number = list(SLIP_COPY_NAMES).index(copy)
    return f"第{_ORDINALS[number]}联 {SLIP_COPY_NAMES[copy]}"


@dataclass(frozen=True)
class PolicyRef:
    """The policy a document was made under: id, title, 文号, the version in force and the
    SHA-256 of the policy file the store kept with the case ("" if none)."""

    policy_id: str
    title: str
    document_number: str
    version: str
    file_sha256: str = ""
    slip_title: str = ""  # the slip's title in the policy file, where it names one

    @property
    def label(self) -> str:
        """What the footer prints, e.g. ``lanxi 2020-07-01 sha256:1a2b3c4d5e6f``."""
        label = f"{self.policy_id} {self.version}"
        return f"{label} sha256:{self.file_sha256[:12]}" if self.file_sha256 else label


@dataclass(frozen=True)
class Site:
    """The hospital running the window: name, its code, its level in words."""

    hospital_name: str
    hospital_code: str = ""
    level: str = ""


@dataclass(frozen=True)
class Patient:
    name: str
    sex: str  # 男 / 女
    id_number: str
    category: str  # Chinese name of the beneficiary class, e.g. 低保对象
    birth_date: date | None = None
    phone: str = ""
    address: str = ""
    insurance_card: str = ""  # 社保卡号（医保卡号）


@dataclass(frozen=True)
class Clause:
    """One applied rule, as the calculator explained it: clause, words, amount (or None)."""

    clause: str
    text: str
    amount: Decimal | None = None


@dataclass(frozen=True)
class Layer:
    """One payer after the insurances (医疗救助, 扶贫特惠保, 财政兜底 …) and what it pays."""

    name: str
    amount: Decimal


@dataclass(frozen=True)
class SlipData:
    """A settlement slip (城乡医疗救助"一站式"即时结算单).

    Attributes:
      admission_number: 住院号, or "" for an outpatient settlement.
      visit_date: 就诊日期 of an outpatient settlement (its slip prints no 住院号 nor days), or
        None for a stay in hospital.
      assistance_before: assistance this person already had this year in the pools this
        settlement's cap covers, before this settlement.
      cap_remaining: what is left under the annual cap after this settlement, or None;
        cap_name names that cap (e.g. 医疗救助年度限额), "" when the result did not say.
      year_pools: the pools the year's lines count (住院, 门诊, or both where one cap covers both).
      year_assistance: on a chain of payers (湖南), this settlement's share of the 医疗救助
        fund, which the year's line counts beside the 医疗救助 cap (``assistance_before`` then
        counts that fund only), not every fund's sum; None: all its assistance.
      advanced: 医院垫付, what the window advanced and claims back; hospital_reduction: 医院减免,
        the hospital's own reduction (0 where the policy has none).
      settle_mode: the settle mode in words (e.g. 即时结算（窗口垫付）).
      reprint_count: 0 for the first print, n for the n-th 补打.
    """

    document_id: str
    slip_number: str
    policy: PolicyRef
    site: Site
    patient: Patient
    visit: str
    admission_number: str
    department: str
    diagnosis: str
    admitted_on: date | None
    discharged_on: date | None
    total: Decimal
    out_of_catalog: Decimal
    basic_insurance: Decimal
    critical_illness: Decimal
    other_compensation: Decimal
    base: Decimal
    layers: tuple[Layer, ...]
    assistance: Decimal
    paid_at_window: Decimal
    patient_pays: Decimal
    assistance_before: Decimal
    cap_remaining: Decimal | None
    settle_mode: str
    eligible: bool
    reason: str
    clauses: tuple[Clause, ...]
    clerk: str
    settled_at: datetime
    voided: bool = False
    void_reason: str = ""
    reprint_count: int = 0
    cap_name: str = ""
    year_pools: tuple[str, ...] = ()
    advanced: Decimal | None = None
    hospital_reduction: Decimal = Decimal(0)
    visit_date: date | None = None
    year_assistance: Decimal | None = None

    @property
    def advanced_by_hospital(self) -> Decimal:
        """医院垫付: what the window advanced (all it paid, for results before 医院减免 was split)."""
        return self.paid_at_window if self.advanced is None else self.advanced

    @property
    def stay_days(self) -> int | None:
        """住院天数: discharge minus admission date, a same-day stay counting as one day."""
        if self.admitted_on is None or self.discharged_on is None:
            return None
        return max((self.discharged_on - self.admitted_on).days, 1)

    @property
    def assistance_this_year(self) -> Decimal:
        """This year's assistance including this settlement (yuan), as the year's line counts it."""
        now = self.assistance if self.year_assistance is None else self.year_assistance
        return self.assistance_before + now


@dataclass(frozen=True)
class ReferralData:
    """湖南省农村贫困人口县域外就医转诊单, one case; ``poverty_identities`` holds the boxes to
    tick, by their printed names (建档立卡贫困户, 低保对象, 特困人员, 贫困残疾人)."""

    document_id: str
    policy: PolicyRef
    site: Site
    patient: Patient
    poverty_identities: frozenset[str]
    diagnosis: str
    receiving_hospital: str = ""
    referring_hospital: str = ""  # 转出医院; the site's hospital when empty
    applied_on: date | None = None


@dataclass(frozen=True)
class ChecklistItem:
    """One required material and what the window recorded for it; ``both_sides`` where the
    copy must show both sides, ``both_sides_copied`` when the window recorded that it does."""

    name: str
    clause: str
    original_sighted: bool = False
    copy_kept: bool = False
    scan_attached: bool = False
    both_sides: bool = False
    both_sides_copied: bool = False

    @property
    def done(self) -> bool:
        return self.copy_kept or self.scan_attached


@dataclass(frozen=True)
class PaidInto:
    """The bank account assistance is paid into, under the clause that says so (靖江 第二十三条
    打卡, 威海 四 发放到户); empty texts when the case has none recorded yet."""

    clause: str
    account_name: str = ""
    bank: str = ""
    card_number: str = ""


@dataclass(frozen=True)
class FilingLimit:
    """One filing deadline of the policy that applies to the case: within ``hours`` of
    admission or referral (``clause``), due at ``due``; ``met`` when the case was filed by then."""

    hours: int
    clause: str
    due: datetime
    met: bool


@dataclass(frozen=True)
class FilingTimes:
    """入院时间 and 备案时间 (when the window registered the case), with the deadlines."""

    admitted_at: datetime
    filed_at: datetime
    limits: tuple[FilingLimit, ...] = ()


@dataclass(frozen=True)
class Approval:
    """A written approval the case's facility needs (靖江 第十五条 市扶贫办书面同意): ``granted``
    as registered, with the referral's number."""

    name: str
    clause: str
    granted: bool
    reference: str = ""


@dataclass(frozen=True)
class ReferralRoute:
    """转出医院 and 转入医院 as registered ("" where not entered)."""

    referred_from: str
    referred_to: str


@dataclass(frozen=True)
class MaterialsData:
    """A claim's materials sheet with ticks from the checklist, e.g. 靖江 article 24 for a
    referral claim. ``checked_on`` is the day the checklist was last updated (None: blank)."""

    document_id: str
    policy: PolicyRef
    site: Site
    patient: Patient
    admission_number: str
    diagnosis: str
    items: tuple[ChecklistItem, ...]
    article: str = "第二十四条"
    sheet_title: str = "转诊报销材料清单"
    clerk: str = ""
    checked_on: date | None = None
    # Printed where the policy's paper entry asks (None: not on this sheet).
    filing: FilingTimes | None = None
    route: ReferralRoute | None = None
    approval: Approval | None = None
    paid_into: PaidInto | None = None


@dataclass(frozen=True)
class ApplicationData:
    """威海经区 困难群众医疗及重特大疾病救助申请表, filled from a case settled at year end.

    Attributes:
      year: the 年度 in the form's title.
      self_pay: 个人自负（合规）医疗费用, the assistance base (yuan).
      estimated_assistance: what the calculator computed, to be paid at year end (yuan).
      attachments: the materials of 三（二）with ticks from the checklist.
    """

    document_id: str
    policy: PolicyRef
    site: Site
    patient: Patient
    year: int
    household_address: str
    admission_number: str
    diagnosis: str
    admitted_on: date | None
    discharged_on: date | None
    total: Decimal
    basic_insurance: Decimal
    critical_illness: Decimal
    other_compensation: Decimal
    self_pay: Decimal
    estimated_assistance: Decimal
    attachments: tuple[ChecklistItem, ...]
    clauses: tuple[Clause, ...] = ()
    category_code: str = ""  # the contract's category code; ticks the form's class box
    # Who filled it in (三(一)): "self", "relative" or "guardian" ("" not recorded: the boxes
    # are left for the pen), and a relative's or guardian's name and relationship.
    filled_by_kind: str = ""
    filled_by: str = ""
    filled_by_relation: str = ""
    household_size: int | None = None  # 二(一)2,3: members of the household
    household_income: Decimal | None = None  # yuan a year
    paid_into: PaidInto | None = None  # 四 发放到户
