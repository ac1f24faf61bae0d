"""日结/交班: a day's settlements, voids and reprints per clerk and for the whole window, the
advances per policy and per fund, the slip numbers in runs with every gap named; on A4 (read
back with pdftotext) and in XLSX; and the ``daily-close`` command."""

import io
import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal
from itertools import pairwise

import pytest
from openpyxl import load_workbook

from app.daily_close import collect_daily_close
from app.daily_close.pdf import daily_close_pdf
from app.daily_close.xlsx import daily_close_xlsx
from app.printing.from_store import PRINT_ACTION
from app.services import Amounts, OutpatientInput, audit, settle_outpatient, void_settlement
from app.services.slips import next_slip_number
from tests.store.helpers import person

DAY = date(2026, 5, 2)


def _settle(store, sequence, clerk, total, basic, at):
    form = OutpatientInput(
        person=person(sequence),
        visit_date=date(2026, 5, 1),
        visit="outpatient_general",
        category="destitute",
        insurance="resident",
        amounts=Amounts(total, basic_insurance=basic),
        off_roster_reason="名册尚未下发",
    )
    return settle_outpatient(store, form, clerk=clerk, now=at)


@pytest.fixture
def day_of_work(store, make_site):
    make_site()  # 兰溪 LX01: 特困 general outpatient paid in full up to 2000 a year
    _settle(store, 1, "王", "300.00", "100.00", datetime(2026, 5, 1, 16))  # the day before
    one = _settle(store, 2, "王", "1500.00", "500.00", datetime(2026, 5, 2, 9))  # 1000.00
    two = _settle(store, 3, "李", "800.00", "300.00", datetime(2026, 5, 2, 10))  # 500.00
    three = _settle(store, 4, "王", "400.00", "100.00", datetime(2026, 5, 2, 11))  # 300.00
    void_settlement(
        store, three.slip_number, reason="录错", clerk="主管", now=datetime(2026, 5, 2, 11, 30)
    )
    # A number taken and lost (as a crash between counter and row never could be): a gap.
    with store.write() as session:
        next_slip_number(session, "LX01", 2026)
    four = _settle(store, 5, "王", "250.00", "50.00", datetime(2026, 5, 2, 15))  # 200.00
    # Printed at 9:05 (the first print) and again at 16:00 (a reprint).
    for at in (datetime(2026, 5, 2, 9, 5), datetime(2026, 5, 2, 16)):
        with store.write() as session:
            audit.record(
                session,
                clerk="王",
                action=PRINT_ACTION,
                entity="settlement",
                entity_id=one.slip_number,
                changes={"paper": "A5"},
                at=at,
            )
    return one, two, three, four


def test_the_whole_window_close_adds_up_to_the_days_settlements(store, day_of_work):
    one, two, three, four = day_of_work
    with store.read() as session:
        close = collect_daily_close(session, "LX01", DAY, titles={"lanxi": "兰溪"})
    assert [case.slip_number for case in close.settlements] == [
        one.slip_number,
        two.slip_number,
        three.slip_number,
        four.slip_number,
    ]
    live = [one, two, four]
    assert close.totals.count == 3
    assert close.totals.sums["advanced"] == sum((row.paid_at_window for row in live), Decimal(0))
    assert close.totals.sums["advanced"] == Decimal("1700.00")
    assert close.totals.by_fund == {"medical_assistance": Decimal("1700.00")}
    assert [(line.title, line.totals.sums["advanced"]) for line in close.by_policy] == [
        ("兰溪", Decimal("1700.00"))
    ]
    assert [v.slip_number for v in close.voids] == [three.slip_number]
    assert [(r.slip_number, r.times) for r in close.reprints] == [(one.slip_number, 1)]
    assert close.runs == (
        ("LX01-2026-000002", "LX01-2026-000004", 3),
        ("LX01-2026-000006", "LX01-2026-000006", 1),
    )
    assert close.gaps == ("LX01-2026-000005",)
    assert close.chain.seq > 0 and len(close.chain.digest) == 64
    assert close.chain.text() == f"{close.chain.seq}:{close.chain.digest}"


def test_a_days_close_reads_the_same_after_a_later_void(store, day_of_work):
    """Printed again after a slip of that day was voided on a later day, the close shows the
    day as it was handed over; the void is listed on the day it was made."""
    _one, two, _three, _four = day_of_work
    with store.read() as session:
        before = collect_daily_close(session, "LX01", DAY)
    void_settlement(
        store, two.slip_number, reason="金额录错", clerk="主管", now=datetime(2026, 5, 4, 9)
    )
    with store.read() as session:
        again = collect_daily_close(session, "LX01", DAY)
        void_day = collect_daily_close(session, "LX01", date(2026, 5, 4))
    assert again.totals == before.totals and again.totals.sums["advanced"] == Decimal("1700.00")
    assert [line.totals for line in again.by_policy] == [line.totals for line in before.by_policy]
    assert [v.slip_number for v in void_day.voids] == [two.slip_number]
    assert void_day.voids[0].advanced == Decimal("500.00")


