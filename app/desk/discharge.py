"""Settling at discharge: the case as the dialog shows it, the live preview, settle and void."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from app.desk.records import DischargeCase

if TYPE_CHECKING:
    from db import Store


class DischargeDesk:
    store: Store
    clerk: str
    _site_code: str | None

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
            voided_claim=self._voided_claim(admission_id),
        )

    def _voided_claim(self, admission_id: int) -> dict:
        """What the last settlement of the admission was typed with, if it was voided and
        nothing replaced it; {} otherwise."""
        import json

        from app.forms import AMOUNT_FIELDS
        from app.services import admission_settlements
        from db.models import Admission

        with self.store.read() as session:
            settlements = admission_settlements(session, admission_id)
            last = settlements[-1] if settlements else None
            if last is None or not last.voided:
                return {}
            claim = json.loads(last.claim_json)
            discharged = session.get(Admission, admission_id).discharged_at
        voided = {key: claim[key] for key in AMOUNT_FIELDS if claim.get(key)}
        voided.update(
            slip_number=last.slip_number,
            cause=claim.get("cause"),
            disabling=bool(claim.get("disabling")),
            discharged_at=f"{discharged:%Y-%m-%d %H:%M}" if discharged else "",
        )
        return voided

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
                override["supervisor"],
                override.get("password", ""),
                "放行缺少材料的结算",
                override.get("new_password"),  # a supervisor's initial password, changed here
            )
            # Their own session, for this settlement only: the service checks it.
            approved = Override(supervisor, override["reason"])
        from app.forms import AMOUNT_FIELDS

        amounts = Amounts(**{key: claim[key] for key in AMOUNT_FIELDS if key in claim})
        try:
            row = settle_discharge(
                self.store,
                DischargeInput(
                    case.admission_id,
                    discharged_at,
                    amounts,
                    claim.get("cause"),
                    disabling=bool(claim.get("disabling")),
                    imported=claim.get("imported") or None,
                ),
                clerk=self.signed_clerk("出院结算"),
                override=approved,
            )
        finally:
            if approved is not None:
                self.finish_approval(approved.supervisor)
        self.archive_slip(row.slip_number)
        return row.slip_number

    def void(self, slip_number: str, reason: str, supervisor: str, password: str) -> None:
        """Void once a supervisor's name and password are confirmed (``AccountError`` for a
        wrong password, ``AccessDenied`` for a clerk's)."""
        from app.services import void_settlement

        approver = self.confirm_supervisor(supervisor, password, "作废结算")
        # The supervisor who allows a void is the one the audit trail names for it, proved by
        # the session their password just opened (ended once the void is done).
        try:
            row = void_settlement(
                self.store,
                slip_number,
                reason=reason,
                clerk=approver,
                asked_by=self.user.name if self.user is not None else None,
                now=self.now(),
            )
        finally:
            self.finish_approval(approver)
        self.archive_slip(row.slip_number)  # the voided form, beside the one as issued
