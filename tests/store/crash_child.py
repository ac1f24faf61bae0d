"""Child process for the crash test: settles in a loop until killed.

Even rounds settle an outpatient visit (one transaction); odd rounds register an admission,
tick its papers and settle the discharge (several transactions, any of which may be cut).
After each settlement's commit returns it prints ``slip total assistance`` and flushes, so the
parent knows exactly which settlements must survive a SIGKILL.
"""

import sys
from datetime import date, datetime, timedelta

from app.identity import make_resident_id
from app.services import (
    AdmissionInput,
    Amounts,
    DischargeInput,
    ItemUpdate,
    OutpatientInput,
    PersonInput,
    checklist,
    register_admission,
    settle_discharge,
    settle_outpatient,
    update_item,
)
from app.services.policies import installed_policies
from db import open_store

NOW = datetime(2026, 5, 2, 8)


def outpatient(store, counter: int, total: str):
    born = date(1950 + counter % 40, 1 + counter % 12, 1 + counter % 28)
    who = PersonInput(make_resident_id("330781", born, counter % 400, "F"), "测试甲")
    form = OutpatientInput(
        person=who,
        visit_date=date(2026, 5, 1),
        visit="outpatient_general",
        category="minimum_living",
        insurance="resident",
        amounts=Amounts(total, basic_insurance="50.00"),
        off_roster_reason="压力测试",
    )
    return settle_outpatient(store, form, clerk="崩溃测试", now=NOW)


def inpatient(store, counter: int, total: str):
    # A person of their own: an admission cut short by a kill never blocks a later round.
    born = date(1930, 1, 1) + timedelta(days=counter % 20_000)
    who = PersonInput(make_resident_id("330702", born, counter // 20_000 % 500, "M"), "测试乙")
    form = AdmissionInput(
        person=who,
        admission_number=f"C{counter}",
        admitted_at=datetime(2026, 4, 20, 9),
        department="内科",
        diagnosis="肺炎",
        category="destitute",
        insurance="resident",
        off_roster_reason="压力测试",
    )
    admission_id = register_admission(store, form, clerk="崩溃测试", now=NOW).admission_id
    with store.read() as session:
        items = checklist(session, admission_id)
    for item in items:
        update_item(store, item.id, ItemUpdate(True, True), clerk="崩溃测试")
    discharge = DischargeInput(admission_id, datetime(2026, 4, 30, 9), Amounts(total))
    return settle_discharge(store, discharge, clerk="崩溃测试", now=NOW)


def main(path: str, seed: int) -> None:
    store = open_store(path)
    installed_policies()
    counter = seed * 100_000
    warmed = False
    while True:
        counter += 1
        total = f"{100 + counter % 900}.{counter % 100:02d}"
        settle = inpatient if counter % 2 else outpatient
        row = settle(store, counter, total)
        if not warmed:
            # READY only after one whole settlement (policies loaded, every module imported),
            # so each kill lands among settlements however slow the machine is to start one.
            print("READY", flush=True)
            warmed = True
        sys.stdout.write(f"{row.slip_number} {row.total} {row.assistance}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
