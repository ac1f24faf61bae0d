"""The outbox: changes queued in the transaction that makes them, numbered without gaps."""

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.services import (
    Amounts,
    DischargeInput,
    OutpatientInput,
    ServiceError,
    import_roster,
    register_admission,
    settle_discharge,
    settle_outpatient,
    void_settlement,
)
from db import open_store
from db.models import Setting, Settlement
from db.outbox import decode_row, paused
from db.sync_models import OutboxEntry, OutboxState
from tests.store.helpers import admission, person, snapshot, tick_all


def queued(store) -> list[OutboxEntry]:
    with store.read() as session:
        return list(session.scalars(select(OutboxEntry).order_by(OutboxEntry.seq)))


def last_seq(store) -> int:
    with store.read() as session:
        return session.get(OutboxState, 1).last_seq


def test_register_settle_and_void_are_queued_in_order(store, make_site):
    make_site()
    registration = register_admission(
        store, admission(person(1), category="destitute"), clerk="王", now=datetime(2026, 3, 2)
    )
    tick_all(store, registration.admission_id)
    row = settle_discharge(
        store,
        DischargeInput(
            registration.admission_id, datetime(2026, 3, 9), Amounts("1000.00", "0", "300.00")
        ),
        clerk="王",
        now=datetime(2026, 3, 10),
    )
    void_settlement(store, row.slip_number, reason="录入错误", clerk="王")
    entries = queued(store)
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert last_seq(store) == len(entries)
    kinds = [(e.entity, e.op) for e in entries]
    items = registration.checklist_items
    assert kinds == (
        [("person", "insert"), ("beneficiary_status", "insert"), ("admission", "insert")]
        + [("checklist_item", "insert")] * items
        + [("checklist_item", "update")] * items
        + [("admission", "update"), ("settlement", "insert"), ("settlement", "update")]
    )
    settled, voided = (json.loads(e.body) for e in entries[-2:])
    assert settled["row"]["slip_number"] == row.slip_number
    assert settled["row"]["assistance"] == str(row.assistance)  # money as text
    assert settled["refs"]["person"]["id_number"] == person(1).id_number
    assert settled["refs"]["admission"] == {"site_code": "LX01", "admission_number": "ZY001"}
    assert "id" not in settled["row"] and "person_id" not in settled["row"]
    assert (voided["row"]["voided"], voided["row"]["void_reason"]) == (True, "录入错误")
    decoded = decode_row(Settlement, voided["row"])
    assert decoded["assistance"] == row.assistance and isinstance(decoded["total"], Decimal)
    assert decoded["claim_date"] == date(2026, 3, 9)


def test_a_refused_or_rolled_back_change_queues_nothing(store, make_site):
    make_site()
    settle = OutpatientInput(
        person=person(2),
        visit_date=date(2026, 5, 1),
        visit="outpatient_general",
        category="minimum_living",
        insurance="resident",
        amounts=Amounts("400.00", basic_insurance="100.00"),
    )
    before = snapshot(store)
    with pytest.raises(ServiceError):  # not on the roster and no reason given
        settle_outpatient(store, settle, clerk="王", now=datetime(2026, 5, 2))
    with pytest.raises(RuntimeError), store.write() as session:
        session.add(Setting(key="half", value="x"))
        session.flush()
        raise RuntimeError("power cut")
    assert snapshot(store) == before
    settle.off_roster_reason = "名册尚未下发"
    settle_outpatient(store, settle, clerk="王", now=datetime(2026, 5, 2))
    assert [e.seq for e in queued(store)] == list(range(1, last_seq(store) + 1))


def test_a_roster_queues_its_good_rows_only(store, make_site, tmp_path):
    make_site()
    good = person(3)
    bad = person(4).id_number[:17] + "X"
    path = tmp_path / "名册.csv"
    path.write_text(
        f"姓名,身份证号,类别\n{good.name},{good.id_number},低保对象\n测试,{bad},低保对象\n",
        encoding="utf-8",
    )
    report = import_roster(store, path, clerk="王", source="民政局")
    assert (report.imported, len(report.problems)) == (1, 1)
    assert [(e.entity, e.op) for e in queued(store)] == [
        ("person", "insert"),
        ("beneficiary_status", "insert"),
    ]
    with paused():
        import_roster(store, path, clerk="王", source="中心下发")
    assert last_seq(store) == 2


def test_windows_sharing_a_database_number_without_gaps(store, store_target, make_site, tmp_path):
    make_site()
    windows = [store, open_store(store_target, data_dir=tmp_path / "data")]

    def work(window, offset):
        for n in range(6):
            form = OutpatientInput(
                person=person(10 + offset * 10 + n % 3),
                visit_date=date(2026, 5, 1),
                visit="outpatient_general",
                category="minimum_living",
                insurance="resident",
                amounts=Amounts("400.00", basic_insurance="100.00"),
                off_roster_reason="名册尚未下发",
            )
            settle_outpatient(window, form, clerk="窗口", now=datetime(2026, 5, 2))

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(work, windows, [0, 1]))
    windows[1].close()
    entries = queued(store)
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert sum(e.entity == "settlement" for e in entries) == 12
    assert sum(e.entity == "person" for e in entries) == 6
