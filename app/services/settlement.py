"""Discharge and outpatient settlement: year-to-date, the calculator, the stored record.

A settlement row keeps the claim sent to the calculator, its result and steps, and the policy
file's hash, so it can be shown and reprinted exactly as it was. It is never edited or deleted:
``void_settlement`` marks it void with a reason, and the case can then be settled again.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.forms import FUTURE_TOLERANCE, Amounts, amount_errors
from app.money import AmountError, parse_amount
from app.policy import LoadedPolicy
from app.services import audit
from app.services.access import SUPERVISOR, Actor, actor_name, check_role
from app.services.checklist import describe_missing, missing_items
from app.services.errors import ServiceError, checked_text, refuse
from app.services.lengths import check_text
from app.services.number_floors import refuse_while_restore_owed
from app.services.people import PersonInput, ensure_person, parse_category, roster_status_on
from app.services.policies import Policies, find_policy
from app.services.policy_hashes import check_policy_approved
from app.services.sites import current_site
from app.services.slips import next_slip_number
from app.services.stays import live_stays_overlapping
from app.services.year_to_date import contract_year_to_date, counted_after, named_records
from app.settlement import ClaimError, check_year_to_date, parse_request, settle
from app.vocabulary import CAUSES, FACILITIES, INSURANCES, VISITS
from db import Store
from db.models import Admission, Person, Settlement, Site


@dataclass
class DischargeInput:
    admission_id: int
    discharged_at: datetime
    amounts: Amounts
    cause: str | None = None
    disabling: bool = False
    # The insurance platform's figures the form was filled with (field -> yuan string), if any:
    # the settlement's audit entry names them and each one the clerk changed.
    imported: dict[str, str] | None = None


@dataclass
class OutpatientInput:
    """An outpatient visit settled without an admission. Empty policy/facility: site defaults."""

    person: PersonInput
    visit_date: date
    visit: str
    category: str
    insurance: str
    amounts: Amounts
    facility: str | None = None
    policy: str | None = None
    referral_approved: bool = False
    cause: str | None = None
    disabling: bool = False
    off_roster_reason: str | None = None


@dataclass(frozen=True)
class Override:
    """A supervisor letting a settlement through with papers missing, and why. ``supervisor``
    is their own signed-in session (a bare name only in setup mode, before any account)."""

    supervisor: Actor
    reason: str

    @property
    def by(self) -> str:
        """The supervisor's name, as the settlement and the audit trail record it."""
        return actor_name(self.supervisor)


def check_amounts(amounts: Amounts) -> dict[str, Decimal]:
    """Parse the bill (app.forms, as the discharge form does); ServiceErrors naming each
    bad field."""
    parsed, errors = amount_errors(amounts)
    refuse(errors)
    return parsed


def _check_cause(cause: str | None) -> None:
    if cause is not None and cause not in CAUSES:
        raise ServiceError("cause", f"“{cause}”不是已知的伤病原因")