def test_a_clerks_close_has_only_their_work(store, day_of_work):
    one, _two, three, four = day_of_work
    with store.read() as session:
        wang = collect_daily_close(session, "LX01", DAY, "王")
        li = collect_daily_close(session, "LX01", DAY, "李")
    assert [c.slip_number for c in wang.settlements] == [
        one.slip_number,
        three.slip_number,
        four.slip_number,
    ]
    assert wang.totals.sums["advanced"] == Decimal("1200.00")
    assert li.totals.sums["advanced"] == Decimal("500.00")
    assert [v.slip_number for v in li.voids] == []
    assert [r.clerk for r in wang.reprints] == ["王"] and li.reprints == ()


def test_the_close_on_paper_and_in_a_workbook(store, day_of_work, tmp_path):
    with store.read() as session:
        close = collect_daily_close(session, "LX01", DAY, titles={"lanxi": "兰溪"})
    pdf = daily_close_pdf(close)
    out = tmp_path / "日结.pdf"
    out.write_bytes(pdf)
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "日结单" in text and "2026-05-02" in text
        assert "1,700.00" in text or "1700.00" in text
        assert "LX01-2026-000005" in text  # the gap is named
        assert f"审计链末端（核对用：audit verify --anchor）：{close.chain.text()}" in text
    book = load_workbook(io.BytesIO(daily_close_xlsx(close)))
    detail = book["结算明细"]
    rows = list(detail.iter_rows(values_only=True))
    totals_row = next(row for row in rows if row[0] == "合计（不含作废）")
    advanced = [
        row[8] for row in rows[2:] if row[0] and row[0].startswith("LX01") and row[11] == "有效"
    ]
    assert Decimal(str(totals_row[8])) == sum((Decimal(str(a)) for a in advanced), Decimal(0))
    assert "LX01-2026-000005" in [
        cell for row in book["结算单号"].iter_rows(values_only=True) for cell in row
    ]


def test_the_daily_close_command(store, store_target, day_of_work, tmp_path, capsys):
    from app.cli import main

    if not store_target.endswith(".sqlite3"):
        pytest.skip("the command opens the SQLite file the window uses")
    out = tmp_path / "close.xlsx"
    assert (
        main(["daily-close", "--date", "2026-05-02", "--out", str(out), "--db", store_target]) == 0
    )
    said = capsys.readouterr().out
    assert "医院垫付 1700.00 元" in said and "缺号 1 个" in said
    assert out.is_file()
    assert (
        main(["daily-close", "--date", "2026-13-02", "--out", str(out), "--db", store_target]) == 2
    )
    assert "--date" in capsys.readouterr().err


def test_a_long_void_reason_or_name_keeps_to_its_column_on_paper(store, day_of_work, monkeypatch):
    """A reason of 40 characters, or a name of 11, ran over 原经办 and 就诊类型: each left
    cell is drawn smaller, then cut with …, and ends before the next cell begins."""
    from app.daily_close import pdf as close_pdf
    from app.printing import typeset

    _one, two, _three, _four = day_of_work
    reason = "患者家属提供的医保结算单金额与医院收费系统不一致，需重新核对后再结算处理" * 2
    void_settlement(
        store, two.slip_number, reason=reason, clerk="主管", now=datetime(2026, 5, 2, 17)
    )
    drawn = []
    real = typeset.draw_text

    def record(canvas, x, y, text, size, align="left"):
        drawn.append((round(y, 2), x, text, size, align))
        return real(canvas, x, y, text, size, align=align)

    monkeypatch.setattr(typeset, "draw_text", record)
    with store.read() as session:
        close_pdf.daily_close_pdf(collect_daily_close(session, "LX01", DAY))
    rows: dict = {}
    for y, x, text, size, align in drawn:
        rows.setdefault(y, []).append((x, text, size, align))
    void_row = next(cells for cells in rows.values() if any("患者家属" in c[1] for c in cells))
    cells = sorted(void_row)
    for (x, text, size, align), (next_x, next_text, next_size, next_align) in pairwise(cells):
        if align == "left":
            start = next_x - (
                typeset.text_width(next_text, next_size) if next_align == "right" else 0
            )
            assert x + typeset.text_width(text, size) < start, (text, next_text)
    assert any(c[1].endswith("…") for c in cells)  # too long even at 5 pt: cut
