"""Tables for clerk accounts and the audit hash chain. Structure only; the rules live in
app/accounts and db/audit_chain.

Accounts never leave the database: the sync outbox does not capture them, so password hashes
are not sent to the centre.
"""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base


class ClerkAccount(Base):
    """A person who signs in at the window. ``name`` is also the clerk name services record."""

    __tablename__ = "clerk_account"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))  # clerk / supervisor / administrator
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id, PHC string
    must_change_password: Mapped[bool] = mapped_column(Boolean)
    failed_logins: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)


class AuditChainLink(Base):
    """One audit event's place in the chain and its hash: HMAC-SHA256 (``version`` 2, keyed
    with the store's audit key, which is not in the database) or plain SHA-256 (``version`` 1,
    links made before keys existed) of the previous link's hash followed by the event's
    canonical content. Insert-only (database triggers).

    ``seq`` follows commit order (taken from ``AuditChainState`` just before COMMIT), which on a
    shared PostgreSQL database need not be the events' id order. ``event_id`` has no foreign
    key on purpose: a deleted event must be found missing by the check, not kept by the schema.
    """

    __tablename__ = "audit_chain"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    event_id: Mapped[int] = mapped_column(Integer, unique=True)
    hash: Mapped[str] = mapped_column(String(64))
    # No Python-side default: revision 0004 seals old events through this table before the
    # column exists (revision 0010).
    version: Mapped[int] = mapped_column(Integer, server_default="1")


class AuditChainState(Base):
    """The chain's head: one row (id 1), the last position and its hash. A check compares the
    last link with it, so links cut off the end are noticed too."""

    __tablename__ = "audit_chain_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditAnchor(Base):
    """At the centre: a window's audit chain head as a sync package carried it (position and
    link hash), kept for every package. ``problem`` says why the chain this package reported
    no longer extends the window's previous anchor (None when it does)."""

    __tablename__ = "audit_anchor"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    window_id: Mapped[str] = mapped_column(String(32), index=True)
    site_code: Mapped[str] = mapped_column(String(10))
    package_id: Mapped[str] = mapped_column(String(80))
    seq: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    problem: Mapped[str | None] = mapped_column(String(500))


class SignInSession(Base):
    """One signed-in session: the proof a service checks a role on, never a typed name.

    Only the SHA-256 of the session's random token is kept, so a copy of the database signs
    no one in. ``purpose`` is ``sign_in`` (the window or a command, until signed out or
    ``expires_at``) or ``approve`` (a supervisor's password for one action at another's window,
    ended right after it). Not captured by the sync outbox, like the accounts themselves.
    """

    __tablename__ = "sign_in_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_name: Mapped[str] = mapped_column(
        String(64), ForeignKey("clerk_account.name"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
