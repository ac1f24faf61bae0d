"""Child process for the crash test: settles outpatient visits in a loop until killed.

After each commit returns it prints ``slip total assistance`` and flushes, so the parent knows
exactly which settlements must survive a SIGKILL.
"""

import sys
from datetime import date, datetime

from app.identity import make_resident_id
from app.services import Amounts, OutpatientInput, PersonInput, settle_outpatient
from db import open_store


def main(path: str, seed: int) -> None:
    store = open_store(path)
    print("READY", flush=True)
    counter = seed * 100_000
    while True:
        counter += 1
        born = date(1950 + counter % 40, 1 + counter % 12, 1 + counter % 28)
        who = PersonInput(make_resident_id("330781", born, counter % 400, "F"), "测试甲")
        total = f"{100 + counter % 900}.{counter % 100:02d}"
        form = OutpatientInput(
            person=who,
            visit_date=date(2026, 5, 1),
            visit="outpatient_general",
            category="minimum_living",
            insurance="resident",
            amounts=Amounts(total, basic_insurance="50.00"),
            off_roster_reason="压力测试",
        )
        row = settle_outpatient(store, form, clerk="崩溃测试", now=datetime(2026, 5, 2, 8))
        sys.stdout.write(f"{row.slip_number} {row.total} {row.assistance}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
