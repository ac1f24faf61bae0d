"""What goes into a claim bundle: the period's settlements of one site and policy, read from
the store into plain records, and their totals. Voided settlements are listed, never dropped,
and never counted in the totals."""

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType, SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.bundle.period import ClaimPeriod
from app.money import ZERO, D
from app.policy.funds import fund_of
from app.policy.schema import PolicyDef
from app.vocabulary import (
    AMOUNT_FIELDS,
    CATEGORY_NAMES,
    FUND_NAMES,
    HOSPITAL_FUND,
    SETTLE_MODE_NAMES,
    VISIT_NAMES,
)
from db.models import Admission, ChecklistItem, Person, Scan, Settlement

CLAIM_MONEY = AMOUNT_FIELDS
RESULT_MONEY = (
    "base",
    "assistance",
    "paid_at_window",
    "hospital_reduction",
    "advanced",
    "patient_pays",
)
MONEY_FIELDS = CLAIM_MONEY + RESULT_MONEY
# Results stored before 医院减免 was told apart: nothing was the hospital's own, all advanced.
_RESULT_DEFAULTS = {"hospital_reduction": "0", "advanced": None}


@dataclass(frozen=True)
class CaseScan:
    """A scan attached to a checklist item; ``file_name`` is its name inside the bundle."""

    stage: str
    item_code: str
    item_name: str
    sha256: str
    media_type: str
    size: int = 0  # bytes, as stored

    @property
    def file_name(self) -> str:
        extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
            self.media_type, "tif"
        )
        return f"{self.stage}-{self.item_code}.{extension}"


@dataclass(frozen=True)
class BundleCase:
    """One settlement as the bureau sees it. Money in yuan (Decimal)."""

    settlement_id: int
    slip_number: str
    settled_at: datetime
    person_name: str
    id_number: str
    category: str
    visit: str
    facility: str
    admission_number: str | None
    admitted_at: datetime | None
    discharged_at: datetime | None
    settle_mode: str | None
    eligible: bool
    voided: bool
    void_reason: str | None
    amounts: dict[str, Decimal]
    layers: tuple[tuple[str, Decimal], ...]
    scans: tuple[CaseScan, ...] = field(default=())
    funds: tuple[tuple[str, Decimal], ...] = ()
    category_label: str = ""  # the category's name in the policy file, where known
    # Copies the policy asks for: kept on paper only (listed in the bundle, handed in with
    # it), and neither scanned nor kept (the export warns).
    paper_copies: tuple[str, ...] = ()
    copies_missing: tuple[str, ...] = ()
    insurance: str = ""  # the contract's insurance code, for the national 险种 code

    @property
    def month(self) -> str:
        return self.settled_at.strftime("%Y-%m")

    @property
    def category_name(self) -> str:
        """As the policy file names it (湖南: 特困人员), else the common name."""
        return self.category_label or CATEGORY_NAMES.get(self.category, self.category)

    @property
    def visit_name(self) -> str:
        return VISIT_NAMES.get(self.visit, self.visit)

    @property
    def settle_mode_name(self) -> str:
        return SETTLE_MODE_NAMES.get(self.settle_mode or "", "不予救助")


def policy_category_names(policy: PolicyDef) -> dict[str, str]:
    """Each category code's name in the policy file (a later version's name wins)."""
    return {
        code: category.name
        for version in policy.versions
        for code, category in version.categories.items()
    }


