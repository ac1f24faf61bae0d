"""Read-only look-ups the window, printing and bundles use."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, or_, select
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
    """The admission with this 住院号 as typed, else with it in any case ("zy01" for ZY01)."""
    number = admission_number.strip()
    for same in (Admission.admission_number == number, _same_letters(number)):
        query = select(Admission).where(same)
        if site_code is not None:
            query = query.where(Admission.site_code == site_code)
        found = session.scalar(query.order_by(Admission.id.desc()).limit(1))
        if found is not None:
            return found
    return None


def _same_letters(number: str):
    return func.upper(Admission.admission_number) == number.upper()


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


def admissions_touched_on(session: Session, site_code: str, day: date) -> list[Admission]:
    """The site's admissions admitted or discharged on ``day`` (the window's list of today)."""
    start = datetime.combine(day, time.min)
    end = start + timedelta(days=1)
    query = select(Admission).where(
        Admission.site_code == site_code,
        or_(
            and_(Admission.admitted_at >= start, Admission.admitted_at < end),
            and_(Admission.discharged_at >= start, Admission.discharged_at < end),
        ),
    )
    return list(session.scalars(query.order_by(Admission.admitted_at, Admission.id)))
