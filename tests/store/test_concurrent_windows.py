"""Two windows on one database settling at once: unique slips, caps never overrun."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from decimal import Decimal

from app.services import Amounts, OutpatientInput, settle_outpatient
from db import open_store
from tests.store.helpers import person

PER_WINDOW = 8


def test_two_windows_share_the_counter_and_the_cap(store, store_target, make_site, tmp_path):
    make_site()  # 兰溪: general outpatient for 低保 paid in full, at most 2000 a year
    windows = [store, open_store(store_target, data_dir=tmp_path / "data")]

    def work(window):
        rows = []
        for _ in range(PER_WINDOW):
            form = OutpatientInput(
                person=person(1),
                visit_date=date(2026, 5, 1),
                visit="outpatient_general",
                category="minimum_living",
                insurance="resident",
                amounts=Amounts("400.00", basic_insurance="100.00"),
                off_roster_reason="名册尚未下发",
            )
            rows.append(settle_outpatient(window, form, clerk="窗口", now=datetime(2026, 5, 2)))
        return rows

    with ThreadPoolExecutor(max_workers=2) as pool:
        rows = [row for batch in pool.map(work, windows) for row in batch]
    windows[1].close()
    sequences = sorted(int(row.slip_number.rsplit("-", 1)[1]) for row in rows)
    assert sequences == list(range(1, 2 * PER_WINDOW + 1))
    # Each visit's base is 300; 16 visits want 4800 but the year allows 2000 in all.
    assert sum(row.assistance for row in rows) == Decimal("2000.00")
