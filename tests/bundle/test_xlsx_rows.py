"""The report's plain detail rows are serialised by ``app.bundle.xlsx_rows``, not openpyxl:
the workbook must be the very bytes openpyxl writes, whatever the cells hold."""

import dataclasses
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from app.bundle import xlsx_rows
from app.bundle.cases import collect_cases, policy_category_names
from app.bundle.period import parse_period
from app.bundle.report_xlsx import read_detail, report_xlsx

# Text the XML must escape or keep as typed, and text that must go through openpyxl.
# The first row always goes through openpyxl (the others take its styles).
AWKWARD = ["王五", "A&B <C> D", " 前后空格 ", "换行\n第二行", "", "=1+1", "-2+3", "x\r\ny"]


def _cases(quarter):
    policy = quarter.policies["taierzhuang"].definition
    with quarter.store.read() as session:
        cases = collect_cases(
            session,
            "TEZ01",
            "taierzhuang",
            parse_period("2026Q3", "quarter"),
            policy_category_names(policy),
        )
    return cases, policy


def _openpyxl_only(monkeypatch) -> None:
    monkeypatch.setattr(xlsx_rows, "plain", lambda _values: False)


def test_the_report_is_the_workbook_openpyxl_writes(quarter, monkeypatch):
    cases, policy = _cases(quarter)
    awkward = [
        dataclasses.replace(case, person_name=name, admission_number=name or None)
        for case, name in zip(cases, AWKWARD, strict=False)
    ]
    stamp = datetime(2026, 9, 30)
    spliced = report_xlsx(awkward, "报表", stamp, policy=policy)
    with monkeypatch.context() as patch:
        _openpyxl_only(patch)
        assert report_xlsx(awkward, "报表", stamp, policy=policy) == spliced
    # and it reads back as typed: the verification reads these rows
    sheet = load_workbook(io.BytesIO(spliced))["明细"]
    names = [sheet.cell(row=row, column=4).value for row in range(2, len(awkward) + 2)]
    # (an XML reader reads a CRLF as LF, from openpyxl's bytes as from these)
    assert names == [name.replace("\r\n", "\n") or None for name in AWKWARD[: len(awkward)]]
    assert sheet.cell(row=7, column=4).quotePrefix  # "=1+1" stayed text
    detail = read_detail(spliced)
    assert [number for number, _voided, _amounts in detail.rows] == [
        case.slip_number for case in awkward
    ]
    first = awkward[1]  # a spliced row
    assert detail.rows[1][2]["医疗总费用"] == first.amounts["total"]
    assert detail.rows[1][1] == first.voided


def test_a_character_xml_cannot_carry_is_refused_as_openpyxl_refuses_it(quarter):
    cases, policy = _cases(quarter)
    broken = [cases[0], dataclasses.replace(cases[1], person_name="控制\x01字符")]
    with pytest.raises(IllegalCharacterError):
        report_xlsx(broken, "报表", datetime(2026, 9, 30), policy=policy)
