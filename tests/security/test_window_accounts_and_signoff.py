"""The services behind the window's account page and policy sign-off (issue 15), on SQLite
and PostgreSQL: nobody disables themselves or the last administrator, a supervisor's approval
is audited as ``approve`` (not as a sign-in), one file is approved or refused at a time, and an
edit is shown key by key against the text that was approved."""

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from app.accounts import passwords
from app.accounts.service import (
    AccountError,
    change_password,
    confirm_role,
    create_user,
    login,
    set_active,
    set_role,
    sign_out,
)
from app.policy import load_policies
from app.services.errors import ServiceError
from app.services.policy_hashes import (
    approve_policies,
    approved_text,
    policy_changes,
    policy_diff,
    refusals,
    refuse_policy,
)
from db.models import AuditEvent

T0 = datetime(2026, 5, 1, 8, 0)
ADMIN, ADMIN_PW = "管理员", "Keeper#2026pass"
FIRST_PW, NEW_PW = "Desk#2026first", "Better%2026pw"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    monkeypatch.setattr(passwords, "_dummy", [])


@pytest.fixture
def admin(store):
    create_user(store, None, ADMIN, "administrator", ADMIN_PW, now=T0)
    return login(store, ADMIN, ADMIN_PW, now=T0)


def audited(store, name: str) -> list[tuple[str, str]]:
    with store.read() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.clerk == name))
        return [(row.action, row.changes_json) for row in rows]


def test_nobody_disables_themselves_or_demotes_the_last_administrator(store, admin):
    with pytest.raises(AccountError, match="不能停用自己"):
        set_active(store, admin, ADMIN, False, now=T0)
    with pytest.raises(AccountError, match="唯一的管理员"):
        set_role(store, admin, ADMIN, "clerk", now=T0)
    create_user(store, admin, "wang", "clerk", FIRST_PW, now=T0)
    assert set_role(store, admin, "wang", "administrator", now=T0).role == "administrator"
    assert not set_active(store, admin, "wang", False, now=T0).active
    with pytest.raises(AccountError):
        login(store, "wang", FIRST_PW, now=T0)  # a disabled account cannot sign in
    assert set_active(store, admin, "wang", True, now=T0).active
    changes = [c for action, c in audited(store, ADMIN) if action == "change"]
    assert any('"role"' in c for c in changes) and sum('"active"' in c for c in changes) == 2


def test_an_approval_is_audited_as_an_approval_and_asks_for_a_first_password(store, admin):
    create_user(store, admin, "zhang", "supervisor", FIRST_PW, now=T0)
    with pytest.raises(AccountError) as refused:
        confirm_role(store, "zhang", FIRST_PW, doing="作废结算", now=T0)
    assert refused.value.field == "new_password" and "尚未修改初始密码" in refused.value.message
    change_password(store, "zhang", FIRST_PW, NEW_PW, now=T0)
    confirm_role(store, "zhang", NEW_PW, doing="作废结算", now=T0)
    actions = [action for action, _c in audited(store, "zhang")]
    assert actions.count("approve") == 2 and "login" not in actions
    sign_out(store, login(store, "zhang", NEW_PW, now=T0), now=T0)
    assert [a for a, _c in audited(store, "zhang")][-2:] == ["login", "logout"]


@pytest.fixture
def folder(tmp_path, policies) -> Path:
    copy = tmp_path / "policies"
    shutil.copytree(policies["lanxi"].path.parent, copy)
    return copy


def test_one_file_is_approved_or_refused_and_its_edit_is_shown_key_by_key(store, admin, folder):
    approve_policies(store, admin, load_policies(folder), now=T0)
    lanxi = folder / "lanxi.toml"
    before = lanxi.read_text(encoding="utf-8")
    assert approved_text(store, "lanxi") == before
    lanxi.write_text(before.replace("amount = 80000", "amount = 90000", 1), encoding="utf-8")
    edited = load_policies(folder)
    diff = policy_diff(approved_text(store, "lanxi"), lanxi.read_text(encoding="utf-8"))
    assert [(d.key, d.approved, d.current) for d in diff] == [
        ("versions[1].caps[1].amount", "80000", "90000")
    ]
    with pytest.raises(ServiceError, match="须填写理由"):
        refuse_policy(store, admin, edited["lanxi"], " ")
    refuse_policy(store, admin, edited["lanxi"], "与原文不符", now=T0)
    assert refusals(store)["lanxi"]["reason"] == "与原文不符"
    assert [c.id for c in policy_changes(edited, store)] == ["lanxi"]
    approve_policies(store, admin, edited, only=["lanxi"], now=T0)
    assert policy_changes(edited, store) == [] and refusals(store) == {}
    # A file edited again after loading is not signed off with a stale hash.
    lanxi.write_text(before, encoding="utf-8")
    with pytest.raises(ServiceError, match="又被改动"):
        approve_policies(store, admin, edited, only=["lanxi"])
