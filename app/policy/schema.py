"""The shape of a policy file (policies/<id>.toml), as immutable pydantic models.

Structure (types, unknown keys, ranges) is checked here; cross-references and overlaps are
checked in ``app.policy.checks`` so every error can name its exact key path.
Field-by-field documentation for county staff is in policies/README.md.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

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


def _int_to_decimal(value: object) -> object:
    # TOML integers arrive as int; TOML floats are parsed straight to Decimal by the loader.
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


def _list_to_tuple(value: object) -> object:
    # TOML arrays arrive as lists; rule objects hold tuples so they stay immutable.
    return tuple(value) if isinstance(value, list) else value


def Seq(item: object) -> object:
    return Annotated[tuple[item, ...], BeforeValidator(_list_to_tuple)]


Amount = Annotated[Decimal, BeforeValidator(_int_to_decimal), Field(ge=0)]
Rate = Annotated[Decimal, BeforeValidator(_int_to_decimal), Field(ge=0, le=1)]
Clause = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)


class Cited(Strict):
    """Anything taken from the document: the clause it comes from and its words."""

    clause: Clause
    text: str = ""


class CategoryDef(Cited):
    """A class of beneficiaries; ``aliases`` are the other words the document (or the
    offices' rosters) use for it, e.g. 城乡低保对象 for 低保对象."""

    name: str = Field(min_length=1)
    aliases: Seq(Annotated[str, Field(min_length=1)]) = ()
    certificates: Seq(str) = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class VisitDef(Cited):
    pool: Pool
    # The policy assists this visit only for some illnesses (chronic, emergency …), so the
    # outpatient screen asks for the diagnosis, citing the visit's clause.
    diagnosis_required: bool = False


class InsuranceDef(Cited):
    types: Seq(Insurance) = Field(min_length=1)


class BaseDef(Cited):
    includes_out_of_catalog: bool = False
    # Where the document names items it never assists (靖江 第二十一条(五)(六)(十)), the claim's
    # ``excluded`` amount is taken out of the base, citing this clause; elsewhere it is ignored.
    excluded: Cited | None = None


class ExclusionDef(Cited):
    causes: Seq(Cause) = ()
    visits: Seq(Visit) = ()
    # Only when the claim says the injury caused disability (台儿庄 三(二)1 “造成残疾的”).
    requires_disabling: bool = False


class CapDef(Cited):
    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    amount: Amount
    pools: Seq(Pool) = Field(min_length=1)
    layer: str | None = None


class TierDef(Cited):
    from_: Amount = Field(alias="from")
    to: Amount | None = None
    rate: Rate


class RuleDef(Cited):
    layer: str = Field(min_length=1)
    name: str = Field(min_length=1)
    kind: Literal["tiers", "backstop"] = "tiers"
    categories: Seq(Category) = ()
    visits: Seq(Visit) = ()
    insurance: Seq(Insurance) = ()
    facilities: Seq(Facility) = ()
    deductible: Amount = Decimal(0)
    deductible_clause: str | None = None
    tiers: Seq(TierDef) = ()
    patient_share: Rate | None = None
    # The backstop's rule (kind = "backstop"): the patient bears at most ``patient_share`` of
    # ``share_of`` (the whole bill, or the assistance base), and the backstop pays at most what
    # is left of the base ("remaining_base") or all the patient still bears ("patient_burden").
    share_of: Literal["total", "base"] = "total"
    backstop_covers: Literal["remaining_base", "patient_burden"] = "remaining_base"
    # Who bears this layer; "hospital" is the hospital's own reduction, never claimed back.
    fund: Fund = "medical_assistance"
    caps: Seq(str) = ()


class SettleOverrideDef(Cited):
    mode: SettleMode
    categories: Seq(Category) = ()
    visits: Seq(Visit) = ()
    facilities: Seq(Facility) = ()


class SettleDef(Cited):
    mode: SettleMode
    overrides: Seq(SettleOverrideDef) = ()


class DocumentDef(Strict):
    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    original: bool = False
    copy_kept: bool = Field(default=False, alias="copy")
    both_sides: bool = False
    alternatives: Seq(str) = ()
    clause: Clause
    note: str = ""


class DeadlineDef(Cited):
    event: Literal["admission", "referral"]
    hours: int = Field(gt=0)
    facilities: Seq(Facility) = ()


class ApplyByDef(Strict):
    """The last day to apply: ``month``/``day`` of the ``years_after``-th year after the
    stay's discharge (兰溪 三(二)3: 次年6月底 is years_after 1, month 6, day 30)."""

    years_after: int = Field(ge=0, le=5)
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)


