"""Slip numbers: ``<site code>-<year>-<sequence>``, e.g. ``TEZ01-2026-000123``.

Plain ASCII letters, digits and hyphens, so a Code 128 barcode carries them as printed.
The counter is bumped by one upsert inside the settling transaction: on PostgreSQL the row
lock makes concurrent windows wait their turn; on SQLite the write transaction does.
"""

from sqlalchemy.orm import Session

from db.models import SlipCounter
from db.upsert import dialect_insert


def format_slip_number(site_code: str, year: int, sequence: int) -> str:
    return f"{site_code}-{year}-{sequence:06d}"


def next_slip_number(session: Session, site_code: str, year: int) -> str:
    statement = dialect_insert(session, SlipCounter).values(
        site_code=site_code, year=year, last_number=1
    )
    statement = statement.on_conflict_do_update(
        index_elements=[SlipCounter.site_code, SlipCounter.year],
        set_={"last_number": SlipCounter.last_number + 1},
    ).returning(SlipCounter.last_number)
    sequence = session.execute(statement).scalar_one()
    return format_slip_number(site_code, year, sequence)
