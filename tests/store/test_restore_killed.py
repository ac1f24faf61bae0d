"""A restore killed at any step leaves a whole database at the live path (the old one or the
restored one, never none), the old one's records kept, and no stale WAL replayed.

Run as a script this file is the child the test kills: ``write PATH`` commits an admission and
dies leaving its -wal; ``restore BACKUP PATH N`` dies right after the restore's N-th file step.
"""

import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# What a restore does to files, in the order it does it; each may be the last before a kill.
FILE_STEPS = (
    ("shutil", "copyfile"),
    ("app.backup", "_fsync"),
    ("app.backup", "_fold_in_write_ahead_log"),
    ("os", "link"),
    ("os", "replace"),
    ("app.store_marks", "record_marks"),
)
MOST_STEPS = 8


def _run_child(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, __file__, *args],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _admissions(path: Path) -> set[str]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0] for row in connection.execute("SELECT admission_number FROM admission")}
    finally:
        connection.close()


@pytest.fixture
def crashed_store_and_backup(tmp_path):
    """A store with three settlements, its backup, then one admission more committed by a
    process that died with it only in the -wal."""
    from app.backup import backup_now
    from app.services import (
        Amounts,
        DischargeInput,
        register_admission,
        settle_discharge,
    )
    from tests.store.helpers import admission, lanxi_window, person, tick_all

    path = tmp_path / "data" / "desk.sqlite3"
    store = lanxi_window(path)
    for n in range(1, 4):
        when = datetime(2026, 3, n, 10)
        done = register_admission(
            store, admission(person(n), number=f"ZY{n}"), clerk="王", now=when
        )
        tick_all(store, done.admission_id)
        form = DischargeInput(done.admission_id, datetime(2026, 3, 9, 9), Amounts(f"{n}000.00"))
        settle_discharge(store, form, clerk="李", now=datetime(2026, 3, 9, 10))
    store.close()
    made = backup_now(path, now=datetime(2026, 3, 9, 18))
    written = _run_child("write", str(path))
    assert written.returncode == 0, written.stderr
    assert path.with_name("desk.sqlite3-wal").stat().st_size  # ZY9 is only in the WAL
    return path, made


@pytest.mark.parametrize("last_step", range(1, MOST_STEPS + 1))
def test_a_restore_killed_at_any_step_leaves_a_whole_database(crashed_store_and_backup, last_step):
    from app.backup import interrupted_restore_problem, restore
    from app.store_guard import check_store

    path, made = crashed_store_and_backup
    killed = _run_child("restore", str(made), str(path), str(last_step))
    assert killed.returncode in (0, 9), killed.stderr

    assert path.is_file(), "没有数据库：下次启动会显示首次运行向导"
    assert interrupted_restore_problem(path) is None
    check_store(path)  # opens: whole, this application's, no records short of its marks
    live = _admissions(path)
    kept = sorted(path.parent.glob("desk.sqlite3.before-restore-*[0-9]"))
    if "ZY9" in live:  # the old database, with what its WAL held
        assert live == {"ZY1", "ZY2", "ZY3", "ZY9"}
    else:  # the restored one, no stale WAL replayed onto it; the old one kept aside
        assert live == {"ZY1", "ZY2", "ZY3"}
        assert any("ZY9" in _admissions(k) for k in kept)

    # Run again, the restore completes and the admission made after the backup is still kept.
    restore(made, path, now=datetime(2026, 3, 10, 8))
    assert _admissions(path) == {"ZY1", "ZY2", "ZY3"}
    kept = sorted(path.parent.glob("desk.sqlite3.before-restore-*[0-9]"))
    assert any("ZY9" in _admissions(k) for k in kept)
    assert not path.with_name(".desk.sqlite3.restoring").exists()


def test_the_window_never_offers_a_first_start_beside_an_interrupted_restore(tmp_path):
    """Files an earlier version's restore left when killed: no database, its copy and the old
    file beside it. The window refuses in Chinese instead of offering 试用/正式启用."""
    from app.backup import interrupted_restore_problem
    from ui.launch import refusal_before_start

    path = tmp_path / "desk.sqlite3"
    path.with_name(".desk.sqlite3.restoring").write_bytes(b"copy")
    path.with_name("desk.sqlite3.before-restore-20260310-080000").write_bytes(b"old")
    problem = interrupted_restore_problem(path)
    assert problem is not None and "没有完成的恢复" in problem and "before-restore" in problem
    assert refusal_before_start(str(path), demo_if_missing=False) == problem


def _write_and_die(path: str) -> None:
    from app.services import register_admission
    from db import open_store
    from tests.store.helpers import admission, person

    store = open_store(path)
    register_admission(
        store, admission(person(9), number="ZY9"), clerk="王", now=datetime(2026, 3, 10, 9)
    )
    os._exit(0)  # no checkpoint, no close: the -wal holds the admission


def _restore_and_die(backup: str, path: str, last_step: int) -> None:
    import importlib

    import app.backup

    done = 0

    def dying(function):
        def step(*args, **kwargs):
            nonlocal done
            result = function(*args, **kwargs)
            done += 1
            if done == last_step:
                os._exit(9)  # a power cut, kill -9, a Windows update reboot
            return result

        return step

    for module_name, name in FILE_STEPS:
        module = importlib.import_module(module_name)
        if hasattr(module, name):
            setattr(module, name, dying(getattr(module, name)))
    app.backup.restore(Path(backup), path)


if __name__ == "__main__":
    if sys.argv[1] == "write":
        _write_and_die(sys.argv[2])
    else:
        _restore_and_die(sys.argv[2], sys.argv[3], int(sys.argv[4]))
