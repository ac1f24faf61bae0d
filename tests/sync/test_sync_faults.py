"""Kill the sync process (SIGKILL) before writing a package, half-way through writing it, after
renaming it but before marking it sent, and at random moments. Afterwards no partial package is
left, the centre has taken in every change exactly once, and the outbox has drained."""

import itertools
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services import save_site
from app.sync import ingest, run_once, status
from app.sync.files import is_partial
from app.sync.package import decode
from db import open_store
from db.models import Person, Settlement
from db.sync_models import IngestedPackage, OutboxState, SyncPackage, WindowProgress

REPO = Path(__file__).resolve().parents[2]
ROUNDS = 24
POINTS = ("before_write", "mid_write", "after_rename", "random")


def _child(path, central, round_number, point):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("sync_child.py")),
            str(path),
            str(central),
            str(round_number),
            point,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=env,
        text=True,
    )


def _check_left_as_killed(path, inbox, point):
    """The kill really happened where it was aimed: see what it left behind."""
    window = open_store(path)
    with window.read() as session:
        unsent = list(session.scalars(select(SyncPackage).where(SyncPackage.sent_at.is_(None))))
    window.close()
    names = [p.name for p in inbox.iterdir()]
    if point == "random":
        return
    assert len(unsent) == 1
    final = f"{unsent[0].package_id}.jsonl.gz"
    if point == "before_write":
        assert final not in names and not any(is_partial(n) for n in names)
    elif point == "mid_write":
        assert final not in names and any(n.startswith(f".{final}") for n in names)
    else:  # after_rename
        assert final in names


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_syncs_lose_nothing_and_send_nothing_twice(
    one_central_store, central_folder, tmp_path
):
    central_store = one_central_store
    path = tmp_path / "window.sqlite3"
    window = open_store(path)
    save_site(
        window, code="LX01", name="测试医院", facility="county", default_policy="lanxi", clerk="管"
    )
    window.close()
    chance = random.Random(20261124)
    killed = 0
    for round_number in range(ROUNDS):
        point = POINTS[round_number % len(POINTS)]
        child = _child(path, central_folder, round_number, point)
        line = child.stdout.readline()
        assert line == "SYNCING\n", child.stderr.read()
        if point == "random":
            time.sleep(chance.uniform(0.0, 0.08))  # a random moment: nothing is asserted on time
            child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=60)
        if child.returncode == -signal.SIGKILL:
            killed += 1
            _check_left_as_killed(path, central_folder / "inbox" / "LX01", point)
        else:
            assert out.startswith("DONE True"), out + err
        if round_number % 5 == 4:  # the centre takes in what it finds, partial files and all
            assert ingest(central_store, central_folder).problems == []
    assert killed >= ROUNDS * 3 // 4

    window = open_store(path)
    report = run_once(window, central_folder)
    assert report.ok and report.queue_length == 0, report
    assert status(window).queue_length == 0
    final = ingest(central_store, central_folder)
    assert final.problems == []
    inbox = central_folder / "inbox" / "LX01"
    names = sorted(p.name for p in inbox.iterdir())
    assert not [name for name in names if is_partial(name)]
    for name in names:  # every package in place is whole
        decode((inbox / name).read_bytes(), name)

    with window.read() as session:
        last = session.get(OutboxState, 1).last_seq
        slips = set(session.scalars(select(Settlement.slip_number)))
        people = session.scalar(select(func.count()).select_from(Person))
    window.close()
    assert len(slips) == 3 * ROUNDS
    with central_store.read() as session:
        packages = list(
            session.scalars(select(IngestedPackage).order_by(IngestedPackage.first_seq))
        )
        assert (packages[0].first_seq, packages[-1].last_seq) == (1, last)
        for before, after in itertools.pairwise(packages):
            assert after.first_seq == before.last_seq + 1  # no change twice, none missing
        assert sum(p.changes for p in packages) == last
        assert session.scalar(select(WindowProgress.last_seq)) == last
        assert set(session.scalars(select(Settlement.slip_number))) == slips
        assert session.scalar(select(func.count()).select_from(Person)) == people
