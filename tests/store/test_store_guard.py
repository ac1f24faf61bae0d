"""Every command checks the store before it writes: a missing or empty file is refused (never
created), a damaged one stops with the window's message and restore command, and a store that
lost committed records (a deleted -wal) is noticed at the next start."""

import os
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from app.backup import backup_now, check_database
from app.cli import main
from app.services import (
    Amounts,
    DischargeInput,
    ItemUpdate,
    checklist,
    register_admission,
    save_site,
    settle_discharge,
    update_item,
)
from db import open_store
from tests.store.helpers import admission, person

REPO = Path(__file__).resolve().parents[2]


def settle(store, n: int) -> str:
    done = register_admission(
        store, admission(person(n), number=f"ZY{n}"), clerk="王", now=datetime(2026, 3, n, 10)
    )
    with store.read() as session:
        items = checklist(session, done.admission_id)
    for item in items:
        update_item(store, item.id, ItemUpdate(True, True), clerk="王")
    form = DischargeInput(done.admission_id, datetime(2026, 3, 9, 9), Amounts(f"{n}000.00"))
    return settle_discharge(store, form, clerk="李", now=datetime(2026, 3, 9, 10)).slip_number


@pytest.fixture
def real_store(tmp_path):
    """A closed store with one site and two settlements: its path."""
    path = tmp_path / "data" / "desk.sqlite3"
    store = open_store(path)
    save_site(
        store, code="LX01", name="测试医院", facility="county", default_policy="lanxi", clerk="管"
    )
    settle(store, 1)
    settle(store, 2)
    store.close()
    return path


def commands(db: Path, tmp_path: Path) -> dict[str, list[str]]:
    """Every command that opens the window's store, as a clerk or a script would run it."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    central = tmp_path / "central"
    central.mkdir(exist_ok=True)
    return {
        "audit verify": ["audit", "verify", "--db", str(db)],
        "user list": ["user", "list", "--db", str(db)],
        "export-bundle": [
            "export-bundle",
            *("--db", str(db), "--period", "2026Q1", "--to", str(out)),
        ],
        "sync": ["sync", "--once", "--db", str(db), "--central", str(central)],
        "backup": ["backup", "--db", str(db)],
        "print": ["print", "slip", "--db", str(db), "--slip", "X", "--out", str(out / "s.pdf")],
        "year-end-list": [
            "year-end-list",
            *("--db", str(db), "--year", "2026", "--out", str(out / "y.xlsx")),
        ],
        "policy status": ["policy", "status", "--db", str(db)],
    }


@pytest.mark.parametrize("name", list(commands(Path("x"), Path("/tmp")).keys()))
def test_a_missing_database_is_refused_and_not_created(name, tmp_path, capsys):
    typo = tmp_path / "dsek.sqlite3"  # --db with a typo
    assert main(commands(typo, tmp_path)[name]) == 3
    err = capsys.readouterr().err
    assert f"找不到数据库文件：{typo}" in err
    assert "没有新建任何文件" in err
    assert not typo.exists()
    assert not list(tmp_path.glob("dsek.sqlite3*"))


@pytest.mark.parametrize("name", ["audit verify", "export-bundle", "sync", "backup"])
def test_a_restore_cut_short_is_named_not_a_demo_offered(name, tmp_path, capsys):
    """No database, but an earlier version's restore left its files beside the place: the
    command names them and how to finish, instead of offering to make a demo there."""
    db = tmp_path / "desk.sqlite3"
    (tmp_path / ".desk.sqlite3.restoring").write_bytes(b"SQLite format 3\x00")
    (tmp_path / "desk.sqlite3.before-restore-20261201-090000").write_bytes(b"SQLite format 3\x00")
    assert main(commands(db, tmp_path)[name]) == 3
    err = capsys.readouterr().err
    assert "没有完成的恢复" in err and "desk.sqlite3.before-restore-20261201-090000" in err
    assert "演示数据库" not in err and not db.exists()


@pytest.mark.parametrize("name", ["audit verify", "export-bundle", "sync", "backup", "demo"])
def test_a_zero_byte_database_is_refused(name, tmp_path, capsys):
    empty = tmp_path / "desk.sqlite3"
    empty.touch()
    args = commands(empty, tmp_path).get(name) or ["demo", "--db", str(empty)]
    assert main(args) == 3
    assert f"数据库文件是空的（0 字节）：{empty}" in capsys.readouterr().err
    assert empty.stat().st_size == 0


def test_another_programs_database_is_left_alone(tmp_path, capsys):
    import sqlite3

    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    before = other.read_bytes()
    assert main(["audit", "verify", "--db", str(other)]) == 3
    assert "不是本系统的数据库文件" in capsys.readouterr().err
    assert other.read_bytes() == before


def damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for offset in range(4096, len(data), 4096):  # every page but the header page
        data[offset + 100 : offset + 500] = b"\xa5\x5a" * 200
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "name", ["export-bundle", "sync", "demo", "backup", "audit verify", "user list", "print"]
)
def test_a_damaged_database_stops_every_command_with_the_restore_command(
    name, real_store, tmp_path, capsys
):
    backup = backup_now(real_store, now=datetime(2026, 3, 9, 12))
    damage(real_store)
    before = real_store.read_bytes()
    expected = check_database(real_store)
    assert expected is not None
    args = commands(real_store, tmp_path).get(name) or ["demo", "--db", str(real_store)]
    assert main(args) == 3
    err = capsys.readouterr().err
    assert err.strip() == expected  # the window's message, nothing else (no traceback)
    assert f'python -m app restore "{backup}" --db "{real_store}"' in err
    assert real_store.read_bytes() == before  # nothing written into it


CHILD = """
import sys, time
from datetime import datetime
from db import open_store
from tests.store.test_store_guard import settle
store = open_store(sys.argv[1])
settle(store, 3)
settle(store, 4)
if sys.argv[2] == "backup":
    from app.backup import backup_now
    backup_now(sys.argv[1], now=datetime(2026, 3, 9, 12))
