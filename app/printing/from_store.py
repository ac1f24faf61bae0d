"""The printed documents' content from the store's records, through the services' look-ups.

Money, clauses and the policy version come from the settlement's stored claim and result, the
discharge date from the claim's date, so a reprint shows the settlement exactly as it was made.
Each print is kept in the audit trail (action ``print``); a reprint's number counts them.
"""

import json
from datetime import date

from sqlalchemy.orm import Session

from app.money import D
from app.policy import LoadedPolicy, VersionDef
from app.policy.schema import DocumentDef, PaperDef
from app.printing import checklists
from app.printing.from_contract import policy_ref, slip_from_contract
from app.printing.paper import referral_paperwork
from app.printing.records import (
    ApplicationData,
    Approval,
    Clause,
    FilingLimit,
    FilingTimes,
    MaterialsData,
    PaidInto,
    Patient,
    ReferralData,
    ReferralRoute,
    Site,
    SlipData,
)
from app.printing.referral_hunan import poverty_identities
from app.services import audit
from app.services.checklist import checklist
from app.services.errors import ServiceError
from app.services.policies import Policies, find_policy
from app.services.records import admission_by_number, admission_settlements, get_settlement
from app.services.registration import filing_deadlines
from app.services.sites import current_site
from app.vocabulary import CATEGORY_NAMES, FACILITY_NAMES, PAPER_FORM_NAMES
from db import Store
from db.models import Admission, Person, Settlement

PRINT_ACTION = "print"
SEX_NAMES = {"M": "男", "F": "女"}


def store_pages(store):
    """A ``with`` block whose PDFs carry 演示 across every page when ``store`` is a demo
    store (fictitious records must never pass for real paper); nothing otherwise."""
    from app.printing.typeset import DEMO_MARK, marked_pages
    from app.store_guard import is_demo_store

    return marked_pages(DEMO_MARK if is_demo_store(store) else None)


def print_count(session: Session, slip_number: str) -> int:
    """How many times the slip has been printed before (0: the next print is the first)."""
    events = audit.history(session, "settlement", slip_number)
    return sum(1 for event in events if event.action == PRINT_ACTION)


def record_print(store: Store, slip_number: str, *, clerk: str, paper: str, copies) -> None:
    """Keep one print of a slip in the audit trail (call it once the paper or file is made)."""
    with store.write() as session:
        audit.record(
            session,
            clerk=clerk,
            action=PRINT_ACTION,
            entity="settlement",
            entity_id=slip_number,
            changes={"paper": paper, "copies": list(copies)},
        )


def _site(session: Session, code: str) -> Site:
    row = current_site(session, code)
    return Site(row.name, row.code, FACILITY_NAMES.get(row.facility, row.facility))


def _category_name(version: VersionDef | None, category: str) -> str:
    if version is not None and category in version.categories:
        return version.categories[category].name
    return CATEGORY_NAMES.get(category, category)


def _patient(person: Person, category: str) -> Patient:
    return Patient(
        name=person.name,
        sex=SEX_NAMES.get(person.sex, person.sex),
        id_number=person.id_number,
        category=category,
        birth_date=person.birth_date,
        phone=person.phone or "",
        address=person.address or "",
        insurance_card=person.insurance_card or "",
    )


def _version(loaded: LoadedPolicy, name: str | None, day: date) -> VersionDef | None:
    for version in loaded.definition.versions:
        if version.effective_from.isoformat() == name:
            return version
    return loaded.definition.version_on(day)


def _settlement(session: Session, slip_number: str) -> Settlement:
    row = get_settlement(session, slip_number)
    if row is None:
        raise ServiceError("slip_number", f"没有结算单号为 {slip_number} 的结算")
    return row


def slip_data(session: Session, slip_number: str, *, policies: Policies | None = None) -> SlipData:
    """The slip of a stored settlement, marked 补打 with the number of earlier prints."""
    row = _settlement(session, slip_number)
    claim, result = json.loads(row.claim_json), json.loads(row.result_json)
    loaded = find_policy(policies, row.policy_id)
    version = _version(loaded, row.policy_version, row.claim_date)
    admission: Admission | None = (
        session.get(Admission, row.admission_id) if row.admission_id else None
    )
    # An outpatient visit (its own record, or none at all) prints its visit date instead of
    # the stay: no 住院号, no admission and discharge dates, no days.
    outpatient = admission is None or admission.kind == "outpatient"
    stay = None if outpatient else admission
    return slip_from_contract(
        claim=claim,
        result=result,
        policy=loaded.definition,
        policy_sha256=row.policy_sha256,
        document_id=row.slip_number,
        slip_number=row.slip_number,
        site=_site(session, row.site_code),
        patient=_patient(row.person, _category_name(version, claim["category"])),
        admission_number=stay.admission_number if stay else "",
        department=admission.department if admission else "",
        diagnosis=admission.diagnosis if admission else "",
        admitted_on=stay.admitted_at.date() if stay else None,
        discharged_on=row.claim_date if stay else None,
        visit_date=row.claim_date if outpatient else None,
        clerk=row.settled_by,
        settled_at=row.settled_at,
        voided=row.voided,
        void_reason=row.void_reason or "",
        reprint_count=print_count(session, row.slip_number),
    )


