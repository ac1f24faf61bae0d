"""Child process for the sync fault test: settle a few visits, then run one sync, dying at the
point the parent names (or wherever the parent's SIGKILL lands).

Points: ``before_write`` (package made, nothing written), ``mid_write`` (half the staging file
written and fsynced), ``after_rename`` (file in place, not yet marked sent), ``random``.
Prints ``SYNCING`` before the sync and ``DONE <ok>`` after it.
"""

import os
import signal
import sys
from datetime import date, datetime

import app.sync.files
import app.sync.push
from app.identity import make_resident_id
from app.services import Amounts, OutpatientInput, PersonInput, settle_outpatient
from app.sync import run_once
from db import open_store


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def arm(point: str) -> None:
    if point == "before_write":
        app.sync.files.write_synced = lambda path, data: die()
    elif point == "mid_write":

        def half(path, data):
            with open(path, "xb") as handle:
                handle.write(data[: len(data) // 2])
                handle.flush()
                os.fsync(handle.fileno())
            die()

        app.sync.files.write_synced = half
    elif point == "after_rename":
        app.sync.push.mark_sent = lambda *args: die()


def main(path: str, central: str, round_number: int, point: str) -> None:
    store = open_store(path)
    for n in range(3):
        counter = round_number * 3 + n
        born = date(1950 + counter % 40, 1 + counter % 12, 1 + counter % 28)
        form = OutpatientInput(
            person=PersonInput(make_resident_id("330781", born, counter % 400, "F"), "测试乙"),
            visit_date=date(2026, 5, 1),
            visit="outpatient_general",
            category="minimum_living",
            insurance="resident",
            amounts=Amounts(f"{200 + counter}.00", basic_insurance="50.00"),
            off_roster_reason="故障测试",
        )
        settle_outpatient(store, form, clerk="故障测试", now=datetime(2026, 5, 2, 8))
    arm(point)
    print("SYNCING", flush=True)
    report = run_once(store, central)
    print("DONE", report.ok, report.error, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])
