"""The account, audit, backup, restore and policy commands, run in process with
``--password-stdin`` (one password per line, in the order the command asks)."""

import io
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from app.accounts import passwords
from app.cli import main
from app.policy import load_policies
from app.services import save_site
from db import open_store
from tests.security.tampering import run_untriggered

ADMIN_PW = "Keeper#2026pass"
CLERK_PW = "Desk#2026first"


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
    store.close()
    return str(path)


def run(monkeypatch, capsys, *argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_user_add_list_unlock_passwd(db, monkeypatch, capsys):
    call = lambda *a, stdin="": run(monkeypatch, capsys, *a, "--db", db, stdin=stdin)  # noqa: E731
    code, out, _ = call("user", "add", "admin", "--role", "administrator", "--password-stdin",
                        stdin=f"{ADMIN_PW}\n")  # fmt: skip
    assert code == 0 and "已新建账户 admin，角色：管理员" in out
    code, _, err = call("user", "add", "wang", "--role", "clerk", "--password-stdin", stdin="x\n")
    assert code == 2 and "--admin" in err
    code, _, err = call("user", "add", "wang", "--role", "clerk", "--admin", "admin",
                        "--password-stdin", stdin=f"{ADMIN_PW}\nshort\n")  # fmt: skip
    assert code == 1 and "新密码：长度规则：至少 10 个字符" in err
    code, out, _ = call("user", "add", "wang", "--role", "clerk", "--admin", "admin",
                        "--password-stdin", stdin=f"{ADMIN_PW}\n{CLERK_PW}\n")  # fmt: skip
    assert code == 0 and "首次登录须修改密码" in out
    code, out, _ = call("user", "list")
    assert "wang\t经办员\t最近登录 从未登录\t须修改初始密码" in out
    for _ in range(5):
        call("user", "passwd", "wang", "--password-stdin", stdin="Wrong#2026x\nNew#2026second\n")
    assert "锁定至" in call("user", "list")[1]
    code, _, err = call("user", "unlock", "wang", "--admin", "admin", "--password-stdin",
                        stdin="Wrong#2026x\n")  # fmt: skip
    assert code == 1 and "用户名或密码不正确" in err
    code, out, _ = call("user", "unlock", "wang", "--admin", "admin", "--password-stdin",
                        stdin=f"{ADMIN_PW}\n")  # fmt: skip
    assert code == 0 and "已解锁账户 wang" in out
    code, out, _ = call("user", "passwd", "wang", "--password-stdin",
                        stdin=f"{CLERK_PW}\nNew#2026second\n")  # fmt: skip
    assert code == 0 and "须修改初始密码" not in call("user", "list")[1]
    code, out, _ = call("user", "passwd", "wang", "--admin", "admin", "--password-stdin",
                        stdin=f"{ADMIN_PW}\nReset#2026third\n")  # fmt: skip
    assert code == 0 and "下次登录须修改密码" in out


def test_audit_verify_names_the_edited_row(db, monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "audit", "verify", "--db", db)
    assert code == 0 and "审计哈希链完整：1 条记录" in out
    store = open_store(db)
    run_untriggered(store, "UPDATE audit_event SET clerk = 'x' WHERE id = 1")
    store.close()
    code, _, err = run(monkeypatch, capsys, "audit", "verify", "--db", db)
    assert code == 1 and "第一处：审计记录 #1 已被改动" in err


def test_audit_verify_is_no_clean_bill_when_the_sent_log_is_damaged(db, monkeypatch, capsys):
    """The audit heads kept outside the database (the sync sent log) are what shows a chain
    rewritten whole: a log that cannot be read is said, and the check does not pass."""
    from app.sync.sent_log import log_path

    store = open_store(db)
    log = log_path(store)
    store.close()
    log.write_text('{"windows": {"W1": {"audit_anchors": [[1, "ab', encoding="utf-8")
    code, out, err = run(monkeypatch, capsys, "audit", "verify", "--db", db)
    assert code == 1 and "审计哈希链完整" in out
    assert str(log) in err and "已损坏" in err and "锚点未能核对" in err


def test_audit_export_needs_a_supervisor_once_accounts_exist(db, tmp_path, monkeypatch, capsys):
    out_file = tmp_path / "audit.xlsx"
    code, out, _ = run(monkeypatch, capsys, "audit", "export", "--out", str(out_file), "--db", db)
    assert code == 0 and "已导出 1 条审计记录" in out and out_file.exists()
    run(monkeypatch, capsys, "user", "add", "admin", "--role", "administrator", "--password-stdin",
        "--db", db, stdin=f"{ADMIN_PW}\n")  # fmt: skip
    code, _, err = run(monkeypatch, capsys, "audit", "export", "--out", str(out_file), "--db", db)
    assert code == 2 and "须由主管操作" in err
    code, out, _ = run(monkeypatch, capsys, "audit", "export", "--out", str(tmp_path / "a.csv"),
                       "--user", "admin", "--password-stdin", "--db", db, stdin=f"{ADMIN_PW}\n")  # fmt: skip
    assert code == 0 and "已导出" in out


def test_backup_restore_and_a_damaged_file(db, tmp_path, monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "backup", "--db", db)
    assert code == 0 and "已备份到" in out
    made = Path(out.split("已备份到 ")[1].split()[0])
    to = tmp_path / "stick"
    code, out, _ = run(monkeypatch, capsys, "backup", "--db", db, "--to", str(to))
    assert code == 0 and len(list(to.iterdir())) == 1
    # Damage the database: every command that opens it says so and names the backup.
    damaged = Path(db)
    shutil.copyfile(damaged, tmp_path / "good.sqlite3")
    with open(damaged, "r+b") as handle:
        for offset in range(4096, damaged.stat().st_size, 4096):
            handle.seek(offset)
            handle.write(b"\xff\x00" * 2048)
    for argv in (("user", "list"), ("audit", "verify"), ("backup",)):
        code, _, err = run(monkeypatch, capsys, *argv, "--db", db)
        assert code == 3 and "数据库文件已损坏" in err and str(made) in err, argv
    code, out, _ = run(monkeypatch, capsys, "restore", str(made), "--db", db)
    assert code == 0 and "原数据库文件另存为" in out
    assert run(monkeypatch, capsys, "audit", "verify", "--db", db)[0] == 0


def test_backup_of_postgresql_points_to_pg_dump(monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "backup", "--db", "postgresql://h/db")
    assert code == 2 and "pg_dump" in err


def test_policy_approve_and_status(db, tmp_path, monkeypatch, capsys):
    folder = tmp_path / "policies"
    shutil.copytree(Path(load_policies()["lanxi"].path).parent, folder)
    monkeypatch.setenv("ONESTOP_POLICIES", str(folder))
    code, _, err = run(monkeypatch, capsys, "policy", "status", "--db", db)
    assert code == 1 and "尚未经管理员核准" in err
    run(monkeypatch, capsys, "user", "add", "admin", "--role", "administrator", "--password-stdin",
        "--db", db, stdin=f"{ADMIN_PW}\n")  # fmt: skip
    code, out, _ = run(monkeypatch, capsys, "policy", "approve", "--admin", "admin",
                       "--password-stdin", "--db", db, stdin=f"{ADMIN_PW}\n")  # fmt: skip
    assert code == 0 and "已核准" in out
    code, out, _ = run(monkeypatch, capsys, "policy", "status", "--db", db)
    assert code == 0 and "均与核准清单一致" in out
    edited = next(folder.glob("lanxi*.toml"))
    edited.write_bytes(edited.read_bytes() + b"\n# changed\n")
    code, _, err = run(monkeypatch, capsys, "policy", "status", "--db", db)
    assert code == 1 and f"lanxi\t{edited}\t文件内容已改动，与admin 于" in err
    assert datetime.now().strftime("%Y-%m-%d") in err
