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
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        as_text(cell)
