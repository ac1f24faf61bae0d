"""Tables for sync: the window's outbox and sent packages, what it pulled from the centre, and
the central ingest's record of packages taken in. Structure only; the work is in app/sync.

Every database has all of them (one schema everywhere); a window leaves the central ones
empty and the centre leaves the outbox empty (``OutboxState.capture`` is off there).
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base
from db.types import Money


class OutboxEntry(Base):
    """One changed row, as JSON, queued in the transaction that changed it.

    ``seq`` is gap-free and follows commit order (taken from ``OutboxState`` at commit);
    ``package_id`` is filled when a sync run packs the entry.
    """

    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entity: Mapped[str] = mapped_column(String(32))
    op: Mapped[str] = mapped_column(String(8))  # "insert" / "update"
    body: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    package_id: Mapped[str | None] = mapped_column(String(80), index=True)


class OutboxState(Base):
    """The single row (id 1) holding the last outbox sequence number handed out."""

    __tablename__ = "outbox_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer)
    capture: Mapped[bool] = mapped_column(Boolean)


class SyncPackage(Base):
    """A package this window made from its outbox: made, then sent (written and renamed)."""

    __tablename__ = "sync_package"

    package_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    site_code: Mapped[str] = mapped_column(String(16))
    window_id: Mapped[str] = mapped_column(String(32))
    first_seq: Mapped[int] = mapped_column(Integer)
    last_seq: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    body_sha256: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class PaidElsewhere(Base):
    """Year-to-date paid at another site, from the centre's published file (yuan).

    Keyed by ID number, not person: the person may never have been to this window.
    ``site_code`` is the paying site (another hospital, so not a foreign key).
    """

    __tablename__ = "paid_elsewhere"

    id_number: Mapped[str] = mapped_column(String(18), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    pool: Mapped[str] = mapped_column(String(16), primary_key=True)
    site_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    base: Mapped[Decimal] = mapped_column(Money)
    assistance: Mapped[Decimal] = mapped_column(Money)
    layers_json: Mapped[str] = mapped_column(Text)


class IngestedPackage(Base):
    """Central: a package taken in, once; its id is site + window + sequence range."""

    __tablename__ = "ingested_package"

    package_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    site_code: Mapped[str] = mapped_column(String(16))
    window_id: Mapped[str] = mapped_column(String(32), index=True)
    first_seq: Mapped[int] = mapped_column(Integer)
    last_seq: Mapped[int] = mapped_column(Integer)
    changes: Mapped[int] = mapped_column(Integer)
    body_sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255))
    ingested_at: Mapped[datetime] = mapped_column(DateTime)


class WindowProgress(Base):
    """Central: the last sequence number taken in from each window (the next must follow it)."""

    __tablename__ = "window_progress"

    window_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    site_code: Mapped[str] = mapped_column(String(16))
    last_seq: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
