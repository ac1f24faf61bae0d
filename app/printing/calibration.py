"""Printer calibration: the test page the clerk measures (the shift its offsets ask for is
``app.printing.placement``'s).

The test page has a ruler in millimetres along the top (distance from the paper's left edge)
and down the left side (distance from its top edge), and crosshairs at marked distances from
the left and top edges. Where a crosshair lands on the paper, minus where it is marked, is the
printer's offset (``app.printing.printer_setup``).
"""

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.printing import typeset
from app.printing.paper_sizes import MARGIN_MM, SHEET_MM, SLIP_PAPERS
from app.printing.printer_setup import PrinterSetup

RULER_FROM_MM = 10  # the rulers start and end this far inside the paper
TITLE = "打印机校准页"


def crosshairs_mm(paper: str) -> list[tuple[int, int]]:
    """Where the page's crosshairs are: (mm from the left edge, mm from the top edge)."""
    width, height = SHEET_MM[paper]
    return [(30, 30), (width // 2, height // 2), (width - 30, height - 30)]


def render_calibration_page(paper: str, printer_name: str, setup: PrinterSetup) -> bytes:
    """The calibration page on ``paper``'s sheet as PDF bytes, naming the printer and the
    offsets it prints with."""
    width_mm, height_mm = SHEET_MM[paper]
    width, height = width_mm * mm, height_mm * mm

    def at(x_mm: float, y_mm_from_top: float) -> tuple[float, float]:
        return x_mm * mm, height - y_mm_from_top * mm

    def draw(canvas: Canvas) -> None:
        canvas.setLineWidth(0.3)
        _rulers(canvas, width_mm, height_mm, at)
        for x_mm, y_mm in crosshairs_mm(paper):
            _crosshair(canvas, *at(x_mm, y_mm), f"距左 {x_mm} mm", f"距上 {y_mm} mm")
        _instructions(canvas, paper, printer_name, setup, at, width_mm)
        canvas.showPage()

    return typeset.build_pdf((width, height), TITLE, f"校准-{paper}", draw)


def _rulers(canvas: Canvas, width_mm: int, height_mm: int, at) -> None:
    """Ticks every mm, longer every 5 and 10 mm, the 10s numbered: along the top 15 mm down
    from the edge, and down the left side 15 mm in from the edge."""
    edge = 15
    start, end_x, end_y = RULER_FROM_MM, width_mm - RULER_FROM_MM, height_mm - RULER_FROM_MM
    canvas.line(*at(start, edge), *at(end_x, edge))
    canvas.line(*at(edge, start), *at(edge, end_y))
    for position in range(start, max(end_x, end_y) + 1):
        tick = 4 if position % 10 == 0 else 2.5 if position % 5 == 0 else 1.5
        if position <= end_x:
            canvas.line(*at(position, edge), *at(position, edge - tick))
            if position % 10 == 0 and position != edge:
                x, y = at(position, edge - 5)
                typeset.draw_text(canvas, x, y, str(position), 5.5, align="center")
        if position <= end_y:
            canvas.line(*at(edge, position), *at(edge - tick, position))
            if position % 10 == 0 and position > 2 * RULER_FROM_MM:  # clear of the top's 10
                x, y = at(edge - 5, position + 0.7)
                typeset.draw_text(canvas, x, y, str(position), 5.5, align="right")


def _crosshair(canvas: Canvas, x: float, y: float, across: str, down: str) -> None:
    canvas.line(x - 8 * mm, y, x + 8 * mm, y)
    canvas.line(x, y - 8 * mm, x, y + 8 * mm)
    canvas.circle(x, y, 2 * mm)
    typeset.draw_text(canvas, x + 3 * mm, y + 1.5 * mm, across, 6.5)
    typeset.draw_text(canvas, x + 3 * mm, y - 3.5 * mm, down, 6.5)


def _instructions(canvas: Canvas, paper, printer_name, setup: PrinterSetup, at, width_mm) -> None:
    lines = [
        (f"{TITLE}（{SLIP_PAPERS[paper]}）", 11),
        (f"打印机：{printer_name or '系统默认打印机'}；本页按横向偏移 {setup.offset_x} mm、"
         f"纵向偏移 {setup.offset_y} mm 打印", 7.5),
        ("1. 用直尺量每个十字线中心到纸张左边缘、上边缘的距离。", 7.5),
        ("2. 横向偏移 = 量得的距左距离 − 标注的距左距离（偏右为正，偏左为负）；"
         "纵向偏移 = 量得的距上距离 − 标注的距上距离（偏下为正，偏上为负）。", 7.5),
        ("3. 在“打印机校准”中填入偏移并保存，再打印本页核对：十字线应落在标注位置；"
         "仍有偏差时，把量得的差值加到已填的偏移上。", 7.5),
        (f"纸张四边 {MARGIN_MM} mm 以内不打印；偏移超出时只移到纸内为止。", 7.5),
    ]  # fmt: skip
    left_mm = 50
    text_w = (width_mm - left_mm - RULER_FROM_MM) * mm
    y_mm = 24.0
    for text, size in lines:
        for line in typeset.wrap(text, size, text_w):
            y_mm += size * 1.35 / mm
            typeset.draw_text(canvas, *at(left_mm, y_mm), line, size)
        y_mm += 1
