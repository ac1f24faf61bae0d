"""What a case's forms ask beyond registration: who filled in the application (威海 三(一)) and
the bank account assistance is paid into (威海 四 发放到户, 靖江 第二十三条 打卡).

The account is checked exactly as a 事后报销 claim's (``paid_later.check_bank``: digits, length,
the Luhn check digit of a bank card) and kept on the admission; a year-end claim made later
for the person takes it from there when no earlier claim had one.
"""

from dataclasses import dataclass
from datetime import datetime

from app.applicant import SELF, Filler, filler_errors
from app.services import audit
from app.services.errors import ServiceError, refuse
from app.services.lengths import check_text
from app.services.paid_later import BankAccount, check_bank
from app.services.records import admission_by_number
from db import Store
from db.models import Admission


@dataclass(frozen=True)
class CasePaperwork:
    """An admission's recorded paperwork details ("" where not recorded)."""

    admission_number: str
    applicant: str
    filled_by_kind: str
    filled_by_name: str
    filled_by_relation: str
    account_name: str
    bank: str
    card_number: str


def case_paperwork(admission: Admission) -> CasePaperwork:
    return CasePaperwork(
        admission.admission_number,
        admission.person.name,
        admission.filled_by_kind or "",
        admission.filled_by_name or "",
        admission.filled_by_relation or "",
        admission.account_name or "",
        admission.bank or "",
        admission.card_number or "",
    )


def bank_account_of(account: BankAccount | None) -> BankAccount | None:
    """The account as typed, checked; None when all three fields were left empty."""
    if account is None:
        return None
    typed = (account.account_name, account.bank, account.card_number)
    if not any((value or "").strip() for value in typed):
        return None
    return check_bank(account)


def record_paperwork(
    store: Store,
    admission_number: str,
    *,
    filler: Filler,
    account: BankAccount | None,
    clerk: str,
    site_code: str | None = None,
    now: datetime | None = None,
) -> CasePaperwork:
    """Keep who filled in the application and the bank account on the admission (audited,
    old → new). ServiceErrors naming each bad field; nothing saved then."""
    refuse(filler_errors(filler))
    named = filler.kind != SELF
    name = (filler.name or "").strip() if named else ""
    relation = (filler.relation or "").strip() if named else ""
    check_text("filled_by_name", name, Admission.filled_by_name)
    check_text("filled_by_relation", relation, Admission.filled_by_relation)
    bank = bank_account_of(account)
    wanted = {
        "filled_by_kind": filler.kind,
        "filled_by_name": name or None,
        "filled_by_relation": relation or None,
        "account_name": bank.account_name if bank else None,
        "bank": bank.bank if bank else None,
        "card_number": bank.card_number if bank else None,
    }
    with store.write() as session:
        admission = admission_by_number(session, admission_number, site_code)
        if admission is None:
            raise ServiceError("admission_number", f"没有住院号为 {admission_number} 的住院登记")
        changes = audit.apply_changes(admission, wanted)
        if changes:
            audit.record(
                session,
                clerk=clerk,
                action="change",
                entity="admission",
                entity_id=admission.id,
                changes={"admission_number": admission.admission_number, **changes},
                at=now,
            )
        return case_paperwork(admission)
