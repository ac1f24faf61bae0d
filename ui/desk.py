"""What the window asks of the store, in one place: the open database, the site, the clerk.

No Qt here and no money: each method calls one service (or look-up) and hands back plain
records for the widgets. The store and SQLAlchemy are imported when the desk is opened, after
the window is already on screen.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.vocabulary import CATEGORY_NAMES
from ui.case_records import (
    CaseDetail,
    CaseRow,
    ChecklistLine,
    RosterAnswer,
    SettlementLine,
    SiteInfo,
)
from ui.desk_accounts import DeskAccounts
from ui.discharge_case import DischargeCase

if TYPE_CHECKING:
    from db import Store

SEX_NAMES = {"M": "男", "F": "女"}


class Desk(DeskAccounts):
    """The open store as the window uses it. Every write names ``clerk``: the signed-in user
    once someone has signed in (``DeskAccounts``)."""

    def __init__(self, store: Store, target: str, clerk: str, site_code: str | None = None):
        self.store = store
        self.target = target
        self.clerk = clerk
        self._site_code = site_code
        self.user = None
        self.now = datetime.now

    @classmethod
    def open(cls, target: str, clerk: str, site_code: str | None = None) -> Desk:
        from db import open_store

        return cls(open_store(target), target, clerk, site_code)

    def close(self) -> None:
        self.store.close()

    @property
    def data_dir(self) -> Path:
        return self.store.data_dir

    @property
    def migration_message(self) -> str:
        return self.store.migration.message

    @property
    def policies(self):
        from app.services.policies import installed_policies

        return installed_policies()

    # --- the site ------------------------------------------------------------------------
    def site(self) -> SiteInfo | None:
        from app.services import ServiceError, current_site

        with self.store.read() as session:
            try:
                site = current_site(session, self._site_code)
            except ServiceError:
                return None
            return SiteInfo(site.code, site.name, site.facility, site.default_policy)

    def save_site(self, code: str, name: str, facility: str, default_policy: str) -> SiteInfo:
        from app.services import save_site

        site = save_site(
            self.store,
            code=code,
            name=name,
            facility=facility,
            default_policy=default_policy,
            clerk=self.clerk,
        )
        self._site_code = site.code
        return SiteInfo(site.code, site.name, site.facility, site.default_policy)

    # --- finding cases -------------------------------------------------------------------
    def work_list(
        self, also: set[int] | frozenset[int] = frozenset(), day: date | None = None
    ) -> list[CaseRow]:
        """The site's admissions still in hospital, those admitted or discharged today (also
        after a restart), and the admissions ``also`` named (handled by this window)."""
        from app.services import admissions_touched_on, open_admissions
        from db.models import Admission

        site = self.site()
        if site is None:
            return []
        with self.store.read() as session:
            admissions = {a.id: a for a in open_admissions(session, site.code)}
            for admission in admissions_touched_on(session, site.code, day or date.today()):
                admissions.setdefault(admission.id, admission)
            for admission_id in also:
                if admission_id not in admissions:
                    admissions[admission_id] = session.get(Admission, admission_id)
            return [self._row(session, a) for a in admissions.values() if a is not None]

    def search(self, text: str) -> list[CaseRow]:
        """Cases for an ID number, a name (or its start), a 住院号 or a slip number."""
        from app.services import (
            get_settlement,
            person_admissions,
            search_people,
        )
        from app.services.records import find_admission
        from db.models import Admission

        text = text.strip()
        if not text:
            return []
        site = self.site()
        with self.store.read() as session:
            admissions: dict[int, Admission] = {}
            settlement = get_settlement(session, text)
            if settlement is not None and settlement.admission_id is not None:
                admission = session.get(Admission, settlement.admission_id)
                admissions[admission.id] = admission
            found = find_admission(session, text, site.code if site else None)
            if found is not None:
                admissions[found.id] = found
            for person in search_people(session, text):
                for admission in person_admissions(session, person.id):
                    admissions[admission.id] = admission
            rows = [self._row(session, a) for a in admissions.values()]
        return sorted(rows, key=lambda row: row.admitted_at, reverse=True)

    def _row(self, session, admission) -> CaseRow:
        from app.services import admission_settlements, result_of

        settlements = admission_settlements(session, admission.id)
        last = settlements[-1] if settlements else None
        return CaseRow(
            admission_id=admission.id,
            person_id=admission.person_id,
            name=admission.person.name,
            id_number=admission.person.id_number,
            admission_number=admission.admission_number,
            admitted_at=admission.admitted_at,
            discharged_at=admission.discharged_at,
            category=admission.category,
            policy_id=admission.policy_id,
            department=admission.department,
            slip_number=last.slip_number if last else "",
            voided=bool(last and last.voided),
            paid_at_window=result_of(last)["paid_at_window"] if last else "",
        )

    def case(self, admission_id: int) -> CaseDetail:
        from app.services import admission_settlements, checklist, result_of
        from db.models import Admission

        with self.store.read() as session:
            admission = session.get(Admission, admission_id)
            person = admission.person
            detail = CaseDetail(
                row=self._row(session, admission),
                sex=SEX_NAMES.get(person.sex, person.sex),
                birth_date=person.birth_date,
                facility=admission.facility,
                insurance=admission.insurance,
                visit=admission.visit,
                diagnosis=admission.diagnosis,
            )
            detail.checklist = [
                ChecklistLine(
                    item.id,
                    item.stage,
                    item.name,
                    item.clause,
                    item.note,
                    item.original_required,
                    item.copy_required,
                    item.both_sides,
                    item.original_sighted,
                    item.copy_kept,
                    item.scan_sha256,
                )
                for item in checklist(session, admission_id)
            ]
            for row in admission_settlements(session, admission_id):
                result = result_of(row)
                detail.settlements.append(
                    SettlementLine(
                        row.slip_number,
                        row.settled_at,
                        result["paid_at_window"],
                        result["patient_pays"],
                        row.voided,
                        row.void_reason or "",
                        result,
                    )
                )
        return detail

    # --- registration --------------------------------------------------------------------
    def roster_answer(self, id_number: str, day: date) -> RosterAnswer:
        from app.services import find_person, status_history
        from app.services.people import roster_status_on

        with self.store.read() as session:
            person = find_person(session, id_number)
            if person is None:
                return RosterAnswer("not_found", "名册中未找到此人（新人员，须填写登记理由）")
            current = roster_status_on(session, person.id, day)
            if current is not None:
                until = f"，有效期至 {current.valid_to}" if current.valid_to else ""
                name = CATEGORY_NAMES.get(current.category, current.category)
                return RosterAnswer("on_roster", f"在册：{name}{until}", current.category)
            listed = [s for s in status_history(session, person.id) if s.roster_import_id]
            if listed:
                last = listed[-1]
                return RosterAnswer(
                    "expired",
                    f"名册资格已过期（有效期至 {last.valid_to}），须填写登记理由",
                    last.category,
                )
            return RosterAnswer("not_found", f"{person.name}：名册中未找到（须填写登记理由）")

    def known_name(self, id_number: str) -> str | None:
        from app.services import find_person

        with self.store.read() as session:
            person = find_person(session, id_number)
            return person.name if person else None

    def register(self, form) -> object:
        """``form`` is an ``app.services.AdmissionInput``; returns the ``Registration``."""
        from app.services import register_admission

        return register_admission(self.store, form, clerk=self.clerk, site_code=self._site_code)

    # --- checklist -----------------------------------------------------------------------
    def mark_item(
        self,
        item_id: int,
        *,
        original_sighted: bool | None = None,
        copy_kept: bool | None = None,
        scan: Path | None = None,
    ) -> None:
        from app.services import ItemUpdate, update_item

        update = ItemUpdate(original_sighted=original_sighted, copy_kept=copy_kept, scan=scan)
        update_item(self.store, item_id, update, clerk=self.clerk)

    # --- discharge -----------------------------------------------------------------------
    def discharge_case(self, admission_id: int) -> DischargeCase:
        detail = self.case(admission_id)
        row = detail.row
        title = self.policies[row.policy_id].definition.title
        missing = self._missing_documents(admission_id)
        return DischargeCase(
            key=f"admission-{admission_id}",
            policy_id=row.policy_id,
            policy_title=title,
            patient_name=row.name,
            id_number=row.id_number,
            category=row.category,
            visit=detail.visit,
            insurance=detail.insurance,
            facility=detail.facility,
            admitted_on=row.admitted_at.date(),
            admission_number=row.admission_number,
            referral_approved=self._referral_approved(admission_id),
            admission_id=admission_id,
            missing_documents=missing,
        )

    def _missing_documents(self, admission_id: int) -> tuple[str, ...]:
        from app.services.checklist import describe_missing, missing_items

        with self.store.read() as session:
            return tuple(describe_missing(item) for item in missing_items(session, admission_id))

    def _referral_approved(self, admission_id: int) -> bool:
        from db.models import Admission

        with self.store.read() as session:
            return bool(session.get(Admission, admission_id).referral_approved)

    def preview(self, case: DischargeCase, claim: dict) -> dict:
        """The calculator's result for the typed claim, with this year's earlier settlements."""
        from app.services.policies import find_policy
        from app.services.year_to_date import contract_year_to_date
        from app.settlement import settle_json
        from db.models import Admission

        loaded = find_policy(self.policies, case.policy_id)
        with self.store.read() as session:
            person_id = session.get(Admission, case.admission_id).person_id
            used = contract_year_to_date(
                session, person_id, loaded, date.fromisoformat(claim["date"])
            )
        return settle_json({**claim, "year_to_date": used}, self.policies)

    def settle(
        self,
        case: DischargeCase,
        claim: dict,
        override: dict | None,
        discharged_at: datetime,
    ) -> str:
        from app.services import Amounts, DischargeInput, Override, settle_discharge

        approved = None
        if override:
            # A supervisor's password, not only a typed name, lets missing papers through.
            supervisor = self.confirm_supervisor(
                override["supervisor"], override.get("password", ""), "放行缺少材料的结算"
            )
            approved = Override(supervisor.name, override["reason"])
        from app.services.settlement import AMOUNT_FIELDS

        amounts = Amounts(**{key: claim[key] for key in AMOUNT_FIELDS if key in claim})
        row = settle_discharge(
            self.store,
            DischargeInput(
                case.admission_id,
                discharged_at,
                amounts,
                claim.get("cause"),
                disabling=bool(claim.get("disabling")),
            ),
            clerk=self.clerk,
            override=approved,
        )
        return row.slip_number

    def void(self, slip_number: str, reason: str, supervisor: str, password: str) -> None:
        """Void once a supervisor's name and password are confirmed (``AccountError`` for a
        wrong password, ``AccessDenied`` for a clerk's)."""
        from app.services import void_settlement

        approver = self.confirm_supervisor(supervisor, password, "作废结算")
        # The supervisor who allows a void is the one the audit trail names for it.
        void_settlement(self.store, slip_number, reason=reason, clerk=approver.name)

    # --- sync with the central upload folder (app.sync) ------------------------------------
    def sync_status(self):
        """``app.sync.SyncStatus``, or None where this build has no sync module."""
        try:
            from app import sync
        except ImportError:
            return None
        return sync.status(self.store)

    def sync_if_due(self):
        from app import sync

        return sync.run_if_due(self.store)

    def set_sync(self, folder: str, minutes: int) -> None:
        try:
            from app import sync
        except ImportError:
            return
        sync.set_central_folder(self.store, folder or None)
        sync.set_interval(self.store, minutes)

    # --- claim bundles ---
    def claim_period(self, policy_id: str, day: date) -> tuple[str, str]:
        """(kind, label of the period containing ``day``) for the policy's claim period."""
        from app.bundle.export import claim_period_kind
        from app.bundle.period import period_label

        kind = claim_period_kind(self.policies[policy_id])
        return kind, period_label(kind, day)

    def export_bundle(self, period: str, target: str, policy_id: str, as_zip: bool):
        """Write a claim period's bundle safely to ``target`` (runs off the GUI thread)."""
        from app.bundle.export import export_bundle

        return export_bundle(
            self.store,
            self.policies,
            period_text=period,
            target_dir=Path(target),
            policy_id=policy_id,
            as_zip=as_zip,
            clerk=self.clerk,
        )

    # --- paper ---------------------------------------------------------------------------
    def slip_pdf(self, slip_number: str, paper: str = "A4") -> bytes:
        """The slip's PDF (ReportLab, loaded now), marked 补打 after earlier prints."""
        from app.printing import from_store
        from app.printing.slip import render_slip

        with self.store.read() as session:
            data = from_store.slip_data(session, slip_number)
        return render_slip(data, paper=paper)

    def record_print(self, slip_number: str, paper: str = "A4") -> None:
        """Keep a print (or a saved PDF) in the audit trail: the next copy is marked 补打."""
        from app.printing import from_store

        from_store.record_print(
            self.store, slip_number, clerk=self.clerk, paper=paper, copies=("patient", "hospital")
        )

    def referral_pdf(self, admission_number: str) -> tuple[str, bytes]:
        """湖南's 转诊单, or for other policies the sheet of referral materials: (title, PDF)."""
        from app.printing import from_store
        from app.printing.materials_sheet import render_materials_sheet
        from app.printing.records import ReferralData
        from app.printing.referral_hunan import render_hunan_referral

        with self.store.read() as session:
            data = from_store.referral_data(session, admission_number, site_code=None)
        if isinstance(data, ReferralData):
            return f"转诊单 {admission_number}", render_hunan_referral(data)
        return f"转诊材料清单 {admission_number}", render_materials_sheet(data)

    def application_pdf(self, admission_number: str) -> tuple[str, bytes]:
        """威海's 救助申请表 for a settled admission: (title, PDF)."""
        from app.printing import from_store
        from app.printing.application_weihai import render_weihai_application

        with self.store.read() as session:
            data = from_store.application_data(session, admission_number, site_code=None)
        return f"救助申请表 {admission_number}", render_weihai_application(data)
