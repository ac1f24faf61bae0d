"""Plain rows of a big worksheet serialised here, byte for byte as openpyxl writes them.

openpyxl makes an object per cell and serialises each through a pure-Python XML writer: the
60,000 cells of a 2,000-case quarter's detail took seconds, the longest part of an export.
A row whose cells are only text, integers and Decimals (no text that starts like a formula,
none with a character XML cannot carry) is kept out of openpyxl and its XML spliced into the
saved worksheet instead; any other row goes through openpyxl as before. The result is the
workbook openpyxl would have written (``tests/bundle/test_xlsx_rows.py`` compares the bytes).
"""

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.utils import get_column_letter

from app.sheet_cells import starts_like_formula

_ROW = re.compile(rb'<row r="(\d+)"(?:[^>]*/>|.*?</row>)', re.DOTALL)
_SHEET_DATA = re.compile(rb"<sheetData>(.*)</sheetData>|<sheetData />", re.DOTALL)


def plain(values: Sequence[object]) -> bool:
    """Whether ``row_xml`` writes this row exactly as openpyxl would."""
    for value in values:
        if isinstance(value, str):
            if starts_like_formula(value) or ILLEGAL_CHARACTERS_RE.search(value):
                return False
        elif isinstance(value, bool) or not isinstance(value, int | Decimal):
            return False
    return True


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def row_xml(number: int, values: Sequence[object], styles: Mapping[int, int]) -> bytes:
    """Row ``number`` of ``plain`` values; ``styles``: column (from 1) -> the cell style id
    openpyxl gave the same column's cells (its number format)."""
    cells = []
    for column, value in enumerate(values, 1):
        reference = f"{get_column_letter(column)}{number}"
        style = f' s="{styles[column]}"' if column in styles else ""
        if isinstance(value, str):
            if not value:
                cells.append(f'<c r="{reference}"{style} t="inlineStr" />')
                continue
            space = ' xml:space="preserve"' if value.strip() != value else ""
            cells.append(
                f'<c r="{reference}"{style} t="inlineStr"><is><t{space}>{_text(value)}</t></is></c>'
            )
        else:
            cells.append(f'<c r="{reference}"{style} t="n"><v>{safe_string(value)}</v></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'.encode()


def cell_styles(sheet_xml: bytes, number: int, columns: Sequence[int]) -> dict[int, int]:
    """The style id of each of ``columns`` in row ``number`` as openpyxl wrote it (a row it
    wrote with the same formats as the rows kept out of it)."""
    found = {}
    for column in columns:
        reference = f"{get_column_letter(column)}{number}".encode()
        match = re.search(rb'<c r="' + reference + rb'" s="(\d+)"', sheet_xml)
        if match is None:
            raise ValueError(f"工作表第 {number} 行的 {reference.decode()} 没有单元格格式")
        found[column] = int(match.group(1))
    return found


def splice_rows(sheet_xml: bytes, rows: Mapping[int, bytes]) -> bytes:
    """``sheet_xml`` with ``rows`` (row number -> its XML) put among openpyxl's, in order."""
    if not rows:
        return sheet_xml
    data = _SHEET_DATA.search(sheet_xml)
    if data is None:
        raise ValueError("工作表缺少 sheetData")
    merged = {int(match.group(1)): match.group(0) for match in _ROW.finditer(data.group(1) or b"")}
    merged.update(rows)
    body = b"".join(merged[number] for number in sorted(merged))
    return (
        sheet_xml[: data.start()]
        + b"<sheetData>"
        + body
        + b"</sheetData>"
        + sheet_xml[data.end() :]
    )
