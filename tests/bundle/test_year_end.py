"""威海's year-end list: the classes settled at year end, with base and assistance due."""

import io
from datetime import datetime, timedelta
from decimal import Decimal

from openpyxl import load_workbook

from app.bundle.year_end import year_end_cases, year_end_xlsx
from app.policy import load_policies
from app.services import Amounts, DischargeInput, register_admission, save_site, settle_discharge
from db import open_store
from tests.store.helpers import admission, person, tick_all


def test_year_end_list_holds_only_year_end_classes(tmp_path):
    policies = load_policies()
    store = open_store(str(tmp_path / "desk.sqlite3"))
    save_site(
        store,
        code="WH01",
        name="威海测试医院",
        facility="county",
        default_policy="weihai",
        clerk="管理员",
    )
    settled = {}
    for sequence, category in ((1, "low_income"), (2, "minimum_living"), (3, "illness_poverty")):
        admitted = datetime(2026, 4, 1, 8, 0) + timedelta(days=sequence)
        form = admission(
            person(sequence, policy="weihai"),
            number=f"WH{sequence}",
            admitted_at=admitted,
            category=category,
        )
        registration = register_admission(store, form, clerk="王", policies=policies, now=admitted)
        tick_all(store, registration.admission_id)
        # base = 50000 − 20000 = 30000 for everyone
        row = settle_discharge(
            store,
            DischargeInput(
                registration.admission_id,
                admitted + timedelta(days=5),
                Amounts(total="50000.00", basic_insurance="20000.00"),
            ),
            clerk="王",
            policies=policies,
            now=admitted + timedelta(days=5),
        )
        settled[category] = row.slip_number
    cases = year_end_cases(store, "WH01", "weihai", 2026)
    store.close()
    # 低收入: (30000 − 20000) × 60% = 6000; 因病致贫: 10000 × 40% = 4000; 低保 is instant
    due = {case.slip_number: case.amounts["assistance"] for case in cases}
    assert due == {
        settled["low_income"]: Decimal("6000.00"),
        settled["illness_poverty"]: Decimal("4000.00"),
    }
    sheet = load_workbook(io.BytesIO(year_end_xlsx(cases, 2026))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][0] == "合计" and Decimal(str(rows[-1][6])) == Decimal("10000.00")
    assert {row[0] for row in rows[1:-1]} == set(due)
