"""Ruled form tables (the paper forms of the seeds): rows of bordered cells, labels shaded and
centred, values wrapped to the cell, and cells that draw their own content (tick boxes,
signature and seal areas)."""

from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.printing import typeset

PAD = 1.5 * mm
SHADE = 0.93


@dataclass(frozen=True)
class Cell:
    """One cell: its width, its text, and how it is drawn.

    ``draw`` (canvas, left, bottom, width, height) replaces the text for special cells."""

    width: float
    text: str = ""
    label: bool = False
    align: str = "left"
    draw: Callable[[Canvas, float, float, float, float], None] | None = None


def draw_row(
    canvas: Canvas, left: float, top: float, height: float, cells: list[Cell], size: float
) -> float:
    """Draw one row with its top-left at (left, top); returns the row's bottom."""
    x = left
    bottom = top - height
    for cell in cells:
        if cell.label:
            canvas.saveState()
            canvas.setFillColorRGB(SHADE, SHADE, SHADE)
            canvas.rect(x, bottom, cell.width, height, stroke=0, fill=1)
            canvas.restoreState()
        canvas.setLineWidth(0.6)
        canvas.rect(x, bottom, cell.width, height)
        if cell.draw is not None:
            cell.draw(canvas, x, bottom, cell.width, height)
        elif cell.text:
            align = "center" if cell.label else cell.align
            block_text(canvas, x, bottom, cell.width, height, cell.text, size, align)
        x += cell.width
    return bottom


def block_text(
    canvas: Canvas,
    left: float,
    bottom: float,
    width: float,
    height: float,
    text: str,
    size: float,
    align: str = "left",
    valign: str = "middle",
) -> None:
    """Text wrapped inside a box, shrunk until every line fits the box's height."""
    inner_w, inner_h = width - 2 * PAD, height - 2 * PAD
    if "\n" not in text:
        # One line at up to 20 % smaller reads better than two lines at full size.
        one_line = typeset.fit_size(text, size, inner_w, smallest=size * 0.8)
        if typeset.text_width(text, one_line) <= inner_w:
            size = one_line
    while True:
        lines = typeset.wrap(text, size, inner_w)
        leading = size * 1.25
        if len(lines) * leading <= inner_h or size <= 5:
            break
        size -= 0.25
    block_h = len(lines) * leading
    top_line = bottom + height - PAD - size
    y = top_line if valign == "top" else bottom + (height + block_h) / 2 - size
    anchor = {"left": left + PAD, "center": left + width / 2, "right": left + width - PAD}[align]
    for line in lines:
        typeset.draw_text(canvas, anchor, y, line, size, align=align)
        y -= leading


def tick_options(options: list[tuple[str, bool]], size: float, columns: int = 0):
    """A cell drawer: tick boxes with their names, in one line or in ``columns`` columns."""

    def draw(canvas: Canvas, left: float, bottom: float, width: float, height: float) -> None:
        per_line = columns or len(options)
        lines = (len(options) + per_line - 1) // per_line
        step_y = height / lines
        step_x = (width - 2 * PAD) / per_line
        side = size * 0.9
        for index, (name, ticked) in enumerate(options):
            row, col = divmod(index, per_line)
            x = left + PAD + col * step_x
            y = bottom + height - (row + 0.5) * step_y - side / 2
            typeset.checkbox(canvas, x, y, side, ticked)
            typeset.draw_text(
                canvas,
                x + side + 1 * mm,
                y + side * 0.12,
                name,
                typeset.fit_size(name, size, step_x - side - 2 * mm),
            )

    return draw


BLANK_DATE = "年      月      日"


def card_words(card_number: str) -> str:
    """A card number in groups of four, as the card shows it."""
    return " ".join(card_number[i : i + 4] for i in range(0, len(card_number), 4))


def date_words(day) -> str:
    """2026 年 5 月 10 日, or the blank 年 月 日 to be written by hand when ``day`` is None."""
    return BLANK_DATE if day is None else f"{day.year} 年 {day.month} 月 {day.day} 日"


def opinion_box(lines: list[str], size: float, signature: str = "（公章）", day=None):
    """A cell drawer for an opinion / signature box: optional printed lines at the top, and
    the signature or seal with 年 月 日 at the bottom right."""

    def draw(canvas: Canvas, left: float, bottom: float, width: float, height: float) -> None:
        y = bottom + height - PAD - size
        for line in lines:
            for part in typeset.wrap(line, size, width - 2 * PAD):
                typeset.draw_text(canvas, left + PAD, y, part, size)
                y -= size * 1.4
        right = left + width - 6 * mm
        typeset.draw_text(canvas, right, bottom + 4 * mm, date_words(day), size, align="right")
        if signature:
            typeset.draw_text(
                canvas, right - 30 * mm, bottom + 10 * mm, signature, size, align="right"
            )

    return draw