def settle_discharge(
    store: Store,
    form: DischargeInput,
    *,
    clerk: str,
    override: Override | None = None,
    policies: Policies | None = None,
    now: datetime | None = None,
) -> Settlement:
    """Settle an admission at discharge in one transaction; returns the stored settlement."""
    now = now or datetime.now()
    amounts = check_amounts(form.amounts)
    _check_cause(form.cause)
    _check_override(override)
    if not isinstance(form.discharged_at, datetime):
        raise ServiceError("discharged_at", "应为日期和时间")
    if form.discharged_at > now + FUTURE_TOLERANCE:
        raise ServiceError("discharged_at", "出院时间晚于当前时间")
    with store.write() as session:
        admission = session.get(Admission, form.admission_id, with_for_update=True)
        if admission is None:
            raise ServiceError("admission", f"没有编号为 {form.admission_id} 的住院登记")
        if admission.cancelled_at is not None:
            raise ServiceError("admission", f"住院号 {admission.admission_number} 的登记已撤销")
        if admission.kind == "outpatient":
            raise ServiceError(
                "admission", "这是门诊结算记录，不能办理出院结算；门诊请用“门诊结算”"
            )
        if form.discharged_at < admission.admitted_at:
            raise ServiceError(
                "discharged_at",
                f"出院时间早于入院时间（{admission.admitted_at:%Y-%m-%d %H:%M}）",
            )
        settled = _live_settlement(session, admission.id)
        if settled is not None:
            raise ServiceError(
                "admission", f"该住院已结算（结算单号 {settled.slip_number}），如需重算请先作废"
            )
        session.execute(select(Person.id).where(Person.id == admission.person_id).with_for_update())
        _refuse_a_stay_paid_already(
            session, admission.person_id, admission.admitted_at.date(), form.discharged_at.date()
        )
        missing = [describe_missing(item) for item in missing_items(session, admission.id)]
        if missing and override is None:
            raise ServiceError(
                "checklist", f"材料不全：{'；'.join(missing)}。请补齐，或由主管填写理由放行"
            )
        if admission.discharged_at != form.discharged_at:
            audit.record(
                session,
                clerk=clerk,
                action="change",
                entity="admission",
                entity_id=admission.id,
                changes={"discharged_at": [admission.discharged_at, form.discharged_at]},
            )
            admission.discharged_at = form.discharged_at
        claim = {
            "policy": admission.policy_id,
            "date": form.discharged_at.date().isoformat(),
            "category": admission.category,
            "visit": admission.visit,
            "insurance": admission.insurance,
            "facility": admission.facility,
            "referral_approved": admission.referral_approved,
            "cause": form.cause,
            "disabling": bool(form.disabling),
            **{key: str(value) for key, value in amounts.items()},
        }
        site = session.get(Site, admission.site_code)
        loaded = find_policy(policies, admission.policy_id)
        return _record(
            session,
            site=site,
            person_id=admission.person_id,
            admission_id=admission.id,
            loaded=loaded,
            claim=claim,
            clerk=clerk,
            now=now,
            override=override if missing else None,
            missing=missing,
            imported=_imported_changes(form.imported, amounts),
        )


def _imported_changes(imported: dict[str, str] | None, amounts: dict[str, Decimal]) -> dict:
    """What the audit keeps of imported figures: them, and [imported, settled] for each the
    clerk changed (an empty field counts as 0)."""
    if not imported:
        return {}
    figures = {}
    for key, value in imported.items():
        if key not in Amounts.__dataclass_fields__:
            raise ServiceError("imported", f"“{key}”不是结算金额")
        try:
            figures[key] = parse_amount(value)
        except AmountError as exc:
            raise ServiceError(key, f"导入的金额有误：{exc.reason}") from None
    changed = {
        key: [str(value), str(amounts.get(key, Decimal(0)))]
        for key, value in figures.items()
        if key in imported and value != amounts.get(key, Decimal(0))
    }
    return {
        "imported_figures": {key: imported[key] for key in sorted(imported)},
        "changed_from_import": changed,
    }


def settle_outpatient(
    store: Store,
    form: OutpatientInput,
    *,
    clerk: str,
    site_code: str | None = None,
    policies: Policies | None = None,
    now: datetime | None = None,
) -> Settlement:
    """Settle an outpatient visit (no admission) in one transaction."""
    now = now or datetime.now()
    amounts = check_amounts(form.amounts)
    _check_cause(form.cause)
    checked_text(form.off_roster_reason, "off_roster_reason", required=False)
    check_text("off_roster_reason", form.off_roster_reason, Admission.off_roster_reason)
    category = parse_category(form.category)
    if form.visit not in VISITS or form.visit == "inpatient":
        raise ServiceError("visit", "门诊结算的就诊类型应为门诊或急诊")
    if form.insurance not in INSURANCES:
        raise ServiceError("insurance", "应为城乡居民医保或职工医保")
    if not isinstance(form.visit_date, date) or isinstance(form.visit_date, datetime):
        raise ServiceError("date", "应为日期")
    if form.visit_date > now.date():
        raise ServiceError("date", "就诊日期晚于今天")
    with store.write() as session:
        site = current_site(session, site_code)
        facility = form.facility or site.facility
        if facility not in FACILITIES:
            raise ServiceError("facility", f"“{facility}”不是已知的机构级别")
        loaded = find_policy(policies, form.policy or site.default_policy)
        person = ensure_person(session, form.person, clerk)
        reason = (form.off_roster_reason or "").strip()
        if roster_status_on(session, person.id, form.visit_date) is None and not reason:
            raise ServiceError("off_roster_reason", "该人员不在当前救助名册中，须填写理由")
        claim = {
            "policy": loaded.id,
            "date": form.visit_date.isoformat(),
            "category": category,
            "visit": form.visit,
            "insurance": form.insurance,
            "facility": facility,
            "referral_approved": bool(form.referral_approved),
            "cause": form.cause,
            "disabling": bool(form.disabling),
            **{key: str(value) for key, value in amounts.items()},
        }
        return _record(
            session,
            site=site,
            person_id=person.id,
            admission_id=None,
            loaded=loaded,
            claim=claim,
            clerk=clerk,
            now=now,
            override=None,
            missing=[],
            off_roster_reason=reason or None,
        )


