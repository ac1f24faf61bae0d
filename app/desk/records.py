"""What the desk hands the window and the CLI: plain records made from the store, never ORM rows.

Amounts are the strings the calculator returned; nothing here computes.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from app.vocabulary import DOCUMENT_STAGE_NAMES


@dataclass(frozen=True)
class SiteInfo:
    code: str
    name: str
    facility: str
    default_policy: str


@dataclass(frozen=True)
class CaseRow:
    """One line of the case table: an admission and its latest settlement (if any)."""

    admission_id: int
    person_id: int
    name: str
    id_number: str
    admission_number: str
    admitted_at: datetime
    discharged_at: datetime | None
    category: str
    policy_id: str
    department: str
    slip_number: str = ""
    voided: bool = False
    paid_at_window: str = ""
    kind: str = "inpatient"  # or "outpatient": one visit settled at the window (门诊结算)

    @property
    def status(self) -> str:
        if self.kind == "outpatient":
            if self.slip_number and not self.voided:
                return "门诊已结算"
            return "门诊已作废" if self.voided else "门诊"
        if self.discharged_at is None:
            return "在院"
        if self.slip_number and not self.voided:
            return "已结算"
        return "已作废待重算" if self.voided else "已出院"

    def touched_on(self, day: date) -> bool:
        return self.admitted_at.date() == day or (
            self.discharged_at is not None and self.discharged_at.date() == day
        )


@dataclass(frozen=True)
class ChecklistLine:
    item_id: int
    stage: str
    name: str
    clause: str
    note: str
    original_required: bool
    copy_required: bool
    both_sides: bool
    original_sighted: bool
    copy_kept: bool
    scan_sha256: str | None
    updated_by: str = ""
    updated_at: datetime | None = None
    both_sides_copied: bool = False

    @property
    def missing(self) -> bool:
        return (self.original_required and not self.original_sighted) or (
            self.copy_required and not self.copy_kept
        )

    @property
    def stage_name(self) -> str:
        return DOCUMENT_STAGE_NAMES.get(self.stage, self.stage)


@dataclass(frozen=True)
class SettlementLine:
    slip_number: str
    settled_at: datetime
    paid_at_window: str
    patient_pays: str
    voided: bool
    void_reason: str
    result: dict
    override_by: str = ""  # the supervisor who let missing papers through
    override_reason: str = ""


@dataclass(frozen=True)
class RosterAnswer:
    """What the roster says of an ID number on a day: ``state`` is on_roster/not_found/expired."""

    state: str
    text: str
    category: str | None = None


@dataclass
class CaseDetail:
    row: CaseRow
    sex: str
    birth_date: date
    facility: str
    insurance: str
    visit: str
    diagnosis: str
    checklist: list[ChecklistLine] = field(default_factory=list)
    settlements: list[SettlementLine] = field(default_factory=list)

    @property
    def live_settlement(self) -> SettlementLine | None:
        return next((s for s in reversed(self.settlements) if not s.voided), None)

    @property
    def missing_count(self) -> int:
        return sum(1 for line in self.checklist if line.missing)

    def late_copies(self) -> list[ChecklistLine]:
        """Papers completed after the live settlement (late copies), oldest first."""
        live = self.live_settlement
        if live is None:
            return []
        late = [
            line
            for line in self.checklist
            if line.updated_at is not None and line.updated_at >= live.settled_at
        ]
        return sorted(late, key=lambda line: line.updated_at)


@dataclass(frozen=True)
class DischargeCase:
    """One admission being settled, as shown in the dialog's header.

    ``year_to_date`` is the contract's object (amounts as strings) for earlier settlements of
    the person this year under the policy; the store fills it, the dialog passes it on.
    """

    key: str  # stable id for the draft file, e.g. "admission-12"
    policy_id: str
    policy_title: str
    patient_name: str
    id_number: str
    category: str
    visit: str
    insurance: str
    facility: str
    admitted_on: date
    admission_number: str = ""
    referral_approved: bool = False
    admission_id: int | None = None
    year_to_date: dict = field(default_factory=dict)
    missing_documents: tuple[str, ...] = ()
    # After a void: the voided settlement's slip number, amounts (strings), cause, disabling
    # and discharge time ("yyyy-MM-dd HH:mm"), so re-settling starts from what was typed.
    voided_claim: dict = field(default_factory=dict)