def _admission(session: Session, admission_number: str, site_code: str | None) -> Admission:
    admission = admission_by_number(session, admission_number, site_code)
    if admission is None:
        raise ServiceError("admission_number", f"没有住院号为 {admission_number} 的住院登记")
    return admission


def _recorded(session: Session, admission: Admission, stages) -> dict:
    """What the checklist recorded per document code: the item of one of ``stages`` if the
    checklist has it, else the same document recorded at another stage (an ID card copied at
    admission serves the referral claim too)."""
    recorded: dict[str, checklists.RecordedItem] = {}
    for item in sorted(checklist(session, admission.id), key=lambda item: item.stage in stages):
        recorded[item.document_code] = (
            item.original_sighted,
            item.copy_kept,
            item.scan_sha256 is not None,
            item.both_sides_copied,
        )
    return recorded


def _last_checked(session: Session, admission: Admission) -> date | None:
    days = [
        item.updated_at.date()
        for item in checklist(session, admission.id)
        if item.updated_at is not None
    ]
    return max(days, default=None)


def _listed(loaded: LoadedPolicy, version: VersionDef | None, form: str) -> PaperDef:
    """The policy's ``paper`` entry of ``form``; ServiceError if the policy prints no such form."""
    paper = version.paper_form(form) if version is not None else None
    if paper is None:
        raise ServiceError(
            "policy",
            f"“{loaded.definition.title}”不印{PAPER_FORM_NAMES.get(form, form)}"
            f'（政策文件 {loaded.path.name} 的 [[versions.paper]] 中没有 form = "{form}"）',
        )
    return paper


def _admission_policy(
    session: Session, admission_number: str, site_code: str | None, policies: Policies | None
) -> tuple[Admission, LoadedPolicy, VersionDef]:
    admission = _admission(session, admission_number, site_code)
    loaded = find_policy(policies, admission.policy_id)
    admitted = admission.admitted_at.date()
    version = loaded.definition.version_on(admitted)
    if version is None:
        raise ServiceError("policy", f"{admitted} 不在政策 {loaded.id} 任何版本的有效期内")
    return admission, loaded, version


def _listed_documents(version: VersionDef, paper: PaperDef) -> list[DocumentDef]:
    if paper.documents is None:
        return []
    return checklists.required_documents(version, paper.documents.stages, paper.documents.clause)


def referral_data(
    session: Session,
    admission_number: str,
    *,
    site_code: str | None = None,
    policies: Policies | None = None,
) -> ReferralData | MaterialsData:
    """The referral paperwork of an admission: the referral form where its policy prints one,
    else the policy's materials sheet (``app.printing.paper.REFERRAL_PAPERWORK``)."""
    _, loaded, version = _admission_policy(session, admission_number, site_code, policies)
    form = referral_paperwork(paper.form for paper in version.paper)
    if form is None:
        raise ServiceError(
            "policy",
            f"“{loaded.definition.title}”没有规定转诊或区外就医材料"
            f"（政策文件 {loaded.path.name} 的 [[versions.paper]] 中没有转诊单或材料清单）",
        )
    if form == "referral":
        return referral_form_data(session, admission_number, site_code=site_code, policies=policies)
    return materials_data(session, admission_number, site_code=site_code, policies=policies)


def referral_form_data(
    session: Session,
    admission_number: str,
    *,
    site_code: str | None = None,
    policies: Policies | None = None,
) -> ReferralData:
    """The referral form (县域外就医转诊单) of an admission whose policy prints one."""
    admission, loaded, version = _admission_policy(session, admission_number, site_code, policies)
    _listed(loaded, version, "referral")
    admitted = admission.admitted_at.date()
    held = {admission.category}
    for status in admission.person.statuses:
        if (status.valid_from is None or status.valid_from <= admitted) and (
            status.valid_to is None or admitted <= status.valid_to
        ):
            held.add(status.category)
    site = _site(session, admission.site_code)
    return ReferralData(
        document_id=f"ZZ-{admission.site_code}-{admission.admission_number}",
        policy=policy_ref(loaded.definition, version.effective_from.isoformat(), loaded.sha256),
        site=site,
        patient=_patient(admission.person, _category_name(version, admission.category)),
        poverty_identities=poverty_identities(held),
        diagnosis=admission.diagnosis,
        receiving_hospital=admission.referral_to or "",
        referring_hospital=admission.referral_from or site.hospital_name,
        applied_on=admission.referral_at.date() if admission.referral_at else None,
    )


