"""Read-only look-ups the window, printing and bundles use."""

import unicodedata
from datetime import date, datetime, time, timedelta
from functools import cache

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from db.models import Admission, Settlement
from db.prepared import Prepared


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
) -> tuple | None:
    """The admission with this 住院号 as typed, else with it in any case ("zy01" for ZY01), at
    ``site_code`` if given: its columns as a read-only named tuple (``.id``, ``.admission_number``
    ..., values as the ORM reads them).

    Not the ORM object: loading that cost several times the indexed query (issue 18, point 4).
    A caller that changes the admission, or follows its person or checklist, takes
    ``admission_by_number``.
    """
    return _by_number(session, admission_number, site_code, orm=False)


def admission_by_number(
    session: Session, admission_number: str, site_code: str | None = None
) -> Admission | None:
    """``find_admission``'s admission as the ORM object, for a caller that changes it or follows
    its person or checklist."""
    return _by_number(session, admission_number, site_code, orm=True)


def typed_admission_number(text: str) -> str:
    """A 住院号 as typed, as it is stored and looked up: full-width letters and digits (an
    input method's 全角) as ASCII, the spaces around it left out (ＯＫ1 is OK1)."""
    text = text.strip()
    return text if text.isascii() else unicodedata.normalize("NFKC", text).strip()


def _by_number(session: Session, admission_number: str, site_code: str | None, orm: bool):
    number = typed_admission_number(admission_number)
    site = {} if site_code is None else {"site": site_code}
    for any_case, typed in ((False, number), (True, number.upper())):
        params = {"number": typed, **site}
        if orm:
            found = session.scalar(_admission_by_number(any_case, site_code is not None), params)
        else:
            found = _admission_row(any_case, site_code is not None).first(session, params)
        if found is not None:
            return found
    return None


@cache
def _admission_row(any_case: bool, at_site: bool) -> Prepared:
    return Prepared(_admission_by_number(any_case, at_site, Admission.__table__), "AdmissionRow")


@cache
def _admission_by_number(any_case: bool, at_site: bool, of=Admission):
    """The look-up by 住院号, built once (building it cost more than the indexed query), of the
    ORM entity or of the table's columns."""
    admission = Admission.__table__
    number = admission.c.admission_number
    column = func.upper(number) if any_case else number
    query = select(of).where(column == bindparam("number"))
    if at_site:
        query = query.where(admission.c.site_code == bindparam("site"))
    return query.order_by(admission.c.id.desc()).limit(1)


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
