"""What the discharge dialog needs to know about a case (no Qt; filled from the store)."""

from dataclasses import dataclass, field
from datetime import date


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
