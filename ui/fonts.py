"""Register the shipped fonts with Qt so Chinese is readable on a machine with no Chinese font.

Droid Sans Fallback has no Latin letters or digits, so DejaVu Sans comes first and Qt falls back
to Droid Sans Fallback for each Chinese character (the same split the printed slips use).
The files are ``app.fonts``'s (which loads ReportLab only when a character is checked).
"""

from app.fonts import font_paths
from ui.qt import QApplication, QFont, QFontDatabase

BASE_POINT_SIZE = 11


def register_fonts() -> list[str]:
    """Add the shipped fonts; returns their family names, Latin first (empty if none found)."""
    families: list[str] = []
    for path in font_paths():
        if not path.is_file():
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return families


def apply_application_font(app: QApplication, families: list[str]) -> QFont:
    """Make the shipped families the application font, the system's sans serif behind them."""
    font = QFont(app.font())
    if families:
        font.setFamilies([*families, "Noto Sans CJK SC", "Microsoft YaHei", "sans-serif"])
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    return font


def emphasised(base: QFont, extra_points: int = 2, bold: bool = True) -> QFont:
    """A larger (and bold) font for the amounts a clerk must not misread."""
    font = QFont(base)
    font.setPointSize(base.pointSize() + extra_points)
    font.setBold(bold)
    return font
