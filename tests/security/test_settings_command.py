"""``python -m app settings list|get|set``, run in process with ``--password-stdin``."""

import io

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from app.accounts import passwords
from app.accounts.service import change_password, create_user, login
from app.cli import main
from app.services import save_site
from db import open_store
from db.models import AuditEvent

PW = "Keeper#2026pass"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    monkeypatch.setattr(passwords, "_dummy", [])


@pytest.fixture
def db(tmp_path) -> str:
    path = tmp_path / "data" / "desk.sqlite3"
    store = open_store(path)
    save_site(
        store, code="LX01", name="测试医院", facility="county", default_policy="lanxi", clerk="s"
    )
    create_user(store, None, "admin", "administrator", PW)
    admin = login(store, "admin", PW)
    for name, role in (("zhao", "supervisor"), ("wang", "clerk")):
        create_user(store, admin, name, role, "Start#2026first")
        change_password(store, name, "Start#2026first", PW)
    store.close()
    return str(path)


def run(monkeypatch, capsys, *argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list_and_get(db, monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "settings", "list", "--db", db)
    assert code == 0
    assert "site.name\t医院名称\t测试医院\t可修改：主管及以上" in out
    assert "security.idle_lock_minutes\t闲置锁屏时间\t10\t可修改：主管及以上" in out
    assert "sync.password\t同步密码\t未设置" in out
    assert run(monkeypatch, capsys, "settings", "get", "site.facility", "--db", db)[1] == "county\n"
    code, _, err = run(monkeypatch, capsys, "settings", "get", "no.such", "--db", db)
    assert code == 2 and "没有设置项“no.such”" in err


def test_set_needs_a_user_whose_role_allows_it(db, monkeypatch, capsys):
    call = lambda *a, stdin="": run(monkeypatch, capsys, "settings", "set", *a, "--db", db,  # noqa: E731
                                    stdin=stdin)  # fmt: skip
    code, _, err = call("security.idle_lock_minutes", "90")
    assert code == 2 and err.strip() == "闲置锁屏时间：应为 1 到 60 之间的整数分钟"
    code, _, err = call("security.idle_lock_minutes", "5")
    assert code == 2 and "--user" in err
    code, _, err = call("security.idle_lock_minutes", "5", "--user", "wang", "--password-stdin",
                        stdin=f"{PW}\n")  # fmt: skip
    assert code == 1 and "修改“闲置锁屏时间”须由主管操作，wang 是经办员" in err
    code, out, _ = call("security.idle_lock_minutes", "5", "--user", "zhao", "--password-stdin",
                        stdin=f"{PW}\n")  # fmt: skip
    assert code == 0 and out.strip() == "已修改闲置锁屏时间：10 → 5"
    code, out, _ = call("security.idle_lock_minutes", "5")  # as it is: nothing to sign for
    assert code == 0 and "未改变" in out
    code, out, _ = call("sync.interval_minutes", "20", "--user", "wang", "--password-stdin",
                        stdin=f"{PW}\n")  # fmt: skip
    assert code == 0 and out.strip() == "已修改同步间隔：10 → 20"


def test_a_secret_is_asked_not_given_on_the_command_line(db, monkeypatch, capsys, os_keyring):
    call = lambda *a, stdin="": run(monkeypatch, capsys, "settings", "set", *a, "--db", db,  # noqa: E731
                                    stdin=stdin)  # fmt: skip
    code, _, err = call("sync.password", "Bureau#2026secret")
    assert code == 2 and "不在命令行中给出" in err
    code, out, _ = call("sync.password", "--user", "zhao", "--password-stdin",
                        stdin=f"{PW}\nBureau#2026secret\n")  # fmt: skip
    assert code == 0 and out.strip() == "已修改同步密码：未设置 → 已设置"
    store = open_store(db)
    with store.read() as session:
        texts = [row.changes_json for row in session.scalars(select(AuditEvent))]
    store.close()
    assert any("sync.password" in text for text in texts)
    assert not any("Bureau" in text for text in texts)
