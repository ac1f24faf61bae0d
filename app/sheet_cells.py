"""Cells of every XLSX and CSV the app writes: text stays text, no formula ever runs.

A name, number or reason typed at the window may start with ``=``, ``+``, ``-``, ``@`` or a
tab; a spreadsheet program would run it as a formula (``=HYPERLINK(...)``, ``=cmd|...``). In
XLSX such text is stored as a string cell with Excel's quote prefix (shown as typed, still
text after an edit); CSV has no cell types, so the text gets a leading ``'`` there, which
``from_csv_cell`` takes off again when the app reads its own CSV back.
"""

from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def starts_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_cell(value: object) -> object:
    """``value`` for a CSV writer: text that starts like a formula gets a leading ``'``."""
    return "'" + value if starts_like_formula(value) else value


def csv_row(values: Iterable[object]) -> list[object]:
    return [csv_cell(value) for value in values]


def from_csv_cell(text: str) -> str:
    """Undo ``csv_cell``: ``'=x`` read from a CSV is the text ``=x``."""
    if text.startswith("'") and starts_like_formula(text[1:]):
        return text[1:]
    return text


def as_text(cell) -> None:
    """Keep an openpyxl cell holding a str as a string cell (openpyxl takes ``=…`` for a
    formula), quote-prefixed when it starts like one."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if starts_like_formula(cell.value):
            cell.quotePrefix = True


def append_row(sheet, values: Iterable[object]) -> None:
    """``sheet.append(values)`` with every text cell kept as text."""
    # Each text cell made here: looking the row up again (``sheet[sheet.max_row]``) scans
    # every cell of the sheet, which made a 2,000-row report quadratic.
    from openpyxl.cell import Cell

    def cell(value: object) -> object:
        if not isinstance(value, str):
            return value
        made = Cell(sheet, value=value)
        as_text(made)
        return made

    sheet.append([cell(value) for value in values])


# Wider than an A4 portrait page at a readable size: such sheets print landscape.
_PORTRAIT_WIDTH = 95  # Excel column-width units (characters)


def print_setup(sheet, title: str, header_rows: int = 1, extra_rows: int = 0) -> None:
    """Make ``sheet`` print as the bureau files it: on A4, the used range as its print area,
    the header rows repeated on every page, all columns on one page's width (as many pages
    down as needed), landscape where the columns are wide, the title and “第 N 页 共 M 页” in
    the header and footer; ``extra_rows`` below the cells also print (a chart anchored
    there). Call it once the sheet is filled."""
    from openpyxl.utils import get_column_letter

    widths = [
        sheet.column_dimensions[get_column_letter(column)].width or 9
        for column in range(1, sheet.max_column + 1)
    ]
    last_column = get_column_letter(sheet.max_column)
    sheet.print_area = f"A1:{last_column}{sheet.max_row + extra_rows}"
    if header_rows:
        sheet.print_title_rows = f"1:{header_rows}"
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "landscape" if sum(widths) > _PORTRAIT_WIDTH else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddHeader.center.text = title
    sheet.oddFooter.center.text = "第 &P 页 共 &N 页"
