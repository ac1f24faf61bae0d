"""入院备案登记: eligibility up front, filing-deadline warnings, the admission and its checklist."""

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.forms import AdmissionInput, eligibility_errors, registration_errors
from app.policy.schema import VersionDef
from app.services import audit
from app.services.checklist import create_checklist
from app.services.errors import ServiceError, checked_text, refuse
from app.services.lengths import check_text
from app.services.people import (
    add_status,
    ensure_person,
    parse_category,
    roster_status_on,
)
from app.services.policies import Policies, find_policy
from app.services.records import typed_admission_number
from app.services.sites import current_site
from app.vocabulary import CATEGORY_NAMES, FACILITIES
from db import Store
from db.models import Admission, BeneficiaryStatus, Settlement

# Typed texts stored on the admission, each checked against its column's length.
_TEXTS = (
    "admission_number",
    "department",
    "diagnosis",
    "referral_number",
    "referral_from",
    "referral_to",
    "off_roster_reason",
)


@dataclass(frozen=True)
class Deadline:
    text: str
    clause: str
    due: datetime
    met: bool
    hours: int = 0


@dataclass
class Registration:
    admission_id: int
    person_id: int
    checklist_items: int
    warnings: list[str] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)


def filing_deadlines(
    version: VersionDef,
    facility: str,
    admitted_at: datetime,
    referral_at: datetime | None,
    now: datetime,
    referred: bool = False,
) -> list[Deadline]:
    """The policy's filing deadlines that apply; a referral's clock starts at the referral
    time, or at admission when a referred patient's referral time was not entered."""
    deadlines = []
    for rule in version.deadlines:
        if rule.facilities and facility not in rule.facilities:
            continue
        if rule.event == "admission":
            start = admitted_at
        else:
            start = referral_at or (admitted_at if referred else None)
        if start is None:
            continue
        due = start + timedelta(hours=rule.hours)
        event = "入院" if rule.event == "admission" else "转诊"
        text = rule.text or f"应在{event}后{rule.hours}小时内备案"
        deadlines.append(Deadline(text, rule.clause, due, now <= due, rule.hours))
    return deadlines


def register_admission(
    store: Store,
    form: AdmissionInput,
    *,
    clerk: str,
    site_code: str | None = None,
    policies: Policies | None = None,
    now: datetime | None = None,
) -> Registration:
    """Register an admission in one transaction; ServiceError (nothing saved) on bad input."""
    now = now or datetime.now()
    # The checks the form runs as the clerk types (app.forms), all at once, then the store's.
    refuse(registration_errors(form, now=now))
    for key in _TEXTS:
        check_text(key, getattr(form, key), getattr(Admission, key))
    check_text("certificate_type", form.certificate_type, BeneficiaryStatus.certificate_type)
    check_text("certificate_number", form.certificate_number, BeneficiaryStatus.certificate_number)
    category = parse_category(form.category)
    with store.write() as session:
        site = current_site(session, site_code)
        facility = form.facility or site.facility
        if facility not in FACILITIES:
            raise ServiceError("facility", f"“{facility}”不是已知的机构级别")
        loaded = find_policy(policies, form.policy or site.default_policy)
        version = loaded.definition.version_on(form.admitted_at.date())
        if version is None:
            raise ServiceError("policy", f"{loaded.definition.title}在入院日期不在有效期内")
        refuse(eligibility_errors(version, form, category, facility))
        person = ensure_person(session, form.person, clerk)
        number = typed_admission_number(form.admission_number)
        _refuse_duplicates(session, site.code, person.id, number)
        warnings = []
        on_roster = roster_status_on(session, person.id, form.admitted_at.date())
        reason = (form.off_roster_reason or "").strip()
        if on_roster is None:
            if not reason:
                raise ServiceError("off_roster_reason", "该人员不在当前救助名册中，须填写登记理由")
            add_status(
                session,
                person,
                category=category,
                source="窗口登记（不在名册）",
                clerk=clerk,
                certificate_type=form.certificate_type,
                certificate_number=form.certificate_number,
            )
            warnings.append(f"该人员不在当前救助名册中，已按理由登记：{reason}")
        elif on_roster.category != category:
            warnings.append(
                f"名册中的类别为“{CATEGORY_NAMES[on_roster.category]}”，"
                f"本次登记为“{CATEGORY_NAMES[category]}”"
            )
        referred = bool(form.referral_approved or (form.referral_number or "").strip())
        deadlines = filing_deadlines(
            version, facility, form.admitted_at, form.referral_at, now, referred
        )
        warnings += [
            f"已超过备案时限：{d.text}（{d.clause}），截止 {d.due:%Y-%m-%d %H:%M}"
            for d in deadlines
            if not d.met
        ]
        admission = Admission(
            person_id=person.id,
            site_code=site.code,
            admission_number=number,
            admitted_at=form.admitted_at,
            department=form.department.strip(),
            diagnosis=form.diagnosis.strip(),
            facility=facility,
            insurance=form.insurance,
            category=category,
            policy_id=loaded.id,
            visit=form.visit,
            referral_approved=bool(form.referral_approved),
            referral_number=(form.referral_number or "").strip() or None,
            referral_from=(form.referral_from or "").strip() or None,
            referral_to=(form.referral_to or "").strip() or None,
            referral_at=form.referral_at,
            off_roster_reason=reason or None,
            warnings_json=json.dumps(warnings, ensure_ascii=False),
            registered_at=now,
            registered_by=clerk,
        )
        session.add(admission)
        try:
            session.flush()
        except IntegrityError:
            # Another window registered the same person or number a moment ago.
            raise ServiceError(
                "admission", "该患者已有未出院的住院登记，或住院号已被使用"
            ) from None
        items = create_checklist(session, admission, version)
        audit.record(
            session,
            clerk=clerk,
            action="create",
            entity="admission",
            entity_id=admission.id,
            changes={
                "person_id": person.id,
                "admission_number": number,
                "admitted_at": form.admitted_at,
                "policy": loaded.id,
                "category": category,
                "facility": facility,
                "insurance": form.insurance,
                "off_roster_reason": reason or None,
                "warnings": warnings,
            },
        )
    return Registration(admission.id, person.id, items, warnings, deadlines)


