"""The shape of a policy file (policies/<id>.toml), as frozen dataclasses (``app.policy.shape``).

Structure (types, unknown keys, ranges) is checked as the file is read (``shape.build``);
cross-references and overlaps are checked in ``app.policy.checks`` so every error can name
its exact key path.
Field-by-field documentation for county staff is in policies/README.md.
"""

from dataclasses import field
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from app.policy.shape import Limits, key, schema
from app.vocabulary import (
    Category,
    Cause,
    ClaimPeriod,
    DocumentStage,
    Facility,
    Fund,
    Insurance,
    PaperForm,
    Pool,
    SettleMode,
    Visit,
)

NotEmpty = Limits(min_length=1)
Amount = Annotated[Decimal, Limits(ge=0, whole_fen=True)]
Rate = Annotated[Decimal, Limits(ge=0, le=1, out_of_range="比率必须在0到1之间，实际为 {value}")]
Clause = Annotated[str, NotEmpty]
Name = Annotated[str, NotEmpty]
WorkingDays = Annotated[int, Limits(gt=0, le=60)]


@schema
class Cited:
    """Anything taken from the document: the clause it comes from and its words."""

    clause: Clause
    text: str = ""


@schema
class CategoryDef(Cited):
    """A class of beneficiaries; ``aliases`` are the other words the document (or the
    offices' rosters) use for it, e.g. 城乡低保对象 for 低保对象."""

    name: Name
    aliases: tuple[Name, ...] = ()
    certificates: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@schema
class VisitDef(Cited):
    pool: Pool
    # The policy assists this visit only for some illnesses (chronic, emergency …), so the
    # outpatient screen asks for the diagnosis, citing the visit's clause.
    diagnosis_required: bool = False


@schema
class InsuranceDef(Cited):
    types: Annotated[tuple[Insurance, ...], NotEmpty]


@schema
class BaseDef(Cited):
    includes_out_of_catalog: bool = False
    # Where the document names items it never assists (靖江 第二十一条(五)(六)(十)), the claim's
    # ``excluded`` amount is taken out of the base, citing this clause; elsewhere it is ignored.
    excluded: Cited | None = None


@schema
class ExclusionDef(Cited):
    causes: tuple[Cause, ...] = ()
    visits: tuple[Visit, ...] = ()
    # Only when the claim says the injury caused disability (台儿庄 三(二)1 “造成残疾的”).
    requires_disabling: bool = False


@schema
class CapDef(Cited):
    code: Name
    name: Name
    amount: Amount
    pools: Annotated[tuple[Pool, ...], NotEmpty]
    layer: str | None = None


@schema
class TierDef(Cited):
    from_: Amount = key("from")
    to: Amount | None = None
    rate: Rate


@schema
class RuleDef(Cited):
    layer: Name
    name: Name
    kind: Literal["tiers", "backstop"] = "tiers"
    categories: tuple[Category, ...] = ()
    visits: tuple[Visit, ...] = ()
    insurance: tuple[Insurance, ...] = ()
    facilities: tuple[Facility, ...] = ()
    deductible: Amount = Decimal(0)
    deductible_clause: str | None = None
    tiers: tuple[TierDef, ...] = ()
    patient_share: Rate | None = None
    # The backstop's rule (kind = "backstop"): the patient bears at most ``patient_share`` of
    # ``share_of`` (the whole bill, or the assistance base), and the backstop pays at most what
    # is left of the base ("remaining_base") or all the patient still bears ("patient_burden").
    share_of: Literal["total", "base"] = "total"
    backstop_covers: Literal["remaining_base", "patient_burden"] = "remaining_base"
    # Who bears this layer; "hospital" is the hospital's own reduction, never claimed back.
    fund: Fund = "medical_assistance"
    caps: tuple[str, ...] = ()


@schema
class SettleOverrideDef(Cited):
    mode: SettleMode
    categories: tuple[Category, ...] = ()
    visits: tuple[Visit, ...] = ()
    facilities: tuple[Facility, ...] = ()


@schema
class SettleDef(Cited):
    mode: SettleMode
    overrides: tuple[SettleOverrideDef, ...] = ()


@schema
class DocumentDef:
    code: Name
    name: Name
    original: bool = False
    copy_kept: bool = key("copy", False)
    both_sides: bool = False
    alternatives: tuple[str, ...] = ()
    clause: Clause
    note: str = ""


@schema
class DeadlineDef(Cited):
    event: Literal["admission", "referral"]
    hours: Annotated[int, Limits(gt=0)]
    facilities: tuple[Facility, ...] = ()


@schema
class ApplyByDef:
    """The last day to apply: ``month``/``day`` of the ``years_after``-th year after the
    stay's discharge (兰溪 三(二)3: 次年6月底 is years_after 1, month 6, day 30)."""

    years_after: Annotated[int, Limits(ge=0, le=5)]
    month: Annotated[int, Limits(ge=1, le=12)]
    day: Annotated[int, Limits(ge=1, le=31)]