class AfterDischargeDef(Cited):
    """Assistance paid after discharge (事后报销): which stays (``facilities`` /
    ``categories``, empty = any), the documents stage ticked at intake, and its deadlines in
    working days: reviewed within ``review_working_days`` of intake, paid within
    ``pay_working_days`` of the review's due date. ``kind`` ``year_end``: paid once a year
    after ``publicity_days`` of 公示 (names masked to the surname when ``mask_name``)."""

    kind: Literal["referred", "out_of_area", "manual", "year_end"]
    name: str = Field(min_length=1)
    office: str = Field(min_length=1)
    stage: DocumentStage | None = None
    facilities: Seq(Facility) = ()
    categories: Seq(Category) = ()
    review_working_days: int = Field(gt=0, le=60)
    pay_working_days: int = Field(gt=0, le=60)
    apply_by: ApplyByDef | None = None
    publicity_days: int = Field(default=0, ge=0, le=30)
    mask_name: bool = True


class ClaimPeriodDef(Cited):
    period: ClaimPeriod


class LargeExpenseDef(Cited):
    """A case whose total cost reaches ``amount`` (yuan) is flagged to the supervisor."""

    amount: Amount


class PaperDocumentsDef(Strict):
    """Which of the version's ``documents`` a form lists: those of ``stages`` (each code once,
    in file order), and with ``clause`` only those whose clause starts with it, by clause."""

    stages: Seq(DocumentStage) = Field(min_length=1)
    clause: str = ""


class ApprovalDef(Cited):
    """A written approval a stay at some facilities needs before it is assisted (a form
    prints whether the case has it): ``name`` as printed, e.g. 市扶贫办书面同意."""

    name: str = Field(min_length=1)
    facilities: Seq(Facility) = Field(min_length=1)


class PaperDef(Cited):
    """A form the policy prints: ``form`` names its renderer, ``name`` is the form's name in
    the document, ``clause``/``text`` where the document asks for it.

    What a materials sheet prints besides the materials: ``bank_account`` (where assistance
    is paid by card: the case's account, under that clause), ``filing_times`` (admission and
    filing times against the version's ``deadlines``), ``referral_route`` (转出 / 转入医院)
    and ``approval`` (for the facilities it names). The application form prints the bank
    account under ``bank_account``'s clause."""

    form: PaperForm
    name: str = Field(min_length=1)
    documents: PaperDocumentsDef | None = None
    bank_account: Cited | None = None
    filing_times: bool = False
    referral_route: bool = False
    approval: ApprovalDef | None = None


class SlipDef(Cited):
    """How the document calls the settlement slip (靖江 第二十四条(五): 精准医疗结算单)."""

    title: str = Field(min_length=1)


class VersionDef(Strict):
    effective_from: date
    effective_to: date | None = None
    categories: dict[Category, CategoryDef] = Field(min_length=1)
    insurance: InsuranceDef
    visits: dict[Visit, VisitDef] = Field(min_length=1)
    referral: Cited
    base: BaseDef
    exclusions: Seq(ExclusionDef) = ()
    caps: Seq(CapDef) = ()
    rules: Seq(RuleDef) = Field(min_length=1)
    settle: SettleDef
    claim_period: ClaimPeriodDef
    large_expense: LargeExpenseDef | None = None
    deadlines: Seq(DeadlineDef) = ()
    documents: dict[DocumentStage, Seq(DocumentDef)] = {}
    paper: Seq(PaperDef) = ()
    slip: SlipDef | None = None
    after_discharge: Seq(AfterDischargeDef) = ()
    notes: str = ""

    def cap(self, code: str) -> CapDef:
        return next(cap for cap in self.caps if cap.code == code)

    def paper_form(self, form: str) -> PaperDef | None:
        """The ``paper`` entry of ``form`` (a form name), or None if this version prints none."""
        return next((paper for paper in self.paper if paper.form == form), None)


NationalCode = Annotated[str, Field(pattern=r"^[0-9A-Za-z]{1,12}$")]


class NationalCodesDef(Strict):
    """A county's own national codes (``[national_codes]``), over app.national_codes'
    defaults: 险种, 医疗类别 and 基金支付类型 by our code, and its codes for its categories."""

    insutype: dict[Insurance, NationalCode] = {}
    med_type: dict[Visit, NationalCode] = {}
    fund_pay_type: dict[Fund, NationalCode] = {}
    category: dict[Category, NationalCode] = {}


class PolicyDef(Strict):
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    document_number: str = Field(min_length=1)
    region: str = Field(min_length=1)
    # The site's 6-digit GB/T 2260 administrative division (exports carry it as admdvs).
    region_code: str = Field(default="", pattern=r"^([0-9]{6})?$")
    national_codes: NationalCodesDef = NationalCodesDef()
    issuer: str = ""
    source: str = ""
    example_parameters: str = ""
    versions: Seq(VersionDef) = Field(min_length=1)

    def version_on(self, day: date) -> VersionDef | None:
        """The version in force on ``day`` (effective_to is the last day in force)."""
        for version in self.versions:
            if version.effective_from <= day and (
                version.effective_to is None or day <= version.effective_to
            ):
                return version
        return None
