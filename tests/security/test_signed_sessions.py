"""Roles are checked on a signed-in session, never on a typed name (issue 21, point 1).

Each test works on a real store (SQLite, and PostgreSQL when TEST_POSTGRES_URL is set): a
settlement is voided through the real service, and every refusal leaves every table as it was.
"""

import dataclasses
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from app.accounts import passwords
from app.accounts.service import (
    UserSession,
    change_password,
    confirm_role,
    create_user,
    finish_approval,
    login,
    resume,
    set_active,
    sign_out,
)
from app.services import (
    Amounts,
    DischargeInput,
    register_admission,
    settle_discharge,
    void_settlement,
)
from app.services.access import AccessDenied
from app.services.sign_in_sessions import SIGN_IN_LENGTH
from db.security_models import SignInSession
from tests.store.helpers import admission, person, snapshot, tick_all

ADMIN_PW = "Keeper#2026pass"
FIRST_PW = "Desk#2026first"
PW = "Better%2026pw"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    monkeypatch.setattr(passwords, "_dummy", [])


@pytest.fixture
def admin(store):
    create_user(store, None, "管理员", "administrator", ADMIN_PW)
    return login(store, "管理员", ADMIN_PW)


def _add(store, admin, name, role) -> UserSession:
    """A new account, signed in past its forced password change."""
    create_user(store, admin, name, role, FIRST_PW)
    return change_password(store, name, FIRST_PW, PW)


@pytest.fixture
def slip(store, make_site, admin) -> str:
    make_site(clerk=admin)
    done = register_admission(
        store, admission(person(1)), clerk="wang", now=datetime(2026, 3, 1, 10)
    )
    tick_all(store, done.admission_id)
    form = DischargeInput(done.admission_id, datetime(2026, 3, 5, 9), Amounts("5000.00"))
    return settle_discharge(store, form, clerk="wang", now=datetime(2026, 3, 5, 10)).slip_number


def _void(store, slip, actor, now=None):
    return void_settlement(store, slip, reason="录错", clerk=actor, now=now)


def test_a_name_or_nobody_without_a_session_is_refused_and_nothing_changes(store, admin, slip):
    _add(store, admin, "zhao", "supervisor")  # the supervisor exists and is signed in
    before = snapshot(store)
    with pytest.raises(AccessDenied, match="作废结算须由已登录的账户操作：“zhao”未登录") as refused:
        _void(store, slip, "zhao")
    assert refused.value.field == "clerk"
    assert str(refused.value).startswith("经办人：")  # the field, named in Chinese
    with pytest.raises(AccessDenied, match="作废结算须由已登录的账户操作：操作人未登录"):
        _void(store, slip, None)
    assert snapshot(store) == before


def test_a_session_of_too_low_a_role_is_refused(store, admin, slip):
    wang = _add(store, admin, "wang", "clerk")
    before = snapshot(store)
    with pytest.raises(AccessDenied, match="作废结算须由主管操作，wang 是经办员"):
        _void(store, slip, wang)
    # Claiming a higher role in the session object changes nothing: the store's role counts.
    with pytest.raises(AccessDenied, match="wang 是经办员"):
        _void(store, slip, dataclasses.replace(wang, role="administrator"))
    assert snapshot(store) == before


def test_a_forged_session_is_refused(store, admin, slip):
    zhao = _add(store, admin, "zhao", "supervisor")
    wang = _add(store, admin, "wang", "clerk")
    before = snapshot(store)
    forged = [
        UserSession("zhao", "supervisor", False, datetime.now()),  # no token at all
        UserSession("zhao", "supervisor", False, datetime.now(), "made-up-token"),
        dataclasses.replace(zhao, token=zhao.token[:-1] + "x"),  # one character off
        dataclasses.replace(wang, name="zhao"),  # a clerk's live token under the supervisor's name
    ]
    for session in forged:
        with pytest.raises(AccessDenied, match="zhao"):
            _void(store, slip, session)
    assert snapshot(store) == before


def test_a_signed_out_session_is_refused(store, admin, slip):
    zhao = _add(store, admin, "zhao", "supervisor")
    sign_out(store, zhao)
    before = snapshot(store)
    with pytest.raises(AccessDenied, match="zhao 的登录已失效"):
        _void(store, slip, zhao)
    assert snapshot(store) == before


def test_a_session_runs_out_and_a_disabled_account_proves_nothing(store, admin, slip):
    zhao = _add(store, admin, "zhao", "supervisor")
    late = datetime.now() + SIGN_IN_LENGTH + timedelta(minutes=1)
    with pytest.raises(AccessDenied, match="zhao 的登录已失效"):
        _void(store, slip, zhao, now=late)
    set_active(store, admin, "zhao", False)
    with pytest.raises(AccessDenied, match="zhao 的登录已失效"):
        _void(store, slip, zhao)