def _refuse_duplicates(session, site_code: str, person_id: int, number: str) -> None:
    # In any case, as it is looked up (find_admission): zy001 beside ZY001 would be two stays
    # that one search cannot tell apart.
    taken = session.scalar(
        select(Admission).where(
            Admission.site_code == site_code,
            func.upper(Admission.admission_number) == number.upper(),
        )
    )
    if taken is not None:
        cancelled = "（该登记已撤销）" if taken.cancelled_at is not None else ""
        raise ServiceError("admission_number", f"住院号“{number}”已登记过{cancelled}")
    still_open = session.scalar(
        select(Admission).where(
            Admission.site_code == site_code,
            Admission.person_id == person_id,
            Admission.discharged_at.is_(None),
            Admission.cancelled_at.is_(None),
        )
    )
    if still_open is not None:
        raise ServiceError(
            "admission",
            f"该患者在本院已有未出院的住院登记（住院号 {still_open.admission_number}），"
            "须先出院结算",
        )


def cancel_admission(
    store: Store, admission_id: int, *, reason: str, clerk: str, now: datetime | None = None
) -> Admission:
    """Cancel an admission registered in error (audited); the person may then be registered
    again. A settled admission must have its settlement voided first."""
    now = now or datetime.now()
    if not checked_text(reason, "cancel_reason", required=False):
        raise ServiceError("cancel_reason", "撤销登记须填写理由")
    check_text("cancel_reason", reason, Admission.cancel_reason)
    with store.write() as session:
        admission = session.get(Admission, admission_id, with_for_update=True)
        if admission is None:
            raise ServiceError("admission", f"没有编号为 {admission_id} 的住院登记")
        if admission.cancelled_at is not None:
            raise ServiceError(
                "admission",
                f"住院号 {admission.admission_number} 的登记已于"
                f" {admission.cancelled_at:%Y-%m-%d %H:%M} 撤销",
            )
        settled = session.scalar(
            select(Settlement.slip_number).where(
                Settlement.admission_id == admission.id, Settlement.voided.is_(False)
            )
        )
        if settled is not None:
            raise ServiceError("admission", f"该住院已结算（结算单号 {settled}），须先作废结算")
        admission.cancelled_at = now
        admission.cancelled_by = clerk
        admission.cancel_reason = reason.strip()
        audit.record(
            session,
            clerk=clerk,
            action="cancel",
            entity="admission",
            entity_id=admission.id,
            changes={"reason": reason.strip()},
            at=now,
        )
    return admission