@schema
class AfterDischargeDef(Cited):
    """Assistance paid after discharge (事后报销): which stays (``facilities`` /
    ``categories``, empty = any), the documents stage ticked at intake, and its deadlines in
    working days: reviewed within ``review_working_days`` of intake, paid within
    ``pay_working_days`` of the review's due date. ``kind`` ``year_end``: paid once a year
    after ``publicity_days`` of 公示 (names masked to the surname when ``mask_name``)."""

    kind: Literal["referred", "out_of_area", "manual", "year_end"]
    name: Name
    office: Name
    stage: DocumentStage | None = None
    facilities: tuple[Facility, ...] = ()
    categories: tuple[Category, ...] = ()
    review_working_days: WorkingDays
    pay_working_days: WorkingDays
    apply_by: ApplyByDef | None = None
    publicity_days: Annotated[int, Limits(ge=0, le=30)] = 0
    mask_name: bool = True


@schema
class ClaimPeriodDef(Cited):
    period: ClaimPeriod


@schema
class LargeExpenseDef(Cited):
    """A case whose total cost reaches ``amount`` (yuan) is flagged to the supervisor."""

    amount: Amount


@schema
class PaperDocumentsDef:
    """Which of the version's ``documents`` a form lists: those of ``stages`` (each code once,
    in file order), and with ``clause`` only those whose clause starts with it, by clause."""

    stages: Annotated[tuple[DocumentStage, ...], NotEmpty]
    clause: str = ""


@schema
class ApprovalDef(Cited):
    """A written approval a stay at some facilities needs before it is assisted (a form
    prints whether the case has it): ``name`` as printed, e.g. 市扶贫办书面同意."""

    name: Name
    facilities: Annotated[tuple[Facility, ...], NotEmpty]


@schema
class PaperDef(Cited):
    """A form the policy prints: ``form`` names its renderer, ``name`` is the form's name in
    the document, ``clause``/``text`` where the document asks for it.

    What a materials sheet prints besides the materials: ``bank_account`` (where assistance
    is paid by card: the case's account, under that clause), ``filing_times`` (admission and
    filing times against the version's ``deadlines``), ``referral_route`` (转出 / 转入医院)
    and ``approval`` (for the facilities it names). The application form prints the bank
    account under ``bank_account``'s clause."""

    form: PaperForm
    name: Name
    documents: PaperDocumentsDef | None = None
    bank_account: Cited | None = None
    filing_times: bool = False
    referral_route: bool = False
    approval: ApprovalDef | None = None


@schema
class SlipDef(Cited):
    """How the document calls the settlement slip (靖江 第二十四条(五): 精准医疗结算单)."""

    title: Name


@schema
class VersionDef:
    effective_from: date
    effective_to: date | None = None
    categories: Annotated[dict[Category, CategoryDef], NotEmpty]
    insurance: InsuranceDef
    visits: Annotated[dict[Visit, VisitDef], NotEmpty]
    referral: Cited
    base: BaseDef
    exclusions: tuple[ExclusionDef, ...] = ()
    caps: tuple[CapDef, ...] = ()
    rules: Annotated[tuple[RuleDef, ...], NotEmpty]
    settle: SettleDef
    claim_period: ClaimPeriodDef
    large_expense: LargeExpenseDef | None = None
    deadlines: tuple[DeadlineDef, ...] = ()
    documents: dict[DocumentStage, tuple[DocumentDef, ...]] = field(default_factory=dict)
    paper: tuple[PaperDef, ...] = ()
    slip: SlipDef | None = None
    after_discharge: tuple[AfterDischargeDef, ...] = ()
    notes: str = ""

    def cap(self, code: str) -> CapDef:
        return next(cap for cap in self.caps if cap.code == code)

    def paper_form(self, form: str) -> PaperDef | None:
        """The ``paper`` entry of ``form`` (a form name), or None if this version prints none."""
        return next((paper for paper in self.paper if paper.form == form), None)


NationalCode = Annotated[
    str, Limits(pattern=r"^[0-9A-Za-z]{1,12}$", pattern_says="应为1到12位字母或数字")
]


@schema
class NationalCodesDef:
    """A county's own national codes (``[national_codes]``), over app.national_codes'
    defaults: 险种, 医疗类别 and 基金支付类型 by our code, and its codes for its categories."""

    insutype: dict[Insurance, NationalCode] = field(default_factory=dict)
    med_type: dict[Visit, NationalCode] = field(default_factory=dict)
    fund_pay_type: dict[Fund, NationalCode] = field(default_factory=dict)
    category: dict[Category, NationalCode] = field(default_factory=dict)

    def as_tables(self) -> dict[str, dict[str, str]]:
        """Each table by its key (``insutype`` …), as app.national_codes takes them."""
        return {name: dict(getattr(self, name)) for name in self.__dataclass_fields__}


@schema
class PolicyDef:
    id: Name
    title: Name
    document_number: Name
    region: Name
    # The site's 6-digit GB/T 2260 administrative division (exports carry it as admdvs).
    region_code: Annotated[
        str, Limits(pattern=r"^([0-9]{6})?$", pattern_says="应为6位行政区划代码")
    ] = ""
    national_codes: NationalCodesDef = field(default_factory=NationalCodesDef)
    issuer: str = ""
    source: str = ""
    example_parameters: str = ""
    versions: Annotated[tuple[VersionDef, ...], NotEmpty]

    def version_on(self, day: date) -> VersionDef | None:
        """The version in force on ``day`` (effective_to is the last day in force)."""
        for version in self.versions:
            if version.effective_from <= day and (
                version.effective_to is None or day <= version.effective_to
            ):
                return version
        return None
