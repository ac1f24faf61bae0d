"""The report workbook prints as filed: A4, every column on one page's width, landscape where
wide, the header row repeated on each page, page numbers in the footer — read from the file,
and printed through LibreOffice to PDF and read back."""

import shutil
import subprocess
from datetime import datetime

import pytest
from openpyxl import load_workbook

from app.bundle.report_xlsx import report_xlsx
from tests.printing.test_report_pages import _case


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("sheet") / "report.xlsx"
    path.write_bytes(
        report_xlsx([_case(n) for n in range(1, 121)], "测试报表", datetime(2026, 11, 30))
    )
    return path


def test_every_sheet_has_its_print_setup(workbook):
    book = load_workbook(workbook)
    for sheet in book.worksheets:
        assert sheet.print_area, sheet.title
        assert sheet.print_title_rows == "$1:$1", sheet.title
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    assert book["明细"].page_setup.orientation == "landscape"
    assert book["按资金汇总"].page_setup.orientation == "portrait"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice 未安装")
def test_printed_detail_pages_repeat_the_header_and_keep_every_column(workbook, tmp_path):
    done = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(workbook)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "report.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")[:-1]
    detail = [page for page in pages if "JJ01-2026-" in page]
    assert len(detail) >= 2  # 120 rows do not fit one page
    for page in detail:
        assert "结算单号" in page and "医院垫付" in page and "状态" in page
    for number, page in enumerate(pages, 1):
        assert f"第{number}页共{len(pages)}页" in page.replace(" ", "")
    size = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    width, height = [float(v) for v in size.split("Page size:")[1].split("pts")[0].split(" x ")]
    assert width > height  # the detail comes first, landscape
