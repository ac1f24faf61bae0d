"""Code 128 bars drawn as vector rectangles: python-barcode encodes the symbol (start, code
sets, check character, stop); ReportLab draws each run of dark modules as one rectangle, so
the bars stay sharp on any printer and no image writer or its font file is needed."""

from barcode import Code128
from reportlab.pdfgen.canvas import Canvas

QUIET_MODULES = 10  # the symbology's minimum quiet zone on each side


def code128_modules(text: str) -> str:
    """The symbol as a string of '1' (bar) and '0' (space) modules, without quiet zones."""
    return Code128(text).build()[0]


def code128_width(text: str, module: float) -> float:
    """Width in points of the symbol and both quiet zones at ``module`` points per module."""
    return (len(code128_modules(text)) + 2 * QUIET_MODULES) * module


def draw_code128(
    canvas: Canvas, x: float, y: float, text: str, module: float, height: float
) -> float:
    """Draw the bars with the left quiet zone starting at ``x`` and the bars' bottom at ``y``.
    Returns the total width including quiet zones."""
    modules = code128_modules(text)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    start = None
    for index, bit in enumerate(modules + "0"):
        if bit == "1" and start is None:
            start = index
        elif bit == "0" and start is not None:
            left = x + (QUIET_MODULES + start) * module
            canvas.rect(left, y, (index - start) * module, height, stroke=0, fill=1)
            start = None
    canvas.restoreState()
    return (len(modules) + 2 * QUIET_MODULES) * module
