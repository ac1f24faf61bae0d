"""Where the slip's copies go on each paper: the frame a copy is drawn in (portrait A5, or wide
for 241 mm continuous paper) and where the frames sit on the sheet, with the cut line between.

Points from the bottom-left corner throughout. No ink comes within ``MARGIN_MM`` of any edge of
a sheet: the frames keep their text inside, the stamps are clipped inside, the cut line stops
short of the edges.
"""

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.units import mm

from app.printing.paper_sizes import MARGIN_MM, SHEET_MM

FRAME_W, FRAME_H = A5
SIDE = 7 * mm  # the frame's left and right margin
# The copy's mark (第一联 患者留存) rises 3 mm above the frame's top, to 5.5 mm from the edge.
TOP_MARGIN = 8.5 * mm
STAMP_INSET = MARGIN_MM * mm + 1 * mm  # 作废 and 预览 are clipped this far inside the sheet
CUT_INSET = 6 * mm  # the cut line stops this far from the sheet's edges


@dataclass(frozen=True)
class Frame:
    """Where one copy's parts go, in points from the frame's bottom-left corner.

    Attributes:
      width, height: the frame.
      left, right: the main column (titles, the number block, the person and amount tables:
        always 134 mm wide, so the tables are the same on every paper).
      notes_left, notes_right: the year's line, the clauses and the signatures: under the
        tables in a portrait frame, in a column of their own beside them in a wide one.
    """

    width: float
    height: float
    left: float
    right: float
    notes_left: float
    notes_right: float

    @property
    def top(self) -> float:
        return self.height - TOP_MARGIN

    @property
    def two_columns(self) -> bool:
        return self.notes_left > self.right


def _portrait_frame() -> Frame:
    return Frame(FRAME_W, FRAME_H, SIDE, FRAME_W - SIDE, SIDE, FRAME_W - SIDE)


def _wide_frame(height_mm: float) -> Frame:
    """241 mm wide: the A5 frame's tables on the left, the notes in an 87 mm column beside."""
    width = 241 * mm
    return Frame(width, height_mm * mm, SIDE, SIDE + 134 * mm, SIDE + 140 * mm, width - SIDE)


@dataclass(frozen=True)
class Sheet:
    """One paper: its page, the frame each copy takes and where the frames sit on the page
    (in the order the copies are printed), and the cut line between them, if any."""

    size: tuple[float, float]
    frame: Frame
    origins: tuple[tuple[float, float], ...]
    cut: tuple[float, float, float, float] | None = None


def _sheets() -> dict[str, Sheet]:
    portrait = _portrait_frame()
    a4_w, a4_h = landscape(A4)
    # 241×279: two wide frames of 139.5 mm stacked, the first copy on top. A single A5 frame
    # would fit the height but waste half the form, and two A5 frames side by side (296 mm)
    # would have to shrink to 78 % (body text under 6 pt, too small for a dot-matrix head);
    # the wide frame keeps every size of the A5 frame.
    half = SHEET_MM["241x279"][1] / 2
    wide_half = _wide_frame(half)
    return {
        "A4": Sheet(
            (a4_w, a4_h),
            portrait,
            ((0, 0), (FRAME_W, 0)),
            (FRAME_W, CUT_INSET, FRAME_W, FRAME_H - CUT_INSET),
        ),
        "A5": Sheet(A5, portrait, ((0, 0),)),
        "241x140": Sheet((241 * mm, 140 * mm), _wide_frame(140), ((0, 0),)),
        "241x279": Sheet(
            (241 * mm, 279 * mm),
            wide_half,
            ((0, half * mm), (0, 0)),
            (CUT_INSET, half * mm, 241 * mm - CUT_INSET, half * mm),
        ),
    }


SHEETS = _sheets()


def stamp_area(frame: Frame) -> tuple[float, float, float, float]:
    """(left, bottom, width, height) a frame's 作废 or 预览 is clipped to: inside the margin
    on every side, so the stamp stays off the sheet's edges and off the cut line."""
    return STAMP_INSET, STAMP_INSET, frame.width - 2 * STAMP_INSET, frame.height - 2 * STAMP_INSET
