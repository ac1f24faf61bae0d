"""门诊结算: one outpatient visit settled at the window, with its own checklist and slip.

The visit is kept as an admission row of kind ``outpatient`` (visit date in ``admitted_at`` and
``discharged_at``, its diagnosis, the policy's ``outpatient`` papers as its checklist) and is
settled in the same transaction through the one settlement table and the one slip-number
sequence. So an outpatient slip is found by scanning it, shows in the person's records, and is
reprinted and voided exactly like an inpatient one, with no second table to keep in step.
Its 住院号 is ``门诊-<slip number>``: the site's own, never one the hospital issued.
"""

import json
from datetime import datetime, time

from sqlalchemy.exc import IntegrityError

from app.forms import OutpatientVisitInput, outpatient_errors, text_errors
from app.services import audit
from app.services.checklist import describe_missing, is_missing
from app.services.errors import ServiceError, refuse
from app.services.lengths import check_text
from app.services.people import add_status, ensure_person, parse_category, roster_status_on
from app.services.policies import Policies, find_policy
from app.services.settlement import (
    Override,
    _check_cause,
    _check_override,
    _record,
    check_amounts,
)
from app.services.sites import current_site
from app.services.slips import next_slip_number
from app.vocabulary import FACILITIES
from db import Store
from db.models import Admission, ChecklistItem, Settlement

OUTPATIENT = "outpatient"
NUMBER_PREFIX = "门诊-"


def settle_outpatient_visit(
    store: Store,
    form: OutpatientVisitInput,
    *,
    clerk: str,
    override: Override | None = None,
    site_code: str | None = None,
    policies: Policies | None = None,
    now: datetime | None = None,
) -> Settlement:
    """Record and settle one outpatient visit in one transaction; ServiceError (nothing
    saved) on bad input, or when papers are missing and no supervisor let them through."""
    now = now or datetime.now()
    amounts = check_amounts(form.amounts)
    _check_cause(form.cause)
    _check_override(override)
    # As registration checks them (app.forms): "\u200b" is not a diagnosis the policy asks for.
    texts = {key: getattr(form, key) for key in ("diagnosis", "department", "off_roster_reason")}
    refuse(list(text_errors(texts)))
    for key, value in texts.items():
        check_text(key, value, getattr(Admission, key))
    category = parse_category(form.category)
    if isinstance(form.visit_date, datetime) or not hasattr(form.visit_date, "isoformat"):
        raise ServiceError("visit_date", "应为日期")
    if form.visit_date > now.date():
        raise ServiceError("visit_date", "就诊日期晚于今天")
    with store.write() as session:
        site = current_site(session, site_code)
        facility = form.facility or site.facility
        if facility not in FACILITIES or facility == "outside":
            raise ServiceError("facility", "门诊结算只办理本院（定点医疗机构）的门诊")
        loaded = find_policy(policies, form.policy or site.default_policy)
        version = loaded.definition.version_on(form.visit_date)
        if version is None:
            raise ServiceError("policy", f"{loaded.definition.title}在就诊日期不在有效期内")
        refuse(outpatient_errors(version, form))
        person = ensure_person(session, form.person, clerk)
        reason = (form.off_roster_reason or "").strip()
        if roster_status_on(session, person.id, form.visit_date) is None:
            if not reason:
                raise ServiceError("off_roster_reason", "该人员不在当前救助名册中，须填写理由")
            add_status(
                session, person, category=category, source="窗口门诊结算（不在名册）", clerk=clerk
            )
        slip_number = next_slip_number(session, site.code, now.year)
        visited_at = datetime.combine(form.visit_date, time())
        admission = Admission(
            person_id=person.id,
            site_code=site.code,
            admission_number=f"{NUMBER_PREFIX}{slip_number}",
            admitted_at=visited_at,
            discharged_at=visited_at,
            department=(form.department or "门诊").strip(),
            diagnosis=(form.diagnosis or "").strip(),
            facility=facility,
            insurance=form.insurance,
            category=category,
            policy_id=loaded.id,
            visit=form.visit,
            kind=OUTPATIENT,
            referral_approved=False,
            off_roster_reason=reason or None,
            warnings_json="[]",
            registered_at=now,
            registered_by=clerk,
        )
        session.add(admission)
        try:
            session.flush()
        except IntegrityError:
            raise ServiceError("admission", "门诊结算记录编号已被使用，请重试") from None
        missing = _papers(session, admission, version, form.papers, clerk, now)
        if missing and override is None:
            raise ServiceError(
                "checklist", f"材料不全：{'；'.join(missing)}。请补齐，或由主管填写理由放行"
            )
        audit.record(
            session,
            clerk=clerk,
            action="create",
            entity="admission",
            entity_id=admission.id,
            changes={
                "kind": OUTPATIENT,
                "person_id": person.id,
                "admission_number": admission.admission_number,
                "visit_date": form.visit_date,
                "visit": form.visit,
                "diagnosis": admission.diagnosis,
                "policy": loaded.id,
                "category": category,
                "off_roster_reason": reason or None,
            },
            at=now,
        )
        claim = {
            "policy": loaded.id,
            "date": form.visit_date.isoformat(),
            "category": category,
            "visit": form.visit,
            "insurance": form.insurance,
            "facility": facility,
            "referral_approved": False,
            "cause": form.cause,
            "disabling": bool(form.disabling),
            **{key: str(value) for key, value in amounts.items()},
        }
        return _record(
            session,
            site=site,
            person_id=person.id,
            admission_id=admission.id,
            loaded=loaded,
            claim=claim,
            clerk=clerk,
            now=now,
            override=override if missing else None,
            missing=missing,
            off_roster_reason=reason or None,
            slip_number=slip_number,
        )


def _papers(session, admission, version, papers, clerk, now) -> list[str]:
    """The policy's outpatient papers as the visit's checklist, marked as the clerk ticked
    them; returns what is still missing."""
    unknown = set(papers) - {document.code for document in version.documents.get(OUTPATIENT, ())}
    if unknown:
        raise ServiceError("checklist", f"本政策门诊材料中没有：{'、'.join(sorted(unknown))}")
    missing = []
    for document in version.documents.get(OUTPATIENT, ()):
        sighted, kept = papers.get(document.code, (False, False))
        item = ChecklistItem(
            admission_id=admission.id,
            stage=OUTPATIENT,
            document_code=document.code,
            name=document.name,
            clause=document.clause,
            note=document.note,
            alternatives_json=json.dumps(list(document.alternatives), ensure_ascii=False),
            original_required=document.original,
            copy_required=document.copy_kept,
            both_sides=document.both_sides,
            original_sighted=bool(sighted) and document.original,
            copy_kept=bool(kept) and document.copy_kept,
            updated_at=now,
            updated_by=clerk,
        )
        session.add(item)
        if is_missing(item):
            missing.append(describe_missing(item))
    session.flush()
    return missing