def collect_cases(
    session: Session,
    site_code: str,
    policy_id: str,
    period: ClaimPeriod,
    category_names: Mapping[str, str] = MappingProxyType({}),
    funds: Mapping[str, str] = MappingProxyType({}),
) -> list[BundleCase]:
    """The period's settlements (by settlement time), oldest first, voided ones included;
    categories named by ``category_names`` (the policy file's, ``policy_category_names``);
    the layers of a result stored before they named their fund by ``funds`` (``layer_funds``)."""
    # Plain columns, not ORM objects: a quarter is thousands of rows, read once, never changed.
    query = (
        select(
            Settlement.id,
            Settlement.slip_number,
            Settlement.settled_at,
            Settlement.voided,
            Settlement.void_reason,
            Settlement.claim_json,
            Settlement.result_json,
            Person.name.label("person_name"),
            Person.id_number,
            Admission.id.label("admission_id"),
            Admission.admission_number,
            Admission.admitted_at,
            Admission.discharged_at,
        )
        .join(Person, Settlement.person_id == Person.id)
        .outerjoin(Admission, Settlement.admission_id == Admission.id)
        .where(
            Settlement.site_code == site_code,
            Settlement.policy_id == policy_id,
            Settlement.settled_at >= period.start,
            Settlement.settled_at < period.after_last,
        )
        .order_by(Settlement.settled_at, Settlement.id)
    )
    rows = session.execute(query).all()
    admission_ids = {row.admission_id for row in rows if row.admission_id is not None}
    scans = _scans_by_admission(session, admission_ids)
    copies = _unscanned_copies(session, admission_ids)
    return [
        _case_of_row(
            row,
            scans.get(row.admission_id, ()),
            category_names,
            paper_copies=copies.get((row.admission_id, True), ()),
            copies_missing=copies.get((row.admission_id, False), ()),
            funds=funds,
        )
        for row in rows
    ]


def _unscanned_copies(
    session: Session, admission_ids: set[int]
) -> dict[tuple[int, bool], tuple[str, ...]]:
    """(admission, kept on paper?) -> the names of the copies the checklist asks for that
    have no scan: those kept on paper, and those neither scanned nor kept."""
    if not admission_ids:
        return {}
    query = (
        select(ChecklistItem.admission_id, ChecklistItem.copy_kept, ChecklistItem.name)
        .where(
            ChecklistItem.admission_id.in_(admission_ids),
            ChecklistItem.copy_required.is_(True),
            ChecklistItem.scan_sha256.is_(None),
        )
        .order_by(ChecklistItem.admission_id, ChecklistItem.stage, ChecklistItem.id)
    )
    found: dict[tuple[int, bool], list[str]] = defaultdict(list)
    for admission_id, copy_kept, name in session.execute(query):
        found[(admission_id, bool(copy_kept))].append(name)
    return {key: tuple(names) for key, names in found.items()}


def _scans_by_admission(
    session: Session, admission_ids: set[int]
) -> dict[int, tuple[CaseScan, ...]]:
    if not admission_ids:
        return {}
    query = (
        select(
            ChecklistItem.admission_id,
            ChecklistItem.stage,
            ChecklistItem.document_code,
            ChecklistItem.name,
            Scan.sha256,
            Scan.media_type,
            Scan.size,
        )
        .join(Scan, ChecklistItem.scan_sha256 == Scan.sha256)
        .where(ChecklistItem.admission_id.in_(admission_ids))
        .order_by(ChecklistItem.admission_id, ChecklistItem.stage, ChecklistItem.id)
    )
    found: dict[int, list[CaseScan]] = defaultdict(list)
    for admission_id, *scan in session.execute(query):
        found[admission_id].append(CaseScan(*scan))
    return {key: tuple(value) for key, value in found.items()}


def case_from_orm(
    settlement: Settlement, person: Person, admission: Admission | None, scans: tuple[CaseScan, ...]
) -> BundleCase:
    """One settlement from its rows in the ORM (the daily close reads them so)."""
    row = SimpleNamespace(
        id=settlement.id,
        slip_number=settlement.slip_number,
        settled_at=settlement.settled_at,
        voided=settlement.voided,
        void_reason=settlement.void_reason,
        claim_json=settlement.claim_json,
        result_json=settlement.result_json,
        person_name=person.name,
        id_number=person.id_number,
        admission_number=admission.admission_number if admission else None,
        admitted_at=admission.admitted_at if admission else None,
        discharged_at=admission.discharged_at if admission else None,
    )
    return _case_of_row(row, scans, {}, paper_copies=(), copies_missing=())


