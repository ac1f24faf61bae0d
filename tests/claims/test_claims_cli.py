"""``python -m app claims list|show|approve|batch|paid`` on a real SQLite store: a claim taken
in at the window is approved by a signed-in supervisor, batched, failed by the bank, batched
again and paid."""

import io

import pytest
from sqlalchemy import select

from app.accounts.service import create_user, login
from app.cli import main
from app.services import save_site
from db import open_store
from db.models import AuditEvent
from tests.store.helpers import person, snapshot
from tests.store.test_paid_later import JINGJIANG_REFERRAL
from tests.store.test_paid_later import intake as service_intake

SUPERVISOR_PW = "Qz7#kLm2pXw9"
ADMIN = ("--user", "管理员甲", "--password-stdin")  # the password then comes on stdin


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "desk.sqlite3"
    store = open_store(path)
    save_site(
        store,
        code="JJ01",
        name="靖江某镇卫生院",
        facility="grassroots",
        default_policy="jingjiang",
        clerk="管理员",
    )
    claim = service_intake(
        store,
        person(1, "jingjiang"),
        policy="jingjiang",
        facility="county",
        materials=JINGJIANG_REFERRAL,
    )
    create_user(store, None, "管理员甲", "administrator", SUPERVISOR_PW)
    admin = login(store, "管理员甲", SUPERVISOR_PW)
    create_user(store, admin, "主管乙", "supervisor", "Wx8$mNb3qLz7")
    store.close()
    assert claim.claim_number == "JJ01-BX2026-000001"
    return str(path)


def run(capsys, monkeypatch, *argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_claims_from_the_command_line(db, tmp_path, capsys, monkeypatch):
    number = "JJ01-BX2026-000001"
    code, out, _ = run(capsys, monkeypatch, "claims", "list", "--db", db)
    assert code == 0 and number in out and "已受理待审核" in out

    code, out, _ = run(capsys, monkeypatch, "claims", "show", number, "--db", db)
    assert code == 0 and "第十九条(二)" in out and "第二十四条(一)" in out

    # a wrong password, then the supervisor's
    code, _, err = run(
        capsys,
        monkeypatch,
        "claims",
        "approve",
        number,
        "--user",
        "管理员甲",
        "--password-stdin",
        "--db",
        db,
        stdin="wrong\n",
    )
    assert code == 2 and number not in err
    code, out, _ = run(
        capsys,
        monkeypatch,
        "claims",
        "approve",
        number,
        "--user",
        "管理员甲",
        "--password-stdin",
        "--db",
        db,
        stdin=f"{SUPERVISOR_PW}\n",
    )
    assert code == 0 and "已审核待支付" in out

    target = tmp_path / "usb"
    target.mkdir()
    # Nobody signed in: refused before anything is written.
    code, _, err = run(capsys, monkeypatch, "claims", "batch", "--to", str(target), "--db", db)
    assert code == 2 and "--user" in err and not any(target.iterdir())
    code, out, _ = run(capsys, monkeypatch, "claims", "batch", "--to", str(target), *ADMIN,
                       "--db", db, stdin=f"{SUPERVISOR_PW}\n")  # fmt: skip
    assert code == 0 and "JJ01-DF2026-000001" in out and "5600.00" in out
    assert (target / "代发清单-JJ01-DF2026-000001" / "代发清单-JJ01-DF2026-000001.xlsx").is_file()

    code, out, _ = run(
        capsys,
        monkeypatch,
        "claims",
        "paid",
        "JJ01-DF2026-000001",
        "--claim",
        number,
        "--failed",
        "账户已销户",
        *ADMIN,
        "--db",
        db,
        stdin=f"{SUPERVISOR_PW}\n",
    )
    assert code == 0 and "failed" in out
    code, out, err = run(capsys, monkeypatch, "claims", "batch", "--to", str(target), *ADMIN,
                         "--db", db, stdin=f"{SUPERVISOR_PW}\n")  # fmt: skip
    assert code == 0 and "JJ01-DF2026-000002" in out
    answer = tmp_path / "bank.csv"
    answer.write_text(f"报销单号,结果,失败原因\n{number},成功,\n", encoding="utf-8")
    code, out, _ = run(
        capsys,
        monkeypatch,
        "claims",
        "paid",
        "JJ01-DF2026-000002",
        "--file",
        str(answer),
        *ADMIN,
        "--db",
        db,
        stdin=f"{SUPERVISOR_PW}\n",
    )
    assert code == 0 and "paid" in out
    code, out, _ = run(capsys, monkeypatch, "claims", "list", "--status", "paid", "--db", db)
    assert number in out

    # nothing approved is left: a clear refusal, exit 2
    code, _, err = run(capsys, monkeypatch, "claims", "batch", "--to", str(target), *ADMIN,
                       "--db", db, stdin=f"{SUPERVISOR_PW}\n")  # fmt: skip
    assert code == 2 and "代发清单为空" in err


def test_an_unknown_user_cannot_approve(db, capsys, monkeypatch):
    store = open_store(db)
    before = snapshot(store)
    store.close()
    code, _, _ = run(
        capsys,
        monkeypatch,
        "claims",
        "approve",
        "JJ01-BX2026-000001",
        "--user",
        "无此人",
        "--password-stdin",
        "--db",
        db,
        stdin="whatever\n",
    )
    assert code == 2
    # Nothing written but the refused sign-in: the claim still waits for its review.
    store = open_store(db)
    try:
        after = snapshot(store)
        assert {k: v for k, v in after.items() if not k.startswith("audit")} == {
            k: v for k, v in before.items() if not k.startswith("audit")
        }
        with store.read() as session:
            events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [e.action for e in events[len(before["audit_event"]) :]] == ["login_failed"]
    finally:
        store.close()


def test_a_mistyped_command_is_answered_in_chinese(db, capsys, monkeypatch):
    code, out, _ = run(
        capsys, monkeypatch, "claims", "list", "--status", "已受理待审核", "--db", db
    )
    assert code == 0 and "JJ01-BX2026-000001" in out  # the list's own Chinese name works
    code, out, _ = run(capsys, monkeypatch, "claims", "list", "--status", "paid", "--db", db)
    assert code == 0 and "JJ01-BX2026-000001" not in out
    for argv, said in (
        (("export-bundle",), "错误：缺少必需的参数：--period"),
        (("claims", "list", "--status", "付了"), "参数 --status：不是可选的值：'付了'"),
        (("backup", "--to"), "参数 --to：后面须跟一个值"),
        (("--bogus",), "错误：无法识别的参数：--bogus"),
    ):
        with pytest.raises(SystemExit) as stopped:
            run(capsys, monkeypatch, *argv)
        err = capsys.readouterr().err
        assert stopped.value.code == 2 and said in err and "用法：" in err, err
        assert "error" not in err and "required" not in err