def materials_data(
    session: Session,
    admission_number: str,
    *,
    site_code: str | None = None,
    policies: Policies | None = None,
) -> MaterialsData:
    """The materials sheet of an admission: the materials its policy's sheet lists (靖江 第二十四条
    for a referral claim, say), ticked from the admission's checklist."""
    admission, loaded, version = _admission_policy(session, admission_number, site_code, policies)
    paper = _listed(loaded, version, "materials")
    stages = paper.documents.stages if paper.documents else ()
    documents = _listed_documents(version, paper)
    return MaterialsData(
        document_id="-".join(("CL", admission.site_code, admission.admission_number, *stages)),
        policy=policy_ref(loaded.definition, version.effective_from.isoformat(), loaded.sha256),
        site=_site(session, admission.site_code),
        patient=_patient(admission.person, _category_name(version, admission.category)),
        admission_number=admission.admission_number,
        diagnosis=admission.diagnosis,
        items=checklists.checklist_items(documents, _recorded(session, admission, set(stages))),
        article=paper.clause,
        sheet_title=f"{loaded.definition.region}{paper.name}",
        clerk=admission.registered_by,
        checked_on=_last_checked(session, admission),
        filing=_filing(version, admission) if paper.filing_times else None,
        route=(
            ReferralRoute(admission.referral_from or "", admission.referral_to or "")
            if paper.referral_route
            else None
        ),
        approval=_approval(paper, admission),
        paid_into=_paid_into(paper, admission),
    )


def _filing(version: VersionDef, admission: Admission) -> FilingTimes:
    """入院 and 备案 times: the case was filed when the window registered it, and each of the
    policy's deadlines for its facility is met if that was in time."""
    referred = bool(admission.referral_approved or admission.referral_number)
    deadlines = filing_deadlines(
        version,
        admission.facility,
        admission.admitted_at,
        admission.referral_at,
        admission.registered_at,
        referred,
    )
    return FilingTimes(
        admission.admitted_at,
        admission.registered_at,
        tuple(FilingLimit(d.hours, d.clause, d.due, d.met) for d in deadlines),
    )


def _approval(paper: PaperDef, admission: Admission) -> Approval | None:
    rule = paper.approval
    if rule is None or admission.facility not in rule.facilities:
        return None
    return Approval(
        rule.name, rule.clause, admission.referral_approved, admission.referral_number or ""
    )


def _paid_into(paper: PaperDef, admission: Admission) -> PaidInto | None:
    if paper.bank_account is None:
        return None
    return PaidInto(
        paper.bank_account.clause,
        admission.account_name or "",
        admission.bank or "",
        admission.card_number or "",
    )


def application_data(
    session: Session,
    admission_number: str,
    *,
    site_code: str | None = None,
    policies: Policies | None = None,
) -> ApplicationData:
    """The 救助申请表 of an admission whose policy prints one and whose live settlement is
    paid at year end (an instant settlement needs no application)."""
    admission = _admission(session, admission_number, site_code)
    live = [row for row in admission_settlements(session, admission.id) if not row.voided]
    if not live:
        raise ServiceError("admission", f"住院号 {admission_number} 尚未结算（或结算已作废）")
    row = live[-1]
    loaded = find_policy(policies, row.policy_id)
    version = _version(loaded, row.policy_version, row.claim_date)
    paper = _listed(loaded, version, "application")
    claim, result = json.loads(row.claim_json), json.loads(row.result_json)
    if result.get("settle_mode") != "year_end":
        raise ServiceError(
            "admission", "该结算已即时结算，无需填写申请表（申请表用于年底统一救助的对象）"
        )
    documents = _listed_documents(version, paper)
    stages = set(paper.documents.stages) if paper.documents else set()
    return ApplicationData(
        document_id=f"SQ-{row.slip_number}",
        policy=policy_ref(loaded.definition, row.policy_version, row.policy_sha256),
        site=_site(session, row.site_code),
        patient=_patient(row.person, _category_name(version, claim["category"])),
        year=row.year,
        household_address=row.person.address or "",
        admission_number=admission.admission_number,
        diagnosis=admission.diagnosis,
        admitted_on=admission.admitted_at.date(),
        discharged_on=row.claim_date,
        total=D(claim["total"]),
        basic_insurance=D(claim.get("basic_insurance") or "0"),
        critical_illness=D(claim.get("critical_illness") or "0"),
        other_compensation=D(claim.get("other_compensation") or "0"),
        self_pay=D(result["base"]),
        estimated_assistance=D(result["assistance"]),
        attachments=checklists.checklist_items(documents, _recorded(session, admission, stages)),
        clauses=tuple(
            Clause(
                step["clause"], step["text"], None if step["amount"] is None else D(step["amount"])
            )
            for step in result["steps"]
            if step.get("amount") is not None
        ),
        category_code=claim["category"],
        filled_by_kind=admission.filled_by_kind or "",
        filled_by=admission.filled_by_name or "",
        filled_by_relation=admission.filled_by_relation or "",
        household_size=row.person.household_size,
        household_income=row.person.household_income,
        paid_into=_paid_into(paper, admission),
    )
