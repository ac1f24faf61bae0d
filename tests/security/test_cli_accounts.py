"""Every data-changing command runs as a signed-in account (issue 21, point 1, command line):
an unknown, disabled or wrong-role user is refused and nothing is written; the role is
checked on the signed-in account, never on a typed name; scheduled runs read a credentials
file only its owner can read."""

import io
import os
from datetime import datetime

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, text

from app.accounts import passwords
from app.accounts.service import create_user, login
from app.backup import list_backups
from app.cli import main
from app.services import save_site
from db import open_store
from db.models import AuditEvent, Settlement
from tests.store.helpers import person
from tests.sync.test_two_windows import _settle

ADMIN_PW = "Keeper#2026pass"
CLERK_PW = "Desk#2026first"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    monkeypatch.setattr(passwords, "_dummy", [])


@pytest.fixture
def db(tmp_path) -> str:
    """A store with one settlement in 2026Q4, an administrator, a clerk and a disabled clerk."""
    path = tmp_path / "data" / "desk.sqlite3"
    store = open_store(path)
    save_site(
        store, code="LX01", name="测试医院", facility="county", default_policy="lanxi", clerk="s"
    )
    _settle(store, person(1), "A-1", datetime(2026, 3, 1, 8), "50000.00", "20000.00")
    create_user(store, None, "admin", "administrator", ADMIN_PW)
    admin = login(store, "admin", ADMIN_PW)
    for name in ("li", "gone"):
        create_user(store, admin, name, "clerk", CLERK_PW)
        # A first password is changed at first sign-in; here it is taken as chosen.
        with store.write() as session:
            session.execute(
                text("UPDATE clerk_account SET must_change_password = :f WHERE name = :n"),
                {"f": False, "n": name},
            )
    with store.write() as session:
        session.execute(
            text("UPDATE clerk_account SET active = :f WHERE name = 'gone'"), {"f": False}
        )
    store.close()
    return str(path)


def run(monkeypatch, capsys, *argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _facts(db: str) -> dict:
    store = open_store(db)
    try:
        with store.read() as session:
            claimed = session.scalars(select(Settlement.claimed_bundle)).all()
            events = session.execute(
                select(AuditEvent.clerk, AuditEvent.action).order_by(AuditEvent.id)
            ).all()
    finally:
        store.close()
    return {"claimed": claimed, "events": [tuple(e) for e in events]}


def _new_events(before: dict, after: dict) -> list[tuple]:
    return after["events"][len(before["events"]) :]


@pytest.mark.parametrize(
    ("user", "password"),
    [("不存在的人", "Whatever#2026x"), ("gone", CLERK_PW), ("li", "Wrong#2026pass")],
)
def test_export_bundle_refuses_whom_it_cannot_sign_in_and_writes_nothing(
    db, tmp_path, monkeypatch, capsys, user, password
):
    before = _facts(db)
    out = tmp_path / "usb"
    out.mkdir()
    code, _, err = run(monkeypatch, capsys, "export-bundle", "--period", "2026Q4", "--to",
                       str(out), "--clerk", user, "--password-stdin", "--db", db,
                       stdin=password + "\n")  # fmt: skip
    assert code == 1 and "用户名或密码不正确" in err
    after = _facts(db)
    assert after["claimed"] == before["claimed"] == [None]
    assert not any(out.iterdir())
    # Only the refused sign-in is recorded, as at the window.
    assert [action for _, action in _new_events(before, after)] == ["login_failed"]


def test_export_bundle_runs_as_the_signed_in_account(db, tmp_path, monkeypatch, capsys):
    (tmp_path / "usb").mkdir()
    before = _facts(db)
    code, _out, err = run(monkeypatch, capsys, "export-bundle", "--period", "2026Q4", "--to",
                         str(tmp_path / "usb"), "--user", "li", "--password-stdin", "--db", db,
                         stdin=CLERK_PW + "\n")  # fmt: skip
    assert code == 0, err
    after = _facts(db)
    assert after["claimed"] != [None]
    assert ("li", "claim") in _new_events(before, after)


def test_backup_and_sync_refuse_an_unknown_user_and_write_nothing(
    db, tmp_path, monkeypatch, capsys
):
    before = _facts(db)
    code, _, err = run(monkeypatch, capsys, "backup", "--to", str(tmp_path / "b"), "--user",
                       "不存在的人", "--password-stdin", "--db", db, stdin="Whatever#2026x\n")  # fmt: skip
    assert code == 1 and "用户名或密码不正确" in err
    assert list_backups(tmp_path / "b") == []
    central = tmp_path / "central"
    central.mkdir()
    code, _, err = run(monkeypatch, capsys, "sync", "--once", "--central", str(central),
                       "--user", "不存在的人", "--password-stdin", "--db", db,
                       stdin="Whatever#2026x\n")  # fmt: skip
    assert code == 1 and "用户名或密码不正确" in err
    assert not any(central.iterdir())
    assert [a for _, a in _new_events(before, _facts(db))] == ["login_failed", "login_failed"]


def test_a_data_changing_command_needs_someone_to_sign_in(db, tmp_path, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "backup", "--to", str(tmp_path / "b"),
                       "--password-stdin", "--db", db)  # fmt: skip
    assert code == 2 and "--user" in err
    assert list_backups(tmp_path / "b") == []


def test_restore_needs_an_administrator(db, tmp_path, monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "backup", "--to", str(tmp_path / "b"), "--user", "li",
                       "--password-stdin", "--db", db, stdin=CLERK_PW + "\n")  # fmt: skip
    assert code == 0
    (copy,) = list_backups(tmp_path / "b")
    before = _facts(db)
    code, _, err = run(monkeypatch, capsys, "restore", str(copy), "--user", "li",
                       "--password-stdin", "--db", db, stdin=CLERK_PW + "\n")  # fmt: skip
    assert code == 1 and "须由管理员操作，li 是经办员" in err
    # Not replaced: the clerk's sign-in, made after the backup, is still there.
    assert _facts(db)["events"] == [*before["events"], ("li", "login")]
    code, out, err = run(monkeypatch, capsys, "restore", str(copy), "--user", "admin",
                         "--password-stdin", "--db", db, stdin=ADMIN_PW + "\n")  # fmt: skip
    assert code == 0, err
    assert "已从" in out
    # The restored file's trail goes on from the backup's, and says who restored what.
    after = _facts(db)
    assert after["events"] == [*before["events"], ("admin", "restore")]
    store = open_store(db)
    try:
        with store.read() as session:
            event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    finally:
        store.close()
    assert (event.entity, event.entity_id) == ("store", copy.name)
    assert str(copy) in event.changes_json and "desk.sqlite3.before-restore-" in event.changes_json


def test_a_scheduled_backup_reads_a_credentials_file_only_its_owner_can_read(
    db, tmp_path, monkeypatch, capsys
):
    credentials = tmp_path / "backup.credentials"
    credentials.write_text(f"li\n{CLERK_PW}\n", "utf-8")
    os.chmod(credentials, 0o644)
    call = lambda: run(monkeypatch, capsys, "backup", "--to", str(tmp_path / "b"),  # noqa: E731
                       "--credentials", str(credentials), "--db", db)  # fmt: skip
    code, _, err = call()
    assert code == 2 and "chmod 600" in err
    assert list_backups(tmp_path / "b") == []
    os.chmod(credentials, 0o600)
    code, _out, err = call()
    assert code == 0, err
    assert len(list_backups(tmp_path / "b")) == 1