def _dump(value: dict | list) -> str:
    # Key order kept as the calculator wrote it: the stored result reads like the contract.
    return json.dumps(value, ensure_ascii=False)


def _check_override(override: Override | None) -> None:
    if override is None:
        return
    if not checked_text(override.by, "supervisor", required=False):
        raise ServiceError("supervisor", "放行须由主管署名")
    if not checked_text(override.reason, "override_reason", required=False):
        raise ServiceError("override_reason", "主管放行须填写理由")
    check_text("supervisor", override.by, Settlement.override_by)
    check_text("override_reason", override.reason, Settlement.override_reason)


def _live_settlement(session: Session, admission_id: int) -> Settlement | None:
    query = select(Settlement).where(
        Settlement.admission_id == admission_id, Settlement.voided.is_(False)
    )
    return session.scalar(query.limit(1))


def _record(
    session: Session,
    *,
    site: Site,
    person_id: int,
    admission_id: int | None,
    loaded: LoadedPolicy,
    claim: dict,
    clerk: str,
    now: datetime,
    override: Override | None,
    missing: list[str],
    off_roster_reason: str | None = None,
    slip_number: str | None = None,
    imported: dict | None = None,
) -> Settlement:
    # Lock the person so two windows cannot both count the same year-to-date (PostgreSQL);
    # SQLite's write transaction already runs alone.
    session.execute(select(Person.id).where(Person.id == person_id).with_for_update())
    refuse_while_restore_owed(session, "admission" if admission_id else "date", "结算")
    check_policy_approved(session, loaded)
    claim_date = date.fromisoformat(claim["date"])
    request = {
        **claim,
        "year_to_date": contract_year_to_date(session, person_id, loaded, claim_date),
    }
    try:
        parsed_claim, parsed_ytd = parse_request(request)
        check_year_to_date(loaded.definition, parsed_claim, parsed_ytd)
    except ClaimError as exc:
        raise ServiceError(exc.field, exc.message) from None
    result = settle(loaded.definition, parsed_claim, parsed_ytd)
    output = result.to_json()
    slip_number = slip_number or next_slip_number(session, site.code, now.year)
    row = Settlement(
        slip_number=slip_number,
        site_code=site.code,
        person_id=person_id,
        admission_id=admission_id,
        policy_id=loaded.id,
        policy_version=result.policy_version,
        policy_sha256=loaded.sha256,
        claim_date=claim_date,
        year=claim_date.year,
        visit=claim["visit"],
        pool=result.pool,
        eligible=result.eligible,
        total=parsed_claim.total,
        base=result.base,
        assistance=result.assistance,
        paid_at_window=result.paid_at_window,
        patient_pays=result.patient_pays,
        claim_json=_dump(request),
        result_json=_dump(output),
        steps_json=_dump(output["steps"]),
        override_by=override.by if override else None,
        override_reason=override.reason.strip() if override else None,
        missing_documents_json=audit.to_json(missing),
        settled_at=now,
        settled_by=clerk,
        voided=False,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        clerk=clerk,
        action="create",
        entity="settlement",
        entity_id=slip_number,
        changes={
            "person_id": person_id,
            "admission_id": admission_id,
            "policy": loaded.id,
            "policy_version": result.policy_version,
            "assistance": result.assistance,
            "paid_at_window": result.paid_at_window,
            "off_roster_reason": off_roster_reason,
            **(imported or {}),
        },
        at=now,
    )
    if override is not None:
        check_role(
            session,
            override.supervisor,
            SUPERVISOR,
            doing="放行缺少材料的结算",
            field="supervisor",
            now=now,
        )
        audit.record(
            session,
            clerk=override.by,
            action="override",
            entity="settlement",
            entity_id=slip_number,
            changes={"missing": missing, "reason": override.reason.strip(), "clerk": clerk},
            at=now,
        )
    return row


