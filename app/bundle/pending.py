"""The mark an export leaves while its bundle is on the way (``bundle.pending.<id>``), and the
cheap question asked at every start: did a killed export leave one? Kept apart from
``app.bundle.export`` so the start need not import the report writers (openpyxl, ReportLab)
when, as nearly always, there is nothing to reconcile."""

from sqlalchemy import exists, select

from db.models import Setting
from db.store import Store

PENDING = "bundle.pending."


def claims_pending(store: Store) -> bool:
    with store.read() as session:
        return bool(session.scalar(select(exists().where(Setting.key.like(f"{PENDING}%")))))
