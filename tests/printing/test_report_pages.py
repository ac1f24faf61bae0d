"""The bundle's report PDF over several pages: every font embedded (no base font such as
Helvetica referenced), “第 N 页 共 M 页” on each page, long category names wrapped whole in
their column, and Chinese line breaks that never start a line with a closing mark."""

import re
import subprocess
from datetime import datetime
from decimal import Decimal

import pytest

from app.bundle.cases import MONEY_FIELDS, BundleCase
from app.bundle.report_pdf import ReportHeading, report_pdf
from app.printing import typeset

LONG_CATEGORY = "享受定期定量生活补助费的20世纪60年代精减退职职工"  # 靖江 第五条
HEADING = ReportHeading(
    "测试医院", "JJ01", "靖江市精准医疗救助实施办法", "靖政办发〔2017〕1号", "2026-11",
    "JJ01-jingjiang-2026-11", "2017-01-01",
)  # fmt: skip


def _case(number: int) -> BundleCase:
    amounts = dict.fromkeys(MONEY_FIELDS, Decimal("100.00"))
    return BundleCase(
        settlement_id=number,
        slip_number=f"JJ01-2026-{number:06d}",
        settled_at=datetime(2026, 11, 1 + number % 28, 10),
        person_name="测试甲",
        id_number="321282********0026",
        category=LONG_CATEGORY if number % 2 else "destitute",
        visit="inpatient",
        facility="grassroots",
        admission_number=f"ZY{number:04d}",
        admitted_at=datetime(2026, 10, 20),
        discharged_at=datetime(2026, 11, 1),
        settle_mode="instant",
        eligible=True,
        voided=False,
        void_reason=None,
        amounts=amounts,
        layers=(),
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.pdf"
    path.write_bytes(report_pdf([_case(n) for n in range(1, 61)], HEADING))
    return path


def _pages(path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def test_every_font_is_embedded_and_no_base_font_is_referenced(report):
    listing = subprocess.run(
        ["pdffonts", str(report)], capture_output=True, text=True, check=True
    ).stdout
    rows = listing.splitlines()[2:]
    assert rows
    for row in rows:
        name, *_, emb, _sub, _uni, _obj, _gen = row.split()
        assert emb == "yes" and "Helvetica" not in name, row


def test_each_page_says_which_of_how_many(report):
    pages = _pages(report)
    assert len(pages) >= 3
    for number, page in enumerate(pages, 1):
        assert re.search(rf"第\s*{number}\s*页\s*共\s*{len(pages)}\s*页", page), page[-300:]


def test_a_long_category_is_wrapped_whole_not_cut(report):
    """The detail table's 类别 column, cropped out of every page, holds the whole name of
    each case of that category (its lines one under the other)."""
    from reportlab.lib.units import mm

    from app.bundle.report_pdf import DETAIL, PAGE_H

    (left,) = [x for title, x, _ in DETAIL if title == "类别"]
    (right,) = [x for title, x, _ in DETAIL if title == "住院号"]
    column = subprocess.run(
        ["pdftotext", "-r", "72", "-x", str(int(left)), "-y", "0", "-W", str(int(right - left)),
         "-H", str(int(PAGE_H)), str(report), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    joined = re.sub(r"\s+", "", column)
    assert joined.count(LONG_CATEGORY) == 30, column[:400]
    assert right - left < typeset.text_width(LONG_CATEGORY, 7.5) + 2 * mm  # it had to wrap


@pytest.mark.parametrize("width_chars", range(3, 15))
def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(width_chars):
    text = "救助对象（含特困供养人员）在定点医院住院的，出院时“一站式”结算；个人负担部分，按规定比例救助。"
    typeset.register_fonts()
    size = 10.0
    width = typeset.text_width("测" * width_chars, size)
    lines = typeset.wrap(text, size, width)
    assert "".join(lines) == text
    for line in lines:
        assert typeset.text_width(line, size) <= width + 0.01, line
    for line in lines[1:]:
        assert line[0] not in typeset.NOT_AT_LINE_START, lines
    for line in lines[:-1]:
        assert line[-1] not in typeset.NOT_AT_LINE_END, lines
