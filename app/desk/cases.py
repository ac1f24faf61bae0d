"""Finding cases and registering them: the site, the work list, search, a case's detail, the
roster's answer for an ID number, registration and the document checklist. Plain records out."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app.desk.records import (
    CaseDetail,
    CaseRow,
    ChecklistLine,
    RosterAnswer,
    SettlementLine,
    SiteInfo,
)
from app.errors import FieldError
from app.vocabulary import CATEGORY_NAMES

if TYPE_CHECKING:
    from db import Store

SEX_NAMES = {"M": "男", "F": "女"}


class CasesDesk:
    store: Store
    clerk: str
    _site_code: str | None
    _site: SiteInfo | None = None

    # --- the site ------------------------------------------------------------------------
    def site(self) -> SiteInfo | None:
        """This window's site; read once, then kept (``save_site`` replaces it)."""
        from app.services import ServiceError, current_site

        if self._site is not None:
            return self._site
        with self.store.read() as session:
            try:
                site = current_site(session, self._site_code)
            except ServiceError:
                return None
            self._site = SiteInfo(site.code, site.name, site.facility, site.default_policy)
        return self._site

    def save_site(self, code: str, name: str, facility: str, default_policy: str) -> SiteInfo:
        from app.services import save_site

        site = save_site(
            self.store,
            code=code,
            name=name,
            facility=facility,
            default_policy=default_policy,
            clerk=self.actor,
        )
        self._site_code = site.code
        self._site = SiteInfo(site.code, site.name, site.facility, site.default_policy)
        return self._site

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
        from app.services.records import admission_by_number
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
            found = admission_by_number(session, text, site.code if site else None)
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
            kind=admission.kind,
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
                    item.updated_by or "",
                    item.updated_at,
                    item.both_sides_copied,
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
                        row.override_by or "",
                        row.override_reason or "",
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

        return register_admission(
            self.store, form, clerk=self.signed_clerk("入院登记"), site_code=self._site_code
        )

    # --- checklist -----------------------------------------------------------------------
    def mark_item(
        self,
        item_id: int,
        *,
        original_sighted: bool | None = None,
        copy_kept: bool | None = None,
        scan: Path | None = None,
        remove_scan: bool = False,
        both_sides_copied: bool | None = None,
    ) -> None:
        from app.services import ItemUpdate, update_item

        update = ItemUpdate(original_sighted, copy_kept, scan, remove_scan, both_sides_copied)
        update_item(self.store, item_id, update, clerk=self.signed_clerk("修改材料清单"))

    def scan_file(self, sha256: str) -> tuple[bytes, str]:
        """An attached scan's bytes and media type ("image/png", "application/pdf" …), to view."""
        from app.services.scans import scan_path
        from db.models import Scan

        with self.store.read() as session:
            row = session.get(Scan, sha256)
            if row is None:
                raise FieldError("scan", f"没有这份扫描件（{sha256[:12]}…）")
            kind = row.media_type
        try:
            return scan_path(self.store.scans_dir, sha256).read_bytes(), kind
        except OSError:
            raise FieldError("scan", "扫描件文件丢失（数据目录中的 scans 文件夹）") from None