def test_the_right_role_with_a_live_session_voids_and_is_recorded(store, admin, slip):
    zhao = _add(store, admin, "zhao", "supervisor")
    row = _void(store, slip, zhao)
    assert row.voided and row.voided_by == "zhao"


def test_the_token_is_not_shown_nor_stored(store, admin):
    zhao = _add(store, admin, "zhao", "supervisor")
    assert zhao.token and zhao.token not in repr(zhao)
    with store.read() as session:
        hashes = list(session.scalars(select(SignInSession.token_hash)))
    assert hashes and zhao.token not in hashes
    store.engine.dispose()  # everything written through to the file
    if store.dialect == "sqlite":
        path = store.engine.url.database
        files = [Path(p) for p in (path, path + "-wal") if os.path.exists(p)]
        data = b"".join(p.read_bytes() for p in files)
        assert zhao.token.encode() not in data


def test_an_initial_password_opens_no_session(store, admin, slip):
    create_user(store, admin, "zhao", "supervisor", FIRST_PW)
    first = login(store, "zhao", FIRST_PW)
    assert first.must_change_password and first.token == ""
    with pytest.raises(AccessDenied, match="“zhao”未登录"):
        _void(store, slip, first)


def test_a_supervisor_approval_is_good_for_its_one_action(store, admin, slip):
    _add(store, admin, "zhao", "supervisor")
    approval = confirm_role(store, "zhao", PW, doing="作废结算")
    assert approval.token
    finish_approval(store, approval)
    with pytest.raises(AccessDenied, match="zhao 的登录已失效"):
        _void(store, slip, approval)
    approval = confirm_role(store, "zhao", PW, doing="作废结算")
    assert _void(store, slip, approval).voided_by == "zhao"


def test_the_idle_lock_keeps_the_session_and_a_signed_out_one_is_not_revived(store, admin):
    zhao = _add(store, admin, "zhao", "supervisor")
    again = resume(store, zhao, PW)
    assert again.token == zhao.token
    sign_out(store, zhao)
    fresh = resume(store, zhao, PW)
    assert fresh.token and fresh.token != zhao.token


def test_account_management_needs_the_administrators_session(store, admin):
    with pytest.raises(AccessDenied, match="管理员 的登录已失效"):
        create_user(store, dataclasses.replace(admin, token="forged"), "li", "clerk", FIRST_PW)
    sign_out(store, admin)
    with pytest.raises(AccessDenied, match="管理员 的登录已失效"):
        set_active(store, admin, "管理员", False)


def _live_sessions(store, name: str) -> int:
    with store.read() as session:
        rows = session.scalars(select(SignInSession).where(SignInSession.account_name == name))
        return sum(1 for row in rows if row.ended_at is None)


def test_the_desk_passes_its_session_and_none_once_signed_out(store, admin, slip):
    from app.desk import Desk

    _add(store, admin, "zhao", "supervisor")
    wang = _add(store, admin, "wang", "clerk")
    sign_out(store, wang)
    desk = Desk(store, "", "wang")
    desk.sign_in("wang", PW)
    desk.save_settings({"sync.interval_minutes": 20})  # a clerk's option, on wang's session
    with pytest.raises(AccessDenied, match="须由主管操作，wang 是经办员"):
        desk.save_settings({"security.idle_lock_minutes": 5})
    # A supervisor's password at wang's window: their own session, ended once the void is done.
    before = _live_sessions(store, "zhao")
    desk.void(slip, "录错", "zhao", PW)
    assert _live_sessions(store, "zhao") == before
    desk.sign_out()
    assert _live_sessions(store, "wang") == 0
    before = snapshot(store)
    with pytest.raises(AccessDenied, match="“wang”未登录"):
        desk.save_settings({"sync.interval_minutes": 30})  # the name the desk kept is no proof
    assert snapshot(store) == before


def test_migration_0013_adds_the_session_table_and_takes_it_away(store_target):
    from sqlalchemy import inspect

    from db.engine import make_engine
    from db.migrate import downgrade, upgrade

    engine = make_engine(store_target)
    try:
        upgrade(engine, target="0012")
        assert "sign_in_session" not in inspect(engine).get_table_names()
        upgrade(engine)
        columns = {c["name"] for c in inspect(engine).get_columns("sign_in_session")}
        assert {"token_hash", "account_name", "expires_at", "ended_at"} <= columns
        downgrade(engine, "0012")
        assert "sign_in_session" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_a_refused_approval_leaves_no_session_behind(store, admin):
    _add(store, admin, "wang", "clerk")
    before = _live_sessions(store, "wang")
    with pytest.raises(AccessDenied, match="作废结算须由主管操作"):
        confirm_role(store, "wang", PW, doing="作废结算")
    assert _live_sessions(store, "wang") == before
