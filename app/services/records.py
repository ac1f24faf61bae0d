"""Read-only look-ups the window, printing and bundles use."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Admission, Settlement


def get_settlement(session: Session, slip_number: str) -> Settlement | None:
    number = (slip_number or "").strip().upper()
    return session.scalar(select(Settlement).where(Settlement.slip_number == number))


def person_settlements(
    session: Session, person_id: int, *, include_voided: bool = True
) -> list[Settlement]:
    query = select(Settlement).where(Settlement.person_id == person_id)
    if not include_voided:
        query = query.where(Settlement.voided.is_(False))
    return list(session.scalars(query.order_by(Settlement.settled_at, Settlement.id)))


def admission_settlements(session: Session, admission_id: int) -> list[Settlement]:
    query = select(Settlement).where(Settlement.admission_id == admission_id)
    return list(session.scalars(query.order_by(Settlement.id)))


def find_admission(
    session: Session, admission_number: str, site_code: str | None = None
) -> Admission | None:
    query = select(Admission).where(Admission.admission_number == admission_number.strip())
    if site_code is not None:
        query = query.where(Admission.site_code == site_code)
    return session.scalar(query.order_by(Admission.id.desc()).limit(1))


def person_admissions(session: Session, person_id: int) -> list[Admission]:
    query = select(Admission).where(Admission.person_id == person_id)
    return list(session.scalars(query.order_by(Admission.admitted_at, Admission.id)))


def open_admissions(session: Session, site_code: str) -> list[Admission]:
    query = select(Admission).where(
        Admission.site_code == site_code,
        Admission.discharged_at.is_(None),
        Admission.cancelled_at.is_(None),
    )
    return list(session.scalars(query.order_by(Admission.admitted_at)))
