"""Where a rendered page goes on the printer's paper: the printer's measured offset undone, in
whole pixels, and never so far that ink leaves the paper. Pure Python over a ``PageImage``
(no ReportLab), so the window may import it at start.
"""

from decimal import ROUND_HALF_UP, Decimal

from app.printing.printer_setup import PrinterSetup
from app.printing.raster import PageImage

MM_PER_INCH = Decimal("25.4")


def ink_box(page: PageImage) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom) pixels of everything not pure white on the page (right and
    bottom exclusive), or None for a blank page."""
    row_bytes = page.width * 3
    white = b"\xff" * row_bytes
    top = bottom = None
    left, right = page.width, 0
    for row in range(page.height):
        line = page.pixels[row * page.stride : row * page.stride + row_bytes]
        if line == white:
            continue
        top = row if top is None else top
        bottom = row
        left = min(left, (row_bytes - len(line.lstrip(b"\xff"))) // 3)
        right = max(right, (len(line.rstrip(b"\xff")) + 2) // 3)
    return None if top is None else (left, top, right, bottom + 1)


def page_shift(page: PageImage, setup: PrinterSetup, dpi: int) -> tuple[int, int]:
    """The printer's correction for one page rendered at ``dpi``, in whole pixels (right,
    down), so the barcode's bars stay on the pixel grid; limited so no ink leaves the page."""
    right_mm, down_mm = setup.correction_mm
    dx, dy = (int((value * dpi / MM_PER_INCH).to_integral_value(ROUND_HALF_UP))
              for value in (right_mm, down_mm))  # fmt: skip
    box = ink_box(page)
    if box is None:
        return 0, 0
    left, top, right, bottom = box
    return (
        max(-left, min(dx, page.width - right)),
        max(-top, min(dy, page.height - bottom)),
    )
