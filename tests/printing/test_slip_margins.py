"""No ink within 5 mm of any edge of any sheet the slip prints on (the cut line included), nor
on the calibration page: each rendered at 150 dpi in-process and its pixels read."""

import math
from dataclasses import replace
from decimal import Decimal

import pytest
from conftest import CASES

from app.printing.calibration import render_calibration_page
from app.printing.paper_sizes import MARGIN_MM, SHEET_MM, SLIP_PAPERS
from app.printing.printer_setup import PrinterSetup
from app.printing.raster import render_pages
from app.printing.records import Clause
from app.printing.slip import render_slip
from app.printing.typeset import DEMO_MARK, marked_pages

DPI = 150
# Pixels whose square reaches into the 5 mm band: every pixel that starts before 5 mm.
BAND = math.ceil(MARGIN_MM / 25.4 * DPI)


def inked_edges(page) -> dict[str, int]:
    """For each edge, how many pixels from it the nearest pixel that is not pure white lies."""
    row_bytes = page.width * 3
    nearest = {"left": page.width, "right": page.width, "top": None, "bottom": None}
    for row in range(page.height):
        line = page.pixels[row * page.stride : row * page.stride + row_bytes]
        ink = line.strip(b"\xff")
        if not ink:
            continue
        nearest["top"] = row if nearest["top"] is None else nearest["top"]
        nearest["bottom"] = page.height - 1 - row
        nearest["left"] = min(nearest["left"], (len(line) - len(line.lstrip(b"\xff"))) // 3)
        nearest["right"] = min(nearest["right"], (len(line) - len(line.rstrip(b"\xff"))) // 3)
    assert nearest["top"] is not None, "a blank page"
    return nearest


def pdf_text(pdf: bytes) -> str:
    import subprocess

    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def assert_margins(pdf: bytes, paper: str) -> None:
    pages = render_pages(pdf, DPI)
    width_mm, height_mm = SHEET_MM[paper]
    for number, page in enumerate(pages, 1):
        # the sheet itself, so a wrong page size is not measured against the wrong edges
        assert abs(page.width - width_mm / 25.4 * DPI) <= 1
        assert abs(page.height - height_mm / 25.4 * DPI) <= 1
        nearest = inked_edges(page)
        too_near = {edge: px for edge, px in nearest.items() if px < BAND}
        assert not too_near, f"{paper} 第 {number} 页：离边不足 {MARGIN_MM} mm 的墨迹 {too_near}"


@pytest.mark.parametrize("paper", sorted(SLIP_PAPERS))
@pytest.mark.parametrize("kind", ["plain", "voided", "preview", "continued", "demo"])
def test_no_ink_within_five_mm_of_any_edge(make_slip, paper, kind):
    slip = make_slip(CASES["hunan"])  # the most layers and clauses of the five
    preview = kind == "preview"
    if kind == "voided":
        slip = replace(slip, voided=True, void_reason="金额录入错误", reprint_count=2)
    if kind == "continued":
        extra = tuple(
            Clause(f"附{n}", f"第{n}条示例说明：逐项列明的计算过程", None) for n in range(40)
        )
        slip = replace(slip, clauses=slip.clauses + extra)
    with marked_pages(DEMO_MARK if kind == "demo" else None):
        pdf = render_slip(slip, paper=paper, preview=preview)
    if kind == "demo":
        # drawn at a slant across the copies: its characters, not its order, come back as text
        assert set("演示数据，不得用于结算或申报") <= set(pdf_text(pdf))
    assert_margins(pdf, paper)


def test_the_band_is_what_five_mm_is_at_150_dpi():
    # 5 mm = 29.53 px: pixel 29 still begins inside the band, pixel 30 begins outside it
    assert BAND == 30


@pytest.mark.parametrize("paper", sorted(SLIP_PAPERS))
def test_calibration_page_keeps_the_margins_too(paper):
    setup = PrinterSetup(Decimal("-1.5"), Decimal("2.0"))
    assert_margins(render_calibration_page(paper, "EPSON LQ-630K", setup), paper)
