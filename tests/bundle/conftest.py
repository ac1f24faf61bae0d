"""A quarter of real settlements in a real SQLite store: 台儿庄 site, admissions in July to
September 2026 with ticked checklists and a scanned ID card, one voided, one in June."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from app.policy import load_policies
from app.printing.slip_archive import archive_slip
from app.services import (
    Amounts,
    DischargeInput,
    ItemUpdate,
    checklist,
    register_admission,
    save_site,
    settle_discharge,
    update_item,
    void_settlement,
)
from db import open_store
from tests.store.helpers import admission, person

CATEGORIES = ("minimum_living", "destitute", "registered_poor")


@dataclass
class Quarter:
    store: object
    policies: dict
    slips: list[str]
    voided: str
    june_slip: str
    scans: dict[str, bytes]


def _png(seed: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + f"scan of id card {seed}".encode() * 20


def settle_one(store, policies, tmp_path, sequence, admitted, *, total, scan=True):
    who = person(sequence, policy="taierzhuang")
    form = admission(
        who,
        number=f"ZY{sequence:04d}",
        admitted_at=admitted,
        category=CATEGORIES[sequence % 3],
        facility="county",
    )
    registration = register_admission(
        store, form, clerk="王", policies=policies, now=admitted + timedelta(hours=1)
    )
    scan_bytes = None
    with store.read() as session:
        items = checklist(session, registration.admission_id)
    for item in items:
        update = ItemUpdate(original_sighted=True, copy_kept=True)
        if scan and item.document_code == "id_card" and item.stage == "admission":
            scan_bytes = _png(sequence)
            path = tmp_path / f"scan-{sequence}.png"
            path.write_bytes(scan_bytes)
            update = ItemUpdate(original_sighted=True, copy_kept=True, scan=path)
        update_item(store, item.id, update, clerk="王")
    discharged = admitted + timedelta(days=6)
    settlement = settle_discharge(
        store,
        DischargeInput(
            registration.admission_id,
            discharged,
            Amounts(
                total=total,
                out_of_catalog="300.00",
                basic_insurance="2500.00",
                critical_illness="200.00",
            ),
        ),
        clerk="王",
        policies=policies,
        now=discharged + timedelta(hours=2),
    )
    # As the desk does once the settlement is committed (app.desk.paper.archive_slip).
    archive_slip(store, settlement.slip_number, policies=policies)
    return settlement.slip_number, scan_bytes


@pytest.fixture
def quarter(tmp_path) -> Quarter:
    policies = load_policies()
    (tmp_path / "data").mkdir()
    store = open_store(str(tmp_path / "data" / "desk.sqlite3"))
    save_site(
        store,
        code="TEZ01",
        name="台儿庄区人民医院",
        facility="county",
        default_policy="taierzhuang",
        clerk="管理员",
    )
    slips, scans = [], {}
    for sequence in range(1, 10):
        admitted = datetime(2026, 7, 1, 8, 0) + timedelta(days=9 * sequence)
        slip, scan = settle_one(
            store,
            policies,
            tmp_path,
            sequence,
            admitted,
            total=f"{5000 + 137 * sequence}.{sequence:02d}",
        )
        slips.append(slip)
        scans[slip] = scan
    june, _ = settle_one(
        store, policies, tmp_path, 20, datetime(2026, 6, 10, 8, 0), total="4000.00"
    )
    voided = slips[4]
    void_settlement(
        store, voided, reason="金额录入错误", clerk="李主任", now=datetime(2026, 9, 29, 10, 0)
    )
    archive_slip(store, voided, policies=policies)  # its voided form, as the desk does
    yield Quarter(store, policies, slips, voided, june, scans)
    store.close()


@pytest.fixture
def add_case(quarter, tmp_path):
    """Settle one more case (returns its slip number)."""

    def add(sequence: int, admitted: datetime, total: str = "6000.00") -> str:
        slip, _ = settle_one(
            quarter.store, quarter.policies, tmp_path, sequence, admitted, total=total
        )
        return slip

    return add
