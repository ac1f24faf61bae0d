"""Kill a settling process with SIGKILL at random moments; nothing committed may be lost."""

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from db import open_store
from tests.store.helpers import lanxi_window

REPO = Path(__file__).resolve().parents[2]
KILLS = 40


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_settlements_survive_sigkill(tmp_path):
    path = tmp_path / "desk.sqlite3"
    lanxi_window(path).close()
    committed: dict[str, tuple[Decimal, Decimal]] = {}
    chance = random.Random(20260523)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for round_number in range(KILLS):
        child = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).with_name("crash_child.py")),
                str(path),
                str(round_number),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=REPO,
            env=env,
            text=True,
        )
        ready = child.stdout.readline()
        assert ready == "READY\n", child.stderr.read()
        # The first child's first settlement (cold caches, a busy machine) may take longer
        # than any pause below: wait for it, so that some settlement surely is committed.
        first = child.stdout.readline() if round_number == 0 else ""
        time.sleep(chance.uniform(0.0, 0.4))  # a random moment: the test asserts no timing
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate()
        out = first + out
        # Killed while working, not stopped by an error of its own.
        assert child.returncode == -signal.SIGKILL, err
        for line in out.splitlines(keepends=True):
            if line.endswith("\n"):  # a line cut by the kill was not acknowledged
                slip, total, assistance = line.split()
                committed[slip] = (Decimal(total), Decimal(assistance))
    assert committed  # the children really were settling when killed

    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    raw.close()
    store = open_store(path)
    from sqlalchemy import select

    from db.models import Settlement

    with store.read() as session:
        rows = {row.slip_number: row for row in session.scalars(select(Settlement))}
    store.close()
    missing = set(committed) - set(rows)
    assert not missing
    for slip, (total, assistance) in committed.items():
        row = rows[slip]
        result = json.loads(row.result_json)
        claim = json.loads(row.claim_json)
        assert (row.total, row.assistance) == (total, assistance)
        assert Decimal(result["assistance"]) == assistance
        assert Decimal(claim["total"]) == total
        assert json.loads(row.steps_json) == result["steps"]
