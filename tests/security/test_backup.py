"""Backups: an identical restore, rotation, the daily backup, and a damaged file reported."""

import shutil
import sqlite3
from datetime import datetime, timedelta

import pytest

from app.backup import (
    BackupError,
    backup_if_due,
    backup_now,
    check_database,
    list_backups,
    restore,
    rotate,
)
from app.services import Amounts, DischargeInput, register_admission, settle_discharge
from db import open_store
from tests.store.helpers import admission, lanxi_window, person, snapshot, tick_all


@pytest.fixture
def filled(tmp_path):
    path = tmp_path / "data" / "desk.sqlite3"
    store = lanxi_window(path)
    for n in range(1, 4):
        done = register_admission(
            store, admission(person(n), number=f"ZY{n}"), clerk="王", now=datetime(2026, 3, n, 10)
        )
        tick_all(store, done.admission_id)
        form = DischargeInput(done.admission_id, datetime(2026, 3, 9, 9), Amounts(f"{n}000.00"))
        settle_discharge(store, form, clerk="李", now=datetime(2026, 3, 9, 10))
    yield store, path
    store.close()


def test_a_backup_restores_to_an_identical_database(filled, tmp_path):
    store, path = filled
    before = snapshot(store)
    made = backup_now(path)  # while the store is open: an online backup
    assert made.parent == path.parent / "backups" and check_database(made) is None
    # Life goes on after the backup, then the file is lost.
    register_admission(
        store, admission(person(9), number="ZY9"), clerk="王", now=datetime(2026, 3, 10)
    )
    assert snapshot(store) != before
    store.close()
    report = restore(made, path, now=datetime(2026, 3, 11, 8))
    assert report.old_kept_at.name == "desk.sqlite3.before-restore-20260311-080000"
    assert report.old_kept_at.exists()
    again = open_store(path)
    try:
        assert snapshot(again) == before  # every table, every row
        from app.audit_log import verify_audit

        assert verify_audit(again).ok
    finally:
        again.close()


def test_a_damaged_database_is_reported_with_the_way_out(filled, tmp_path):
    store, path = filled
    made = backup_now(path)
    store.close()
    damaged = tmp_path / "data" / "copy.sqlite3"
    shutil.copyfile(path, damaged)
    assert check_database(damaged) is None
    page = 4096
    size = damaged.stat().st_size
    with open(damaged, "r+b") as handle:  # garbage over every page but the header page
        for offset in range(page, size, page):
            handle.seek(offset + 100)
            handle.write(b"\xa5\x5a" * 200)
    problem = check_database(damaged)
    assert problem is not None and problem.startswith(f"数据库文件已损坏：{damaged}")
    assert f'python -m app restore "{made}" --db "{damaged}"' in problem
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database at all" * 300)
    assert "在 " in check_database(garbage) and "没有找到备份" in check_database(garbage)
    assert check_database(tmp_path / "new.sqlite3") is None  # not yet created: fine
    assert check_database("postgresql://host/db") is None


def test_a_damaged_backup_is_not_restored(filled, tmp_path):
    store, path = filled
    store.close()
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"\x00" * 8192)
    with pytest.raises(BackupError, match=r"备份文件已损坏，未恢复|不是本系统的数据库备份"):
        restore(bad, path)
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(BackupError, match="不是本系统的数据库备份"):
        restore(other, path)
    assert check_database(path) is None  # the database was left alone


def test_rotation_keeps_seven_daily_and_four_weekly(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    template = tmp_path / "new.sqlite3"
    open_store(template).close()  # rotation counts only backups that restore
    start = datetime(2026, 1, 1, 9)
    for day in range(60):
        for hour in (9, 17):
            when = start + timedelta(days=day, hours=hour - 9)
            shutil.copyfile(template, folder / f"desk-{when:%Y%m%d-%H%M%S}.sqlite3")
    (folder / "notes.txt").write_text("kept")
    rotate(folder)
    kept = [p.name for p in list_backups(folder)]
    newest_days = [(start + timedelta(days=59 - n)).strftime("%Y%m%d") for n in range(7)]
    assert kept[:7] == [f"desk-{d}-170000.sqlite3" for d in newest_days]
    assert len(kept) == 7 + 3  # the newest week is among the daily ones
    weeks = {datetime.strptime(n[5:13], "%Y%m%d").isocalendar()[:2] for n in kept}
    assert len(weeks) == 4
    assert (folder / "notes.txt").exists()


def test_backup_of_a_zero_byte_database_keeps_the_last_good_backup(filled, capsys):
    from app.cli import main

    store, path = filled
    folder = path.parent / "backups"
    for day in range(1, 10):  # a full rotation of good backups
        backup_now(path, now=datetime(2026, 3, day, 8))
    rotate(folder)
    good = list_backups(folder)
    store.close()
    path.write_bytes(b"")  # the database file emptied (a full disk, a bad copy …)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)

    with pytest.raises(BackupError, match="数据库文件是空的（0 字节），未备份"):
        backup_now(path, now=datetime(2026, 3, 10, 8))
    assert main(["backup", "--db", str(path)]) == 3
    assert "数据库文件是空的（0 字节）" in capsys.readouterr().err
    assert list_backups(folder) == good
    assert restore(good[0], path).restored == path  # the newest good one still restores


def test_an_empty_or_foreign_backup_never_pushes_out_one_that_restores(filled, tmp_path):
    store, path = filled
    folder = path.parent / "backups"
    good = backup_now(path, now=datetime(2026, 3, 1, 8))
    store.close()
    # Empty stores, and files that are no store of this application, from later days.
    empty = tmp_path / "empty.sqlite3"
    open_store(empty).close()
    with pytest.raises(BackupError, match="数据库中没有任何记录，而上一个备份"):
        backup_now(empty, folder, now=datetime(2026, 3, 2, 8))
    for day in range(2, 12):
        later = folder / f"desk-202603{day:02d}-080000.sqlite3"
        if day % 2:
            shutil.copyfile(empty, later)
        else:
            later.write_bytes(b"")
    rotate(folder)
    assert good.exists()
    assert check_database(path) is None
    path.write_bytes(b"garbage" * 1000)
    assert f'restore "{good}"' in check_database(path)  # the way out names the good one


def test_the_daily_backup_runs_once_a_day(filled):
    store, path = filled
    first = backup_if_due(store, now=datetime(2026, 3, 9, 8))
    assert first is not None
    assert backup_if_due(store, now=datetime(2026, 3, 9, 18)) is None
    assert backup_if_due(store, now=datetime(2026, 3, 10, 8)) is not None
    assert len(list_backups(path.parent / "backups")) == 2


def test_postgresql_is_backed_up_with_pg_dump():
    with pytest.raises(BackupError, match="pg_dump"):
        backup_now("postgresql://host/db")
    with pytest.raises(BackupError, match="pg_dump"):
        restore("x", "postgresql://host/db")
