"""Accounts at the window: create, sign in (with lockout), change and reset passwords, unlock.

Each call is one transaction on the store and is audited (entity ``clerk_account``); audit
entries never hold a password or its hash. A failed sign-in is committed before the error is
raised, so the count of failures survives. ``now`` is the clock (tests inject it).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.accounts import passwords
from app.accounts.roles import ADMINISTRATOR, ROLE_NAMES, ROLE_RANK, SUPERVISOR, require
from app.services import audit, settings, sign_in_sessions
from app.services.access import check_role
from app.services.errors import ServiceError
from app.text import TextError, clean_text
from db import Store
from db.security_models import ClerkAccount

MAX_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)
# Printable, no spaces: the name is typed at sign-in and recorded as the clerk everywhere.
_USER_NAME = re.compile(r"^[^\s\x00-\x1f\x7f]{1,32}$")
_UNKNOWN = "(未知用户)"  # a mistyped name may be a password: never record it


_LABELS = {
    "user": "用户名",
    "password": "密码",
    "new_password": "新密码",
    "role": "角色",
}


class AccountError(ServiceError):
    """Bad sign-in or account input; ``str()`` names the field in Chinese."""

    def __init__(self, field: str, message: str):
        super().__init__(field, message)
        if field in _LABELS:
            self.label = _LABELS[field]
            self.args = (f"{self.label}：{message}",)


@dataclass(frozen=True)
class UserSession:
    """Who is signed in at the window, as what. Services that check a role take the session
    itself (its ``token`` is the proof, checked against the live sign-in in the store);
    the others record ``name``. The token is never shown (repr, logs) nor stored."""

    name: str
    role: str
    must_change_password: bool
    signed_in_at: datetime
    token: str = field(default="", repr=False, compare=False)

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]


@dataclass(frozen=True)
class AccountInfo:
    name: str
    role: str
    active: bool
    must_change_password: bool
    failed_logins: int
    locked_until: datetime | None
    last_login_at: datetime | None
    created_at: datetime
    created_by: str

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


def _check_name(name: str) -> str:
    try:
        name = clean_text(name)
    except TextError as exc:
        raise AccountError("user", exc.reason) from None
    if not _USER_NAME.match(name):
        raise AccountError("user", "应为 1 到 32 个字符，不含空格")
    return name


def _check_new_password(password: str, name: str) -> None:
    problems = passwords.password_problems(password or "", name)
    if problems:
        raise AccountError("new_password", "；".join(problems))


def _check_role_name(role: str) -> str:
    if role not in ROLE_RANK:
        known = "、".join(f"{key}（{label}）" for key, label in ROLE_NAMES.items())
        raise AccountError("role", f"“{role}”不是已知角色，应为：{known}")
    return role


def _refused() -> AccountError:
    """The one answer to a refused sign-in: an unknown name, a wrong password and a locked
    account look alike, so the window tells no stranger which names exist or are locked (an
    administrator sees locks in ``python -m app user list`` and lifts them with ``unlock``)."""
    minutes = int(LOCK_DURATION.total_seconds() // 60)
    return AccountError(
        "password",
        f"用户名或密码不正确（连续 {MAX_FAILURES} 次输错将锁定 {minutes} 分钟，也可请管理员解锁）",
    )


def _authenticate(
    session: Session, name: str, password: str, now: datetime
) -> ClerkAccount | AccountError:
    """The account if ``password`` is right; else the error to raise after committing.

    Every path checks one argon2 hash, so the time taken does not tell the cases apart either.
    """
    account = session.get(ClerkAccount, (name or "").strip()[:64], with_for_update=True)
    if account is None or not account.active:
        passwords.spend_verify_time(password or "")
        audit.record(
            session,
            clerk=_UNKNOWN,
            action="login_failed",
            entity="clerk_account",
            entity_id=_UNKNOWN if account is None else account.name,
            changes={"reason": "unknown" if account is None else "inactive"},
            at=now,
        )
        return _refused()
    if account.locked_until is not None:
        if now < account.locked_until:
            passwords.verify_password(account.password_hash, password or "")  # same time
            audit.record(
                session,
                clerk=account.name,
                action="login_failed",
                entity="clerk_account",
                entity_id=account.name,
                changes={"reason": "locked", "locked_until": account.locked_until},
                at=now,
            )
            return _refused()
        account.locked_until = None  # the lock has run out: a fresh count
        account.failed_logins = 0
    if not passwords.verify_password(account.password_hash, password or ""):
        account.failed_logins += 1
        locked = account.failed_logins >= MAX_FAILURES
        if locked:
            account.locked_until = now + LOCK_DURATION
        audit.record(
            session,
            clerk=account.name,
            action="lockout" if locked else "login_failed",
            entity="clerk_account",
            entity_id=account.name,
            changes={"failed_logins": account.failed_logins, "locked_until": account.locked_until},
            at=now,
        )
        return _refused()
    account.failed_logins = 0
    if passwords.needs_rehash(account.password_hash):
        account.password_hash = passwords.hash_password(password)
    return account


def _session_of(
    session: Session, account: ClerkAccount, now: datetime, purpose: str | None
) -> UserSession:
    """The signed-in session of ``account``; ``purpose`` None (or an account that must
    first change its password) opens no session in the store, so it proves nothing."""
    token = ""
    if purpose is not None and not account.must_change_password:
        token = sign_in_sessions.open_session(session, account.name, now, purpose)
    return UserSession(account.name, account.role, account.must_change_password, now, token)


def login(store: Store, name: str, password: str, *, now: datetime | None = None) -> UserSession:
    """Sign in. Five wrong passwords in a row lock the account for 15 minutes; a refusal
    always raises the same ``AccountError`` (field ``password``), locked or not.

    A session with ``must_change_password`` may only be used to ``change_password``.
    """
    return _check_password(store, name, password, now=now)


def _check_password(
    store: Store,
    name: str,
    password: str,
    *,
    now: datetime | None = None,
    approving: str | None = None,
    resuming: str = "",
) -> UserSession:
    """``login``; with ``approving`` (the action in words) it is a second person's approval
    of one action, audited as ``approve``, not as a sign-in (no last sign-in recorded); with
    ``resuming`` (a session's token) that session goes on if it is still live."""
    now = now or datetime.now()
    with store.write() as session:
        outcome = _authenticate(session, name, password, now)
        if isinstance(outcome, ClerkAccount):
            if approving is None:
                outcome.last_login_at = now
            audit.record(
                session,
                clerk=outcome.name,
                action="login" if approving is None else "approve",
                entity="clerk_account",
                entity_id=outcome.name,
                changes={"role": outcome.role}
                if approving is None
                else {"role": outcome.role, "approved": approving},
                at=now,
            )
            if resuming and sign_in_sessions.renew_session(session, resuming, now):
                outcome = UserSession(
                    outcome.name, outcome.role, outcome.must_change_password, now, resuming
                )
            else:
                purpose = (
                    sign_in_sessions.SIGN_IN if approving is None else sign_in_sessions.APPROVE
                )
                outcome = _session_of(session, outcome, now, purpose)
    if isinstance(outcome, AccountError):
        raise outcome
    return outcome


def resume(
    store: Store, user: UserSession, password: str, *, now: datetime | None = None
) -> UserSession:
    """The signed-in user's password again (after the idle lock; failures count like
    ``login``): the same session goes on with its time started again, or a new one if it
    has ended or run out meanwhile."""
    return _check_password(store, user.name, password, now=now, resuming=user.token)


def finish_approval(store: Store, approver: UserSession, *, now: datetime | None = None) -> None:
    """End a supervisor's approval session once the one action it was given for is done."""
    with store.write() as session:
        sign_in_sessions.end_session(session, approver.token, now or datetime.now())


def confirm_role(
    store: Store,
    name: str,
    password: str,
    role: str = SUPERVISOR,
    *,
    doing: str = "此操作",
    now: datetime | None = None,
) -> UserSession:
    """A second person's password at the window (a supervisor allowing a void or an override):
    checked for this one action, counting failures like ``login``; the audit trail shows an
    approval (``approve``, with ``doing``), not a sign-in."""
    user = _check_password(store, name, password, now=now, approving=doing)
    if user.must_change_password:
        # Said of the new password: the window then asks for it in the same dialog.
        raise AccountError(
            "new_password",
            f"{user.name} 尚未修改初始密码：请本人在此设置新密码，修改后即可{doing}",
        )
    try:
        require(user, role, doing)
    except ServiceError:
        finish_approval(store, user, now=now)  # nobody may use a refused approval
        raise
    return user


def change_password(
    store: Store,
    name: str,
    old_password: str,
    new_password: str,
    *,
    now: datetime | None = None,
    sign_in: bool = True,
) -> UserSession:
    """Change one's own password (required after the first sign-in); returns a usable session
    (``sign_in`` False: a supervisor changing it at another's window, where only the approval
    that follows opens a session).

    A wrong old password counts as a failed sign-in. The account's other sessions end (a
    window signed in with the old password proves nothing any more); the window that changed
    it goes on with the session returned here.
    """
    now = now or datetime.now()
    name = (name or "").strip()
    _check_new_password(new_password, name)
    if new_password == old_password:
        raise AccountError("new_password", "新密码不能与原密码相同")
    with store.write() as session:
        outcome = _authenticate(session, name, old_password, now)
        if isinstance(outcome, ClerkAccount):
            outcome.password_hash = passwords.hash_password(new_password)
            outcome.must_change_password = False
            outcome.password_changed_at = now
            outcome.last_login_at = now
            sign_in_sessions.end_sessions_of(session, outcome.name, now)
            audit.record(
                session,
                clerk=outcome.name,
                action="change",
                entity="clerk_account",
                entity_id=outcome.name,
                changes={"password": "changed", "must_change_password": [True, False]},
                at=now,
            )
            outcome = _session_of(
                session, outcome, now, sign_in_sessions.SIGN_IN if sign_in else None
            )
    if isinstance(outcome, AccountError):
        raise outcome
    return outcome


def needs_first_administrator(store: Store) -> bool:
    """True until an administrator account exists (the window then asks to create one)."""
    with store.read() as session:
        return not _administrator_exists(session)


def _administrator_exists(session: Session) -> bool:
    return bool(session.scalar(select(exists().where(ClerkAccount.role == ADMINISTRATOR))))


def create_user(
    store: Store,
    actor: UserSession | None,
    name: str,
    role: str,
    password: str,
    *,
    now: datetime | None = None,
) -> AccountInfo:
    """Create an account. ``actor`` None is allowed once: the first administrator, who chose
    this password; an account an administrator creates must change its password at first sign-in.
    """
    now = now or datetime.now()
    name = _check_name(name)
    role = _check_role_name(role)
    _check_new_password(password, name)
    if actor is not None:
        require(actor, ADMINISTRATOR, "管理账户")
    elif role != ADMINISTRATOR:
        raise AccountError("role", "首个账户须为管理员（administrator）")
    password_hash = passwords.hash_password(password)
    with store.write() as session:
        if actor is None and _administrator_exists(session):
            raise AccountError("user", "已有管理员：新建账户须由管理员登录后操作")
        if actor is not None:
            check_role(session, actor, ADMINISTRATOR, doing="管理账户", field="clerk", now=now)
        if session.get(ClerkAccount, name) is not None:
            raise AccountError("user", f"用户名“{name}”已存在")
        account = ClerkAccount(
            name=name,
            role=role,
            password_hash=password_hash,
            must_change_password=actor is not None,
            failed_logins=0,
            locked_until=None,
            active=True,
            created_at=now,
            created_by=actor.name if actor else name,
            password_changed_at=now,
            last_login_at=None,
        )
        session.add(account)
        audit.record(
            session,
            clerk=actor.name if actor else name,
            action="create",
            entity="clerk_account",
            entity_id=name,
            changes={"role": role, "must_change_password": account.must_change_password},
            at=now,
        )
        return _info(account)


def _admin_account(session: Session, admin: UserSession, name: str, now: datetime) -> ClerkAccount:
    check_role(session, admin, ADMINISTRATOR, doing="管理账户", field="clerk", now=now)
    account = session.get(ClerkAccount, (name or "").strip(), with_for_update=True)
    if account is None:
        raise AccountError("user", f"没有用户名为“{name}”的账户")
    return account


def reset_password(
    store: Store, admin: UserSession, name: str, new_password: str, *, now: datetime | None = None
) -> AccountInfo:
    """An administrator sets someone's password; they must change it at the next sign-in,
    and every session the account has open ends (whoever held the old password is out)."""
    now = now or datetime.now()
    require(admin, ADMINISTRATOR, "重置密码")
    _check_new_password(new_password, (name or "").strip())
    with store.write() as session:
        account = _admin_account(session, admin, name, now)
        account.password_hash = passwords.hash_password(new_password)
        account.must_change_password = True
        account.password_changed_at = now
        account.failed_logins = 0
        account.locked_until = None
        sign_in_sessions.end_sessions_of(session, account.name, now)
        audit.record(
            session,
            clerk=admin.name,
            action="change",
            entity="clerk_account",
            entity_id=account.name,
            changes={"password": "reset", "must_change_password": True},
            at=now,
        )
        return _info(account)


def unlock(
    store: Store, admin: UserSession, name: str, *, now: datetime | None = None
) -> AccountInfo:
    """An administrator lifts a lockout before its 15 minutes are up."""
    now = now or datetime.now()
    require(admin, ADMINISTRATOR, "解锁账户")
    with store.write() as session:
        account = _admin_account(session, admin, name, now)
        audit.record(
            session,
            clerk=admin.name,
            action="unlock",
            entity="clerk_account",
            entity_id=account.name,
            changes={"locked_until": [account.locked_until, None]},
            at=now,
        )
        account.failed_logins = 0
        account.locked_until = None
        return _info(account)


def _info(account: ClerkAccount) -> AccountInfo:
    return AccountInfo(
        name=account.name,
        role=account.role,
        active=account.active,
        must_change_password=account.must_change_password,
        failed_logins=account.failed_logins,
        locked_until=account.locked_until,
        last_login_at=account.last_login_at,
        created_at=account.created_at,
        created_by=account.created_by,
    )


def list_users(store: Store) -> list[AccountInfo]:
    with store.read() as session:
        return [_info(a) for a in session.scalars(select(ClerkAccount).order_by(ClerkAccount.name))]


def idle_lock_minutes(store: Store) -> int:
    """Minutes without input after which the window locks (``security.idle_lock_minutes``,
    changed with ``app.services.settings.save``)."""
    return settings.idle_lock_minutes(store)


def _last_administrator(session: Session, account: ClerkAccount) -> bool:
    """True when ``account`` is the only active administrator left."""
    if account.role != ADMINISTRATOR or not account.active:
        return False
    others = select(ClerkAccount.name).where(
        ClerkAccount.role == ADMINISTRATOR,
        ClerkAccount.active.is_(True),
        ClerkAccount.name != account.name,
    )
    return session.scalar(others.limit(1)) is None


def set_active(
    store: Store, admin: UserSession, name: str, active: bool, *, now: datetime | None = None
) -> AccountInfo:
    """An administrator disables an account (it can no longer sign in or approve; its records
    keep its name) or enables it again. Nobody disables themselves or the last administrator."""
    now = now or datetime.now()
    require(admin, ADMINISTRATOR, "停用账户" if not active else "启用账户")
    with store.write() as session:
        account = _admin_account(session, admin, name, now)
        if not active and account.name == admin.name:
            raise AccountError("user", "不能停用自己正在使用的账户")
        if not active and _last_administrator(session, account):
            raise AccountError("user", "这是唯一的管理员账户，不能停用")
        _change(session, admin, account, "active", active, now)
        if not active:  # a disabled account's sessions prove nothing any more
            sign_in_sessions.end_sessions_of(session, account.name, now)
        return _info(account)


def set_role(
    store: Store, admin: UserSession, name: str, role: str, *, now: datetime | None = None
) -> AccountInfo:
    """An administrator changes an account's role (audited, old → new); the last active
    administrator keeps theirs."""
    now = now or datetime.now()
    require(admin, ADMINISTRATOR, "修改角色")
    role = _check_role_name(role)
    with store.write() as session:
        account = _admin_account(session, admin, name, now)
        if role != account.role and _last_administrator(session, account):
            raise AccountError("role", "这是唯一的管理员账户，不能改为其他角色")
        _change(session, admin, account, "role", role, now)
        return _info(account)


def _change(
    session: Session, admin: UserSession, account: ClerkAccount, key: str, value, now: datetime
) -> None:
    """Set one field of ``account`` to ``value``, audited (old → new) when it changes."""
    old = getattr(account, key)
    if old == value:
        return
    audit.record(
        session,
        clerk=admin.name,
        action="change",
        entity="clerk_account",
        entity_id=account.name,
        changes={key: [old, value]},
        at=now,
    )
    setattr(account, key, value)


def sign_out(store: Store, user: UserSession, *, now: datetime | None = None) -> None:
    """Record that ``user`` signed out (or handed the window to someone else) and end the
    session: its token proves nothing from now on."""
    now = now or datetime.now()
    with store.write() as session:
        sign_in_sessions.end_session(session, user.token, now)
        audit.record(
            session,
            clerk=user.name,
            action="logout",
            entity="clerk_account",
            entity_id=user.name,
            changes={"role": user.role},
            at=now,
        )
