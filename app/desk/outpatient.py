"""门诊结算 at the desk: what the screen offers under the site's policy, the live preview, and
settling one visit. Plain records out; the money comes from the calculator as strings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from app.vocabulary import CATEGORY_NAMES, INSURANCE_NAMES, VISIT_NAMES

if TYPE_CHECKING:
    from db import Store


@dataclass(frozen=True)
class OutpatientVisitChoice:
    code: str
    name: str
    clause: str
    text: str
    diagnosis_required: bool


@dataclass(frozen=True)
class OutpatientPaper:
    code: str
    name: str
    clause: str
    note: str
    original_required: bool
    copy_required: bool
    alternatives: tuple[str, ...]


@dataclass(frozen=True)
class OutpatientSetup:
    """What the outpatient screen offers: the site's policy in force on ``day``, its
    outpatient visits, classes and insurances, and its ``outpatient`` papers."""

    policy_id: str
    policy_title: str
    facility: str
    day: date
    visits: tuple[OutpatientVisitChoice, ...]
    categories: tuple[tuple[str, str], ...]
    insurances: tuple[tuple[str, str], ...]
    papers: tuple[OutpatientPaper, ...]


class OutpatientDesk:
    store: Store
    clerk: str
    _site_code: str | None

    def outpatient_setup(self, day: date | None = None) -> OutpatientSetup:
        """The screen's choices; ServiceError when the site has no policy in force that day."""
        from app.forms import outpatient_visits
        from app.services import ServiceError
        from app.services.policies import find_policy

        day = day or date.today()
        site = self.site()
        if site is None:
            raise ServiceError("site", "尚未设置本院（站点），请先在设置中填写")
        loaded = find_policy(self.policies, site.default_policy)
        version = loaded.definition.version_on(day)
        if version is None:
            raise ServiceError("policy", f"{loaded.definition.title}在 {day} 不在有效期内")
        visits = tuple(
            OutpatientVisitChoice(
                code, VISIT_NAMES.get(code, code), v.clause, v.text, v.diagnosis_required
            )
            for code, v in outpatient_visits(version).items()
        )
        if not visits:
            raise ServiceError("visit", f"{loaded.definition.title}没有门诊救助")
        return OutpatientSetup(
            policy_id=loaded.id,
            policy_title=loaded.definition.title,
            facility=site.facility,
            day=day,
            visits=visits,
            categories=tuple(
                (code, CATEGORY_NAMES.get(code, c.name)) for code, c in version.categories.items()
            ),
            insurances=tuple((t, INSURANCE_NAMES[t]) for t in version.insurance.types),
            papers=tuple(
                OutpatientPaper(
                    d.code, d.name, d.clause, d.note, d.original, d.copy_kept, d.alternatives
                )
                for d in version.documents.get("outpatient", ())
            ),
        )

    def outpatient_preview(self, id_number: str, claim: dict) -> dict:
        """The calculator's result for the typed visit, with the person's earlier
        settlements this year (none for a newcomer)."""
        from app.services import find_person
        from app.services.policies import find_policy
        from app.services.year_to_date import contract_year_to_date
        from app.settlement import settle_json

        loaded = find_policy(self.policies, claim["policy"])
        with self.store.read() as session:
            person = find_person(session, id_number) if id_number else None
            used = contract_year_to_date(
                session, person.id if person else 0, loaded, date.fromisoformat(claim["date"])
            )
        return settle_json({**claim, "year_to_date": used}, self.policies)

    def settle_outpatient(self, form, override: dict | None = None) -> str:
        """``form`` is an ``app.forms.OutpatientVisitInput``; an override (missing papers)
        needs a supervisor's name and password. Returns the slip number."""
        from app.services import Override, settle_outpatient_visit

        approved = None
        if override:
            supervisor = self.confirm_supervisor(
                override["supervisor"], override.get("password", ""), "放行缺少材料的结算"
            )
            approved = Override(supervisor, override["reason"])  # their own session
        try:
            row = settle_outpatient_visit(
                self.store,
                form,
                clerk=self.signed_clerk("门诊结算"),
                override=approved,
                site_code=self._site_code,
                policies=self.policies,
            )
        finally:
            if approved is not None:
                self.finish_approval(approved.supervisor)
        self.archive_slip(row.slip_number)
        return row.slip_number
