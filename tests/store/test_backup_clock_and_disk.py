"""Backups when the clock is wrong (rotation keeps what it just made and deletes nothing while
backups are dated after now; the way out names the newest backup not dated after now) and when
the disk is full or read-only (Chinese messages, nothing half-written left behind)."""

import errno
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import app.backup
from app.backup import (
    BackupError,
    backup_now,
    check_database,
    list_backups,
    restore,
    rotate,
    rotation_note,
)
from app.services import register_admission
from tests.store.helpers import admission, lanxi_window, person

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "data" / "desk.sqlite3"
    store = lanxi_window(path)
    register_admission(
        store, admission(person(1), number="ZY1"), clerk="王", now=datetime(2026, 3, 1, 10)
    )
    store.close()
    return path


def _daily_backups(path: Path, first: datetime, days: int) -> None:
    for day in range(days):
        backup_now(path, now=first + timedelta(days=day))


def test_a_backup_made_with_the_clock_gone_back_is_kept(store_path):
    _daily_backups(store_path, datetime(2026, 3, 10, 8), 20)
    folder = store_path.parent / "backups"
    before = set(list_backups(folder))
    wrong_now = datetime(2025, 5, 9, 12)  # a year behind (a flat CMOS battery)
    made = backup_now(store_path, now=wrong_now)
    assert rotate(folder, made, wrong_now) == []
    assert made.exists() and set(list_backups(folder)) == before | {made}
    note = rotation_note(folder, wrong_now)
    assert "电脑时钟可能被调回了：本次没有按保留规则删除任何备份" in note


def test_the_cli_backup_with_the_clock_gone_back_keeps_it_and_says_so(
    store_path, monkeypatch, capsys
):
    from app.cli import main

    _daily_backups(store_path, datetime(2026, 3, 10, 8), 20)

    class ClockBack(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2025, 5, 9, 12)

    monkeypatch.setattr(app.backup, "datetime", ClockBack)
    assert main(["backup", "--db", str(store_path)]) == 0
    out = capsys.readouterr().out
    assert (store_path.parent / "backups" / "desk-20250509-120000.sqlite3").exists()
    assert "本次没有按保留规则删除任何备份" in out
    assert len(list_backups(store_path.parent / "backups")) == 21


def test_rotation_never_deletes_the_backup_just_made(store_path):
    folder = store_path.parent / "backups"
    _daily_backups(store_path, datetime(2026, 3, 10, 8), 10)
    older = backup_now(store_path, now=datetime(2026, 3, 1, 8))  # e.g. a restored clock
    assert older not in rotate(folder, older, datetime(2026, 3, 25))
    assert older.exists()


def test_the_way_out_names_the_newest_backup_not_dated_after_now(store_path):
    folder = store_path.parent / "backups"
    now = datetime.now()
    ahead = backup_now(store_path, now=now + timedelta(days=365))  # the clock ran ahead
    yesterday = backup_now(store_path, now=now - timedelta(days=1))
    store_path.write_bytes(b"garbage" * 1000)
    message = check_database(store_path)
    assert f'restore "{yesterday}"' in message
    assert str(ahead) not in message.split("。")[1]  # not the way out …
    assert "另有 1 个备份的日期晚于电脑现在的时间" in message  # … but told apart
    assert f"{now + timedelta(days=365):%Y-%m-%d %H:%M}" in message
    assert ahead.exists() and folder.is_dir()


def test_a_restore_that_runs_out_of_disk_says_so_and_leaves_nothing_half_copied(
    store_path, monkeypatch
):
    made = backup_now(store_path, now=datetime(2026, 3, 1, 18))

    def disk_full(source, copy):
        Path(copy).write_bytes(Path(source).read_bytes()[:4096])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(app.backup.shutil, "copyfile", disk_full)
    with pytest.raises(BackupError, match=r"恢复失败，数据库未改动：.*磁盘空间不足"):
        restore(made, store_path)
    assert not store_path.with_name(".desk.sqlite3.restoring").exists()
    assert not list(store_path.parent.glob("*.before-restore-*"))
    assert check_database(store_path) is None


def test_a_backup_to_a_folder_that_cannot_be_made_says_so_in_chinese(store_path, capsys):
    from app.cli import main

    blocked = store_path.parent / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    with pytest.raises(BackupError, match="备份失败：无法建立备份文件夹"):
        backup_now(store_path, blocked / "bk")
    assert main(["backup", "--db", str(store_path), "--to", str(blocked / "bk")]) == 1
    assert "备份失败：无法建立备份文件夹" in capsys.readouterr().err


def _can_mount_tmpfs() -> bool:
    if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="需要 root 和 unshare 挂载小的 tmpfs")
def test_backup_and_restore_on_a_full_disk_say_so_in_chinese(store_path, tmp_path):
    """A real full disk (a tmpfs smaller than the database) and a read-only one, mounted in a
    private namespace; the restore's disk holds the database but not a second copy."""
    made = backup_now(store_path, now=datetime(2026, 3, 1, 18))
    size_kb = store_path.stat().st_size // 1024
    small, readonly, restoring = tmp_path / "small", tmp_path / "ro", tmp_path / "restoring"
    for folder in (small, readonly, restoring):
        folder.mkdir()
    cli = f"PYTHONPATH={REPO} {sys.executable} -m app"
    script = f"""
        mount -t tmpfs -o size={size_kb // 2}k tmpfs {small}
        mount -t tmpfs -o size=1m,ro tmpfs {readonly}
        mount -t tmpfs -o size={size_kb * 3 // 2}k tmpfs {restoring}
        {cli} backup --db {store_path} --to {small}/bk; echo "rc=$?"
        {cli} backup --db {store_path} --to {readonly}/bk; echo "rc=$?"
        cp {store_path} {restoring}/desk.sqlite3
        {cli} restore {made} --db {restoring}/desk.sqlite3; echo "rc=$?"
        ls -a {small}/bk {restoring}
    """
    ran = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], cwd=REPO, capture_output=True, text=True
    )
    said = ran.stdout + ran.stderr
    assert "Traceback" not in said, said
    assert said.count("rc=1") == 3, said
    assert "备份失败：磁盘空间不足（database or disk is full）" in said
    assert "备份失败：无法建立备份文件夹" in said and "只读" in said
    assert "恢复失败，数据库未改动" in said and "磁盘空间不足" in said
    left = ran.stdout.split("rc=1")[-1]  # what ``ls`` found (the messages are on stderr)
    assert ".part" not in left and ".restoring" not in left and "desk.sqlite3" in left
