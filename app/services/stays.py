"""One stay, paid once: a person's live records of hospital stays whose days overlap.

A stay settled at the window (结算单) and a claim paid after discharge (事后报销) for the same
stay would both count in the person's year and both be paid (兰溪 三(二)3: a 手工结报 is for
a stay *not* settled in real time). The same stay is found by its days, not by the hospital's
name as typed (枣庄市立医院 and 枣庄市立医院（东院） are one stay when the days are the same):
a person lies in one hospital at a time, and only the day of a transfer belongs to two stays.
"""

from datetime import date
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Admission, PaidLaterClaim, Settlement

# A claim's states in which it neither pays nor counts (app.services.paid_later.RETURNED).
_NOT_LIVE = "returned"


class LiveStay(NamedTuple):
    """A live record of a stay: a window settlement (``settled``) or a 事后报销 claim."""

    number: str  # the slip or claim number
    settled: bool
    admitted: date
    discharged: date
    hospital: str | None  # a claim's hospital as typed; None for this hospital's own slip
    status: str | None  # a claim's status; None for a slip

    def days(self) -> str:
        return f"{self.admitted:%Y-%m-%d}至{self.discharged:%Y-%m-%d}"


def overlap(first: tuple[date, date], second: tuple[date, date]) -> bool:
    """Whether two stays (admitted, discharged) share a day other than a transfer day: one
    discharged on the day the other was admitted is two stays; the same days are one."""
    (a1, d1), (a2, d2) = first, second
    return (a1 < d2 and a2 < d1) or (a1 == a2 and d1 == d2)


def live_stays_overlapping(
    session: Session, person_id: int, admitted: date, discharged: date
) -> list[LiveStay]:
    """The person's live inpatient slips and 事后报销 claims (not year-end sums) whose days
    overlap ``admitted``–``discharged``, slips first."""
    slips = session.execute(
        select(Settlement.slip_number, Admission.admitted_at, Settlement.claim_date)
        .join(Admission, Admission.id == Settlement.admission_id)
        .where(
            Settlement.person_id == person_id,
            Settlement.voided.is_(False),
            Admission.kind != "outpatient",
            Admission.visit == "inpatient",
        )
    )
    claims = session.execute(
        select(
            PaidLaterClaim.claim_number,
            PaidLaterClaim.admitted_on,
            PaidLaterClaim.discharged_on,
            PaidLaterClaim.hospital,
            PaidLaterClaim.status,
        ).where(
            PaidLaterClaim.person_id == person_id,
            PaidLaterClaim.status != _NOT_LIVE,
            PaidLaterClaim.kind != "year_end",
        )
    )
    found = [
        LiveStay(number, True, admitted_at.date(), discharged_on, None, None)
        for number, admitted_at, discharged_on in slips
    ] + [LiveStay(number, False, *rest) for number, *rest in claims]
    return [
        stay for stay in found if overlap((stay.admitted, stay.discharged), (admitted, discharged))
    ]
