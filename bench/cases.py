"""Settled discharge cases for the benchmarks, built through the real services."""

from datetime import date, datetime, timedelta
from pathlib import Path

from app.identity import make_resident_id
from app.policy import load_policies
from app.printing.slip_archive import archive_slip
from app.services import (
    AdmissionInput,
    Amounts,
    DischargeInput,
    ItemUpdate,
    Override,
    PersonInput,
    checklist,
    register_admission,
    save_site,
    settle_discharge,
    update_item,
)

REGIONS = {"taierzhuang": "370405", "lanxi": "330781"}


def build_cases(
    store,
    count: int,
    *,
    site_code: str,
    policy: str,
    category: str,
    scan_kb: int = 0,
    work: Path | None = None,
    start: datetime = datetime(2026, 7, 1, 8, 0),
    archive_slips: bool = False,
) -> None:
    """``count`` admissions registered and settled 40 minutes apart (2,000 fit in a quarter).

    With ``scan_kb`` every paper is ticked and the ID card gets a scan of that size (written
    under ``work``); without, a supervisor's override stands in for the papers. Each slip is
    archived as the desk archives it with ``archive_slips`` (else as a store from before that)."""
    policies = load_policies()
    save_site(
        store,
        code=site_code,
        name="基准测试医院",
        facility="county",
        default_policy=policy,
        clerk="bench",
    )
    for n in range(count):
        born = date(1940 + n % 60, 1 + n % 12, 1 + n % 28)
        who = PersonInput(
            make_resident_id(REGIONS[policy], born, n % 500, "F"), f"基准{n}", "女", born
        )
        admitted = start + timedelta(minutes=40 * n)
        registration = register_admission(
            store,
            AdmissionInput(
                who,
                f"ZY{n:06d}",
                admitted,
                "内科",
                "肺炎",
                category,
                "resident",
                off_roster_reason="基准测试",
            ),
            clerk="bench",
            policies=policies,
            now=admitted,
        )
        override = None
        if scan_kb:
            _tick_with_scan(store, registration.admission_id, work, scan_kb, n)
        else:
            override = Override("主管", "基准测试不查材料")
        settled = settle_discharge(
            store,
            DischargeInput(
                registration.admission_id,
                admitted + timedelta(minutes=30),
                Amounts(total="8000.00", basic_insurance="4000.00"),
            ),
            clerk="bench",
            override=override,
            policies=policies,
            now=admitted + timedelta(minutes=31),
        )
        if archive_slips:  # as the desk does once a settlement is committed
            archive_slip(store, settled.slip_number, policies=policies)


def _tick_with_scan(store, admission_id: int, work: Path, scan_kb: int, n: int) -> None:
    scan = work / "scan.png"
    # distinct bytes per case, so each scan is its own file (scans are stored once by hash)
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + n.to_bytes(4, "big") * (scan_kb * 256))
    with store.read() as session:
        items = checklist(session, admission_id)
    for item in items:
        attach = scan if item.document_code == "id_card" and item.stage == "admission" else None
        update_item(store, item.id, ItemUpdate(True, True, attach), clerk="bench")
