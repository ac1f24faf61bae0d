"""Spreadsheet injection: text typed at the window that starts with ``=``, ``+``, ``-``, ``@``
or a tab is written to every XLSX and CSV the app makes as text, never as a formula."""

import csv
import dataclasses
import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook

from app.audit_log import audit_csv, audit_xlsx, query_audit
from app.bundle.cases import collect_cases
from app.bundle.period import parse_period
from app.bundle.report_xlsx import report_xlsx
from app.bundle.year_end import year_end_xlsx
from app.services import (
    Amounts,
    DischargeInput,
    import_roster,
    register_admission,
    settle_discharge,
)
from app.services.people import find_person
from app.sync.central_publish import publish
from db import open_store
from tests.bundle.test_export import export
from tests.store.helpers import admission, person, tick_all

# What a window accepts as a name or number: no control characters, but these may be typed.
TYPED = ['=HYPERLINK("http://x","点我")', "+86-1", "-2+3", "@SUM(A1:A9)", "=1+1"]
# A tab cannot be typed into a name any more; older rows or other sources may still hold one.
FORMULA = ("=", "+", "-", "@", "\t")
STORED = [*TYPED, "\t=1+1", "\tSUM(1)"]


def _settle_named(quarter, name: str, sequence: int) -> str:
    admitted = datetime(2026, 8, 1, 8, 0) + timedelta(hours=sequence)
    form = admission(
        person(sequence, policy="taierzhuang", name=name),
        number=f"{name}{sequence}",
        admitted_at=admitted,
        facility="county",
    )
    done = register_admission(
        quarter.store, form, clerk="王", policies=quarter.policies, now=admitted
    )
    tick_all(quarter.store, done.admission_id)
    discharged = admitted + timedelta(days=3)
    row = settle_discharge(
        quarter.store,
        DischargeInput(done.admission_id, discharged, Amounts(total="3000.00")),
        clerk="王",
        policies=quarter.policies,
        now=discharged,
    )
    return row.slip_number


def _text_cells(data: bytes) -> dict[str, list]:
    book = load_workbook(io.BytesIO(data))
    return {
        sheet.title: [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
        for sheet in book.worksheets
    }


def _assert_all_text(cells, hostile) -> None:
    found = {cell.value: cell for cell in cells if cell.value in hostile}
    assert set(found) == set(hostile)
    for value, cell in found.items():
        assert (cell.data_type, cell.value) == ("s", value), cell.coordinate
        assert cell.quotePrefix, cell.coordinate
    assert not [cell for cell in cells if cell.data_type == "f"]


def test_hostile_names_and_numbers_are_text_in_the_exported_report(quarter, tmp_path):
    for sequence, name in enumerate(TYPED, start=40):
        _settle_named(quarter, name, sequence)
    report = export(quarter, tmp_path)
    cells = _text_cells((report.path / "report.xlsx").read_bytes())
    _assert_all_text(cells["明细"], TYPED)


def test_a_tab_at_the_start_is_text_too_in_the_report_and_the_year_end_list(quarter):
    with quarter.store.read() as session:
        cases = collect_cases(session, "TEZ01", "taierzhuang", parse_period("2026Q3", "quarter"))
    hostile = [
        dataclasses.replace(case, person_name=name, settle_mode="year_end", voided=False)
        for case, name in zip(cases, STORED, strict=False)
    ]
    report = _text_cells(report_xlsx(hostile, "报表", datetime(2026, 9, 30)))
    _assert_all_text(report["明细"], STORED)
    _assert_all_text(report["年底救助名单"], STORED)
    year_end = _text_cells(year_end_xlsx(hostile, 2026))
    _assert_all_text(year_end["2026年底救助名单"], STORED)


def test_the_audit_export_keeps_a_hostile_name_as_text(quarter):
    _settle_named(quarter, "=1+1", 60)
    rows = query_audit(quarter.store)
    sheet = load_workbook(io.BytesIO(audit_xlsx(rows))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [cell for cell in cells if cell.data_type == "f"]
    text = audit_csv(rows).decode("utf-8-sig")
    assert not [c for row in csv.reader(io.StringIO(text)) for c in row if c.startswith(FORMULA)]


@pytest.mark.parametrize("name", TYPED)
def test_the_centre_roster_csv_quotes_a_hostile_name_and_reads_it_back(tmp_path, name):
    central = open_store(str(tmp_path / "central.sqlite3"))
    who = person(3, name=name)
    source = tmp_path / "民政局.csv"
    with source.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(
            [["姓名", "身份证号", "类别"], [f"'{name}", who.id_number, "低保对象"]]
        )
    assert import_roster(central, source, clerk="中心", source="民政局").imported == 1
    published = publish(central, tmp_path / "out", years=[2026], now=datetime(2026, 7, 1))
    central.close()
    cells = [
        c for row in csv.reader(io.StringIO(published.roster.read_text("utf-8-sig"))) for c in row
    ]
    assert f"'{name}" in cells
    assert not [c for c in cells if c.startswith(FORMULA)]
    window = open_store(str(tmp_path / "window.sqlite3"))
    assert import_roster(window, published.roster, clerk="王", source="中心").imported == 1
    with window.read() as session:
        assert find_person(session, who.id_number).name == name
    window.close()
