"""Sign-in sessions: what a signed-in user holds to prove it to the services.

Signing in opens a session: a random token (``secrets.token_urlsafe``) the caller keeps and a
row holding only its SHA-256, the account and when it ends. A service checks a role on a live
session (``app.services.access.check_role``), so a typed name, a made-up token or a session
signed out or run out proves nothing. Each function works inside the caller's transaction.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from db.security_models import SignInSession

SIGN_IN, APPROVE = "sign_in", "approve"
# A working day at the window; the idle lock's password check starts it again.
SIGN_IN_LENGTH = timedelta(hours=12)
# A supervisor's password at another's window proves them for this one action only.
APPROVAL_LENGTH = timedelta(minutes=5)
_LENGTHS = {SIGN_IN: SIGN_IN_LENGTH, APPROVE: APPROVAL_LENGTH}
# Sessions over this long ago are dropped as new ones open (the audit trail keeps every
# sign-in and sign-out; a command's session is simply left to run out).
KEPT_FOR = timedelta(days=30)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(session: Session, account_name: str, now: datetime, purpose: str = SIGN_IN) -> str:
    """A new session for ``account_name``; returns its token (kept nowhere in the store)."""
    long_ago = now - KEPT_FOR
    session.execute(
        delete(SignInSession).where(
            or_(SignInSession.expires_at < long_ago, SignInSession.ended_at < long_ago)
        )
    )
    token = secrets.token_urlsafe(32)
    session.add(
        SignInSession(
            token_hash=_digest(token),
            account_name=account_name,
            purpose=purpose,
            started_at=now,
            expires_at=now + _LENGTHS[purpose],
            ended_at=None,
        )
    )
    return token


def live_session(session: Session, token: str, now: datetime) -> SignInSession | None:
    """The session ``token`` opened, if it is neither ended nor run out."""
    if not token:
        return None
    found = session.scalar(select(SignInSession).where(SignInSession.token_hash == _digest(token)))
    if found is None or found.ended_at is not None or now >= found.expires_at:
        return None
    return found


def renew_session(session: Session, token: str, now: datetime) -> bool:
    """Start a live session's time again (its password was just checked); False if it is
    ended or run out (the caller then opens a new one)."""
    found = live_session(session, token, now)
    if found is None:
        return False
    found.expires_at = now + _LENGTHS[found.purpose]
    return True


def end_session(session: Session, token: str, now: datetime) -> None:
    """End the session ``token`` opened (signed out, or the approved action done)."""
    if token:
        session.execute(
            update(SignInSession)
            .where(SignInSession.token_hash == _digest(token), SignInSession.ended_at.is_(None))
            .values(ended_at=now)
        )


def end_sessions_of(session: Session, account_name: str, now: datetime) -> None:
    """End every session of an account (disabled, or its password reset by an administrator)."""
    session.execute(
        update(SignInSession)
        .where(SignInSession.account_name == account_name, SignInSession.ended_at.is_(None))
        .values(ended_at=now)
    )
