"""Drawing primitives shared by every printed document: fonts, text, boxes, marks.

Coordinates are ReportLab points from the bottom-left; sizes are points unless a name says mm.
Every piece of text goes through ``draw_text``, which splits it between the two shipped fonts
and refuses a character neither has (see ``app.fonts``), so nothing is dropped silently.
"""

import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from app import fonts

FONT_NAMES = {fonts.CJK: "OneStopCJK", fonts.LATIN: "OneStopLatin"}
AUTHOR = "一站式即时结算窗口"
RED = (0.8, 0.1, 0.1)
GREY = (0.45, 0.45, 0.45)


def register_fonts() -> None:
    """Register both shipped fonts with ReportLab once per process (embedded as subsets)."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for which, name in FONT_NAMES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(fonts.font_path(which))))


# A word stamped across every page made while it is set (演示 on paper from a demo store).
_PAGE_MARK: ContextVar[str | None] = ContextVar("page_mark", default=None)
DEMO_MARK = "演示"


@contextmanager
def marked_pages(mark: str | None) -> Iterator[None]:
    """Every PDF built inside the block has ``mark`` across each page (None: no mark)."""
    token = _PAGE_MARK.set(mark)
    try:
        yield
    finally:
        _PAGE_MARK.reset(token)


class _MarkedCanvas(Canvas):
    """A canvas that stamps its mark over each page as the page is finished."""

    mark = DEMO_MARK

    def showPage(self) -> None:  # ReportLab's name
        width, height = self._pagesize
        self.saveState()
        self.setFillColorRGB(*RED)
        self.setFillAlpha(0.18)
        self.translate(width / 2, height / 2)
        self.rotate(30)
        size = min(width, height) / 4
        draw_text(self, 0, -size / 3, self.mark, size, align="center")
        # The note under the mark, not along the top edge: no ink within 5 mm of any edge.
        self.setFillAlpha(0.6)
        note = f"{self.mark}数据，不得用于结算或申报"
        draw_text(self, 0, -size / 3 - size / 6, note, size / 9, align="center")
        self.restoreState()
        super().showPage()


def build_pdf(
    pagesize: tuple[float, float],
    title: str,
    document_id: str,
    draw: Callable[[Canvas], None],
    page_numbers: Callable[[Canvas, int, int], None] | None = None,
) -> bytes:
    """Run ``draw`` on a fresh canvas and return the PDF. ``invariant`` fixes the dates and the
    file ID that ReportLab would otherwise take from the clock, so the bytes depend only on
    what is drawn. ``page_numbers(canvas, page, pages)``, if given, draws on every page once
    the number of pages is known (“第 N 页 共 M 页”). Inside ``marked_pages`` each page
    carries the mark."""
    register_fonts()
    buffer = io.BytesIO()
    options = dict(
        pagesize=pagesize,
        invariant=1,
        pageCompression=1,
        initialFontName=FONT_NAMES[fonts.LATIN],
    )
    mark = _PAGE_MARK.get()
    bases: tuple[type, ...] = (_MarkedCanvas,) if mark else ()
    if page_numbers is None:
        canvas_type = type("PageCanvas", (*bases, Canvas), {"mark": mark}) if mark else Canvas
        canvas = canvas_type(buffer, **options)
    else:
        canvas_type = type("CountedCanvas", (*bases, _CountedCanvas), {"mark": mark or ""})
        canvas = canvas_type(buffer, page_numbers, **options)
    canvas.setTitle(title)
    canvas.setSubject(document_id)
    canvas.setAuthor(AUTHOR)
    canvas.setCreator(AUTHOR)
    canvas.setProducer(AUTHOR)
    draw(canvas)
    canvas.save()
    return buffer.getvalue()


class _CountedCanvas(Canvas):
    """Holds every page until the end, so each can be told how many there are (ReportLab's
    own recipe: a page is its canvas state until ``save``)."""

    def __init__(self, buffer, page_numbers: Callable[[Canvas, int, int], None], **options):
        super().__init__(buffer, **options)
        self._page_numbers = page_numbers
        self._held_pages: list[dict] = []

    def showPage(self) -> None:
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        if self._code:  # the last page, not yet shown
            self.showPage()
        total = len(self._held_pages)
        for number, page in enumerate(self._held_pages, 1):
            self.__dict__.update(page)
            self._page_numbers(self, number, total)
            Canvas.showPage(self)
        Canvas.save(self)


@lru_cache(maxsize=8192)
def _unit_width(char: str) -> float:
    """Advance width of one character at size 1, in the font that draws it."""
    which = fonts.font_for(char)
    if which is None:
        raise fonts.MissingGlyphError([fonts.MissingCharacter("", char)])
    return pdfmetrics.stringWidth(char, FONT_NAMES[which], 1000) / 1000


def text_width(text: str, size: float) -> float:
    # TrueType advances simply add up in ReportLab (no kerning), so per-character widths are
    # exact and let wrapping measure each line once instead of re-measuring its prefix.
    return sum(map(_unit_width, text)) * size


def _start(x: float, width: float, align: str) -> float:
    """Where a line ``width`` wide starts when aligned ``align`` (left, right, center) on ``x``."""
    if align == "right":
        return x - width
    if align == "center":
        return x - width / 2
    return x


def draw_text(
    canvas: Canvas, x: float, y: float, text: str, size: float, align: str = "left"
) -> float:
    """Draw one line at baseline ``y``; ``align`` is left, right or center of ``x``.
    Returns the width drawn."""
    runs = [(FONT_NAMES[which], run) for which, run in fonts.font_runs(text)]
    widths = [pdfmetrics.stringWidth(run, font, size) for font, run in runs]
    width = sum(widths)
    x = _start(x, width, align)
    for (font, run), run_width in zip(runs, widths, strict=True):
        canvas.setFont(font, size)
        canvas.drawString(x, y, run)
        x += run_width
    return width


def draw_texts(canvas: Canvas, lines: Iterable[tuple[float, float, str, str]], size: float) -> None:
    """Draw several lines of one size, each (x, baseline y, text, align) as ``draw_text``
    would, in one PDF text object: the cells of a table row, for which a text object each
    cost more than the text in it (a quarter's report has 25,000 cells). A width is measured
    only where it moves something: a left-aligned cell in one font needs none."""
    text = canvas.beginText()
    for x, y, line, align in lines:
        runs = [(FONT_NAMES[which], run) for which, run in fonts.font_runs(line)]
        if align != "left":
            x = _start(x, sum(pdfmetrics.stringWidth(run, font, size) for font, run in runs), align)
        for number, (font, run) in enumerate(runs, 1):
            text.setFont(font, size)
            text.setTextOrigin(x, y)
            text.textLine(run)  # as drawString does; the origin is set again for the next
            if number < len(runs):
                x += pdfmetrics.stringWidth(run, font, size)
    canvas.drawText(text)


def fit_size(text: str, size: float, width: float, smallest: float = 5.0) -> float:
    """The largest size up to ``size`` at which ``text`` fits ``width`` (not below ``smallest``)."""
    natural = text_width(text, size)
    if natural <= width:
        return size
    # a hair under the exact ratio, so rounding never leaves the text a fraction too wide
    return max(smallest, size * width / natural * 0.999)


# Chinese line-breaking rules (GB/T 15834 usage): these never begin a line, and the opening
# marks never end one.
NOT_AT_LINE_START = frozenset("，。、；：？！）》」』】〕”’…—·,.;:?!)]}%")
NOT_AT_LINE_END = frozenset("（《「『【〔“‘([{")


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width``. Chinese breaks between any two
    characters, except that a closing mark (，。）…) never begins a line and an opening mark
    (（《“…) never ends one: the character before moves down with it. A run of Latin letters or
    digits is kept whole where it fits on a line."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, line_w = "", 0.0
        for token in _tokens(paragraph):
            token_w = text_width(token, size)
            if line and line_w + token_w > width:
                keep, carry = _break_before(line, token)
                lines.append(keep.rstrip())
                line = (carry + token).lstrip()
                line_w = text_width(line, size)
            else:
                line += token
                line_w += token_w
            while line_w > width and len(line) > 1:
                cut = _longest_prefix(line, size, width)
                if _in_run(line[cut - 1]) and cut < len(line) and _in_run(line[cut]):
                    # not through a figure that fits a line of its own: before it
                    cut = _last_piece(line[:cut]) or cut
                lines.append(line[:cut])
                line = line[cut:]
                line_w = text_width(line, size)
        lines.append(line.rstrip())
    return lines


def _break_before(line: str, token: str) -> tuple[str, str]:
    """Where to break ``line`` when ``token`` does not fit after it: (what stays, what moves
    down before ``token``), moving the line's last piece down while the break would leave a
    closing mark at the next line's start or an opening mark at this line's end. A piece is a
    character, or a whole run of Latin letters and digits: a figure moved down one character at
    a time was cut in two (救助比例6 / 0%：, read as 6 %)."""
    keep, carry = line, ""
    while len(keep) > 1 and (
        (carry + token)[0] in NOT_AT_LINE_START or keep.rstrip()[-1:] in NOT_AT_LINE_END
    ):
        cut = _last_piece(keep)
        if cut == 0:  # the line is one piece: it stays, the mark starts the next line
            break
        keep, carry = keep[:cut], keep[cut:] + carry
    return keep, carry


def _last_piece(text: str) -> int:
    """Where the last piece of ``text`` begins (see ``_break_before``)."""
    start = len(text) - 1
    while start > 0 and _in_run(text[start]) and _in_run(text[start - 1]):
        start -= 1
    return start


def _in_run(char: str) -> bool:
    return char.isascii() and not char.isspace()


def _tokens(text: str) -> Iterator[str]:
    token = ""
    for char in text:
        if _in_run(char):
            token += char
            continue
        if token:
            yield token
            token = ""
        yield char
    if token:
        yield token


def _longest_prefix(line: str, size: float, width: float) -> int:
    cut, used = 1, text_width(line[0], size)
    while cut < len(line) and used + text_width(line[cut], size) <= width:
        used += text_width(line[cut], size)
        cut += 1
    return cut


def checkbox(canvas: Canvas, x: float, y: float, side: float, ticked: bool) -> None:
    """A square with its bottom-left at (x, y); a ticked box holds a ✓, drawn as text so the
    tick reads back from the PDF like any other word."""
    canvas.setLineWidth(0.6)
    canvas.rect(x, y, side, side)
    if ticked:
        draw_text(canvas, x + side / 2, y + side * 0.12, "✓", side * 1.05, align="center")


def labelled_box(
    canvas: Canvas, x: float, y: float, text: str, size: float, color=RED, align="right"
) -> None:
    """A framed mark such as 第一联 患者留存 or 补打, anchored at its top-right (or top-left)."""
    width = text_width(text, size) + 3 * mm
    height = size + 2.4 * mm
    left = x - width if align == "right" else x
    canvas.saveState()
    canvas.setStrokeColorRGB(*color)
    canvas.setFillColorRGB(*color)
    canvas.setLineWidth(0.9)
    canvas.rect(left, y - height, width, height)
    draw_text(canvas, left + 1.5 * mm, y - height + 1.5 * mm, text, size)
    canvas.restoreState()


def void_stamp(canvas: Canvas, left: float, bottom: float, width: float, height: float) -> None:
    """作废 written large and diagonally across the area, in red, over everything drawn."""
    diagonal_stamp(canvas, left, bottom, width, height, "作废", RED)


def diagonal_stamp(
    canvas: Canvas, left: float, bottom: float, width: float, height: float, text: str, color
) -> None:
    """Two characters written large and framed, diagonally across the area, translucent in
    ``color`` over everything drawn (作废 on a voided slip, 预览 on a preview)."""
    canvas.saveState()
    area = canvas.beginPath()
    area.rect(left, bottom, width, height)
    canvas.clipPath(area, stroke=0, fill=0)  # the frame's stamp never crosses the cut line
    canvas.setFillColorRGB(*color, alpha=0.35)
    canvas.setStrokeColorRGB(*color, alpha=0.6)
    canvas.translate(left + width / 2, bottom + height / 2)
    canvas.rotate(35)
    size = min(width, height) * 0.42
    draw_text(canvas, 0, -size / 3, text, size, align="center")
    canvas.setLineWidth(3)
    canvas.rect(-size * 1.15, -size * 0.6, size * 2.3, size * 1.2)
    canvas.restoreState()


def footer(
    canvas: Canvas, left: float, right: float, y: float, document_id: str, policy_version: str
) -> None:
    """The line every page carries: its document id and the policy version it was made under."""
    canvas.saveState()
    canvas.setFillColorRGB(*GREY)
    draw_text(canvas, left, y, f"文档编号：{document_id}", 6)
    draw_text(canvas, right, y, f"政策版本：{policy_version}", 6, align="right")
    canvas.restoreState()


def dashed_line(canvas: Canvas, x1: float, y1: float, x2: float, y2: float) -> None:
    canvas.saveState()
    canvas.setDash(3, 2)
    canvas.setLineWidth(0.5)
    canvas.setStrokeColorRGB(*GREY)
    canvas.line(x1, y1, x2, y2)
    canvas.restoreState()