def void_settlement(
    store: Store,
    slip_number: str,
    *,
    reason: str,
    clerk: Actor,
    asked_by: str | None = None,
    now: datetime | None = None,
) -> Settlement:
    """Mark a settlement void with a reason (audited); the case may then be settled again.
    ``clerk`` is the supervisor's signed-in session (a bare name only in setup mode);
    ``asked_by``, the one signed in at the window where the supervisor gave their password,
    is named on the trail beside them."""
    now = now or datetime.now()
    if not checked_text(reason, "void_reason", required=False):
        raise ServiceError("void_reason", "作废须填写理由")
    check_text("void_reason", reason, Settlement.void_reason)
    with store.write() as session:
        clerk = check_role(session, clerk, SUPERVISOR, doing="作废结算", field="clerk", now=now)
        row = session.scalar(
            select(Settlement)
            .where(Settlement.slip_number == (slip_number or "").strip().upper())
            .with_for_update()
        )
        if row is None:
            raise ServiceError("slip_number", f"没有结算单号为“{slip_number}”的结算")
        if row.voided:
            raise ServiceError(
                "slip_number", f"结算单 {row.slip_number} 已于 {row.voided_at:%Y-%m-%d %H:%M} 作废"
            )
        if row.claimed_bundle:
            raise ServiceError(
                "slip_number",
                f"结算单 {row.slip_number} 已在申报包 {row.claimed_bundle} 中申报，不能作废",
            )
        _refuse_if_a_year_end_claim_pays(session, row)
        _refuse_if_later_records_counted_it(session, row)
        row.voided = True
        row.void_reason = reason.strip()
        row.voided_by = clerk
        row.voided_at = now
        audit.record(
            session,
            clerk=clerk,
            action="void",
            entity="settlement",
            entity_id=row.slip_number,
            changes={
                "reason": reason.strip(),
                **({"asked_by": asked_by} if asked_by and asked_by != clerk else {}),
            },
            at=now,
        )
    return row


def _refuse_if_later_records_counted_it(session: Session, row: Settlement) -> None:
    """A later settlement or 事后报销 claim of the person's year was computed on top of this one
    (deductible, tiers, caps): voided and settled again, this one would count that later one in
    its turn, and the same band would be paid twice. Corrections go from the newest back."""
    slips, claims = counted_after(session, row.person_id, row.policy_id, row.year, row.slip_number)
    if slips or claims:
        raise ServiceError(
            "slip_number",
            f"结算单 {row.slip_number} 之后，该人员本年已有{named_records(slips, claims)}，其起付线、"
            "分段比例和年度限额都按本单累计计算：请先从最新的一笔起作废这些结算"
            f"{'（事后报销须在审核时退回，已审核的不能退回）' if claims else ''}，再作废本单，"
            "然后按时间顺序重新结算",
        )


def _refuse_a_stay_paid_already(session: Session, person_id: int, admitted, discharged) -> None:
    """No slip for a stay already settled or taken in as 事后报销 (app.services.stays); the
    admission's own live slip is refused before this, with its own words."""
    from app.services.paid_later import RECEIVED, STATUS_NAMES

    for stay in live_stays_overlapping(session, person_id, admitted, discharged):
        if stay.settled:
            raise ServiceError(
                "discharged_at",
                f"住院日期与已结算的住院重叠（结算单号 {stay.number}，{stay.days()}），"
                "同一次住院不能重复结算",
            )
        then = "；如应在窗口结算，请先在审核时退回该报销" if stay.status == RECEIVED else ""
        raise ServiceError(
            "admission",
            f"该次住院已受理事后报销（报销单号 {stay.number}，{stay.hospital}，{stay.days()}，"
            f"{STATUS_NAMES[stay.status]}），不能再在窗口结算{then}",
        )


def _refuse_if_a_year_end_claim_pays(session: Session, row: Settlement) -> None:
    """A slip a 威海 year-end claim pays keeps its amount in that claim: voiding it would pay
    the voided amount and never the corrected one."""
    # paid_later builds on this module, so it is imported here.
    from app.services.paid_later import RECEIVED, STATUS_NAMES, year_end_claim_paying

    claim = year_end_claim_paying(session, row)
    if claim is None:
        return
    if claim.status == RECEIVED:
        then = "如需更正，请先在“事后报销”审核时退回该申请，再作废、重新结算并重新生成年底救助"
    else:
        then = "该申请已审核，不能再作废其中的结算单"
    state = STATUS_NAMES[claim.status]
    raise ServiceError(
        "slip_number",
        f"结算单 {row.slip_number} 已列入年底统一救助申请 {claim.claim_number}（{state}）：{then}",
    )


def result_of(row: Settlement) -> dict:
    """The stored result JSON of a settlement, exactly as computed."""
    return json.loads(row.result_json)