def _case_of_row(
    row,
    scans: tuple[CaseScan, ...],
    category_names: Mapping[str, str],
    *,
    paper_copies: tuple[str, ...],
    copies_missing: tuple[str, ...],
    funds: Mapping[str, str] = MappingProxyType({}),
) -> BundleCase:
    """One settlement from ``collect_cases``'s row (its columns, its person's and its
    admission's, None without one)."""
    claim = json.loads(row.claim_json)
    result = json.loads(row.result_json)
    amounts = {key: D(claim.get(key) or "0") for key in CLAIM_MONEY}
    for key in RESULT_MONEY:
        value = result.get(key, _RESULT_DEFAULTS.get(key))
        amounts[key] = amounts["paid_at_window"] if value is None else D(value)
    return BundleCase(
        settlement_id=row.id,
        slip_number=row.slip_number,
        settled_at=row.settled_at,
        person_name=row.person_name,
        id_number=row.id_number,
        category=claim["category"],
        visit=claim["visit"],
        facility=claim["facility"],
        admission_number=row.admission_number,
        admitted_at=row.admitted_at,
        discharged_at=row.discharged_at,
        settle_mode=result.get("settle_mode"),
        eligible=bool(result.get("eligible")),
        voided=row.voided,
        void_reason=row.void_reason,
        amounts=amounts,
        layers=tuple((layer["name"], D(layer["amount"])) for layer in result.get("layers", [])),
        scans=scans,
        funds=_advanced_by_fund(result, funds),
        category_label=category_names.get(claim["category"], ""),
        paper_copies=paper_copies,
        copies_missing=copies_missing,
        insurance=str(claim.get("insurance") or ""),
    )


def _advanced_by_fund(
    result: dict, layer_funds: Mapping[str, str]
) -> tuple[tuple[str, Decimal], ...]:
    """What the window advanced, by the fund it claims it from (nothing unless instant)."""
    if result.get("settle_mode") != "instant":
        return ()
    funds: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for layer in result.get("layers", []):
        fund = fund_of(layer, layer_funds)
        if fund != HOSPITAL_FUND:
            funds[fund] += D(layer["amount"])
    return tuple(funds.items())


FEN_ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Totals:
    """Sums over the settlements that count (not voided). Money in yuan.

    Attributes:
      by_fund: what the window advanced, by the fund it claims it from (FUND_NAMES order);
        it adds up to ``sums["advanced"]``. 医院减免 is in ``sums["hospital_reduction"]`` only.
    """

    count: int
    sums: dict[str, Decimal]
    by_fund: dict[str, Decimal] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "count": self.count,
            **{key: str(value) for key, value in self.sums.items()},
            "by_fund": {fund: str(amount) for fund, amount in self.by_fund.items()},
        }


def totals(cases: Iterable[BundleCase]) -> Totals:
    counted = [case for case in cases if not case.voided]
    # Started at 0.00, not 0: a period whose settlements are all voided still writes "0.00".
    sums = {key: sum((case.amounts[key] for case in counted), FEN_ZERO) for key in MONEY_FIELDS}
    by_fund: dict[str, Decimal] = {}
    for case in counted:
        for fund, amount in case.funds:
            by_fund[fund] = by_fund.get(fund, ZERO) + amount
    ordered = {fund: by_fund[fund] for fund in FUND_NAMES if fund in by_fund}
    return Totals(len(counted), sums, ordered)


CLAIMED_LABEL = "合计申报（医院垫付）"


def fund_lines(grand: Totals) -> list[tuple[str, Decimal]]:
    """The report's 按资金 lines: each fund claimed, the claimed total, then (where there is
    one) the hospital's own reduction, named as not claimed."""
    lines = [(FUND_NAMES[fund], amount) for fund, amount in grand.by_fund.items()]
    lines.append((CLAIMED_LABEL, grand.sums["advanced"]))
    if grand.sums["hospital_reduction"]:
        lines.append((FUND_NAMES[HOSPITAL_FUND], grand.sums["hospital_reduction"]))
    return lines


def totals_by(cases: Iterable[BundleCase], key) -> dict[str, Totals]:
    groups: dict[str, list[BundleCase]] = defaultdict(list)
    for case in cases:
        if not case.voided:
            groups[key(case)].append(case)
    return {name: totals(group) for name, group in sorted(groups.items())}