else:
    from app.sync import run_once
    synced = run_once(store, sys.argv[3])  # not inside the assert: python -OO drops asserts
    assert synced.ok
print("DONE", flush=True)
time.sleep(600)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("recorded_by", ["backup", "sync"])
def test_a_deleted_wal_that_lost_committed_slips_is_noticed(
    recorded_by, real_store, tmp_path, capsys
):
    central = tmp_path / "central"
    central.mkdir()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(real_store), recorded_by, str(central)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        text=True,
    )
    assert child.stdout.readline() == "DONE\n", child.stderr.read()
    child.send_signal(signal.SIGKILL)  # the two slips committed, still only in the -wal
    child.communicate()
    wal = real_store.with_name(real_store.name + "-wal")
    assert wal.stat().st_size > 0
    wal.unlink()
    real_store.with_name(real_store.name + "-shm").unlink(missing_ok=True)

    assert check_database(real_store) is None  # the file itself is sound: only records lost
    assert main(["audit", "verify", "--db", str(real_store)]) == 3
    err = capsys.readouterr().err
    assert f"数据库缺少已提交的记录：{real_store}" in err
    assert "结算单最大编号 2，应至少为 4" in err
    assert main(["backup", "--db", str(real_store)]) == 3  # nor backed up over the evidence
    assert "数据库缺少已提交的记录" in capsys.readouterr().err

    from ui.launch import DatabaseDamaged, open_desk

    with pytest.raises(DatabaseDamaged, match="数据库缺少已提交的记录"):
        open_desk(str(real_store), "王", None)


def test_a_restore_resets_what_later_starts_compare_with(real_store, tmp_path, capsys):
    old = backup_now(real_store, now=datetime(2026, 3, 9, 12))
    store = open_store(real_store)
    settle(store, 3)
    store.close()
    backup_now(real_store, now=datetime(2026, 3, 10, 12))  # the marks now say 3 slips
    assert main(["restore", str(old), "--db", str(real_store)]) == 0
    capsys.readouterr()
    assert main(["audit", "verify", "--db", str(real_store)]) == 0  # the explicit choice holds


def scribble_root_page(path: Path, name: str) -> None:
    """Overwrite the root page of the table or index ``name`` (the file must be closed)."""
    import sqlite3

    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (root,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)
        ).fetchone()
        (size,) = connection.execute("PRAGMA page_size").fetchone()
    connection.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * size : root * size] = b"\xff" * size
    path.write_bytes(bytes(data))


def test_the_start_reads_a_large_file_only_at_its_ends(real_store, monkeypatch):
    """Issue 18, point 1: above WHOLE_FILE_CHECK_AT_START the start's check does not read
    every page (its time would grow with the store); the full check after ready does."""
    import app.backup

    scribble_root_page(real_store, "ix_person_name")
    assert check_database(real_store, quick=True) is not None  # small: read whole at start
    monkeypatch.setattr(app.backup, "WHOLE_FILE_CHECK_AT_START", 0)
    assert check_database(real_store, quick=True) is None  # large: an index page is not read
    assert check_database(real_store) is not None  # the full check, once the window is ready


def test_a_damaged_table_edge_still_stops_the_start_of_a_large_file(real_store, monkeypatch):
    import app.backup

    monkeypatch.setattr(app.backup, "WHOLE_FILE_CHECK_AT_START", 0)
    scribble_root_page(real_store, "person")
    problem = check_database(real_store, quick=True)
    assert problem is not None and problem.startswith(f"数据库文件已损坏：{real_store}")
