"""``restore`` is refused while another process (a window) has the database open: that window
would go on saving into the file set aside, each save reported as done.

Run as a script this file is that window: ``PATH`` opens the store, registers one admission,
says READY, registers another when told, and closes when told.
"""

import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from app.backup import backup_now
from app.services import register_admission
from db import open_store
from tests.store.helpers import admission, lanxi_window, person

REPO = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    """This test's environment (its audit key folder, its data folder) for the processes."""
    return {**os.environ, "PYTHONPATH": str(REPO)}


def _admissions(path: Path) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        return {row[0] for row in connection.execute("SELECT admission_number FROM admission")}
    finally:
        connection.close()


def _restore(made: Path, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", "restore", str(made), "--db", str(path)],
        cwd=REPO,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_restore_is_refused_while_a_window_has_the_database_open(tmp_path):
    path = tmp_path / "data" / "desk.sqlite3"
    store = lanxi_window(path)
    register_admission(
        store, admission(person(1), number="ZY1"), clerk="王", now=datetime(2026, 3, 1, 10)
    )
    store.close()
    made = backup_now(path, now=datetime(2026, 3, 1, 18))
    window = subprocess.Popen(
        [sys.executable, __file__, str(path)],
        cwd=REPO,
        env=_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert window.stdout.readline() == "READY\n", window.stderr.read()
        refused = _restore(made, path)
        assert refused.returncode == 1, refused.stdout + refused.stderr
        assert "数据库正被其他窗口或程序打开，未恢复" in refused.stderr
        assert "请先关闭其他打开该数据库的一站式结算窗口" in refused.stderr
        window.stdin.write("save\n")
        window.stdin.flush()
        assert window.stdout.readline() == "SAVED\n", window.stderr.read()
    finally:
        window.stdin.close()
        window.wait(timeout=60)
    # What the window saved, before and after the refusal, is in the database every start opens.
    assert _admissions(path) == {"ZY1", "ZY2", "ZY3"}
    assert not list(path.parent.glob("desk.sqlite3.before-restore-*"))
    assert not path.with_name(".desk.sqlite3.restoring").exists()

    done = _restore(made, path)  # the window closed: the restore goes ahead
    assert done.returncode == 0, done.stderr
    assert _admissions(path) == {"ZY1"}
    (kept,) = path.parent.glob("desk.sqlite3.before-restore-*")
    assert _admissions(kept) == {"ZY1", "ZY2", "ZY3"}


def _window(path: str) -> None:
    store = open_store(path)
    register_admission(
        store, admission(person(2), number="ZY2"), clerk="王", now=datetime(2026, 3, 2)
    )
    print("READY", flush=True)
    if sys.stdin.readline() == "save\n":
        register_admission(
            store, admission(person(3), number="ZY3"), clerk="王", now=datetime(2026, 3, 3)
        )
        print("SAVED", flush=True)
    sys.stdin.readline()
    store.close()


if __name__ == "__main__":
    _window(sys.argv[1])
