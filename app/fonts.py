"""The fonts the app ships (resources/fonts/) and which characters they can draw.

Two TrueType files: Droid Sans Fallback for Chinese, DejaVu Sans for digits and Latin letters
(Droid Sans Fallback has no ASCII glyphs at all). Each character is drawn with DejaVu Sans when
it has it, otherwise with Droid Sans Fallback. ReportLab silently drops a character that the
chosen font lacks, so every text that is printed is checked here first and a missing character
is reported with the field it is in (``MissingGlyphError``), never lost.

Pure Python (ReportLab's own TrueType parser); the window uses ``font_paths()`` for Qt.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.paths import resources_dir

CJK = "cjk"
LATIN = "latin"
FONT_FILES = {CJK: "DroidSansFallbackFull.ttf", LATIN: "DejaVuSans.ttf"}
# Latin first: its digits and letters are the ones meant for numbers and ID numbers.
FONT_ORDER = (LATIN, CJK)


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def font_path(which: str = CJK) -> Path:
    """Path of the shipped TrueType file: ``CJK`` (Chinese) or ``LATIN`` (digits, letters)."""
    return fonts_dir() / FONT_FILES[which]


def font_paths() -> tuple[Path, ...]:
    """Every shipped font file, Latin first (the order to register them in Qt)."""
    return tuple(font_path(which) for which in FONT_ORDER)


@cache
def _charmap(which: str) -> frozenset[int]:
    # ReportLab loads only when a character is checked: the window imports this module for
    # the font paths at start and should not pay for ReportLab then.
    from reportlab.pdfbase.ttfonts import TTFontFile

    path = font_path(which)
    if not path.is_file():
        raise FileNotFoundError(f"找不到字体文件：{path}")
    return frozenset(TTFontFile(str(path)).charToGlyph)


@cache  # asked for every character of every text drawn: a report draws thousands
def font_for(char: str) -> str | None:
    """Which shipped font draws ``char`` (``LATIN`` or ``CJK``), or None if neither has it."""
    code = ord(char)
    for which in FONT_ORDER:
        if code in _charmap(which):
            return which
    return None


def missing_characters(text: str) -> tuple[str, ...]:
    """Characters of ``text`` that no shipped font can draw, each once, in order of appearance."""
    seen: dict[str, None] = {}
    for char in text:
        if char not in seen and font_for(char) is None:
            seen[char] = None
    return tuple(seen)


@cache
def _latin_draws_ascii() -> bool:
    return all(font_for(chr(code)) == LATIN for code in range(0x20, 0x7F))


def font_runs(text: str) -> list[tuple[str, str]]:
    """Split ``text`` into (font, run) pieces; raises ``MissingGlyphError`` on a missing character."""
    if text.isascii() and text.isprintable() and _latin_draws_ascii():
        return [(LATIN, text)] if text else []  # numbers, ID numbers: most cells of a report
    runs: list[tuple[str, str]] = []
    for char in text:
        which = font_for(char)
        if which is None:
            raise MissingGlyphError([MissingCharacter("", char)])
        if runs and runs[-1][0] == which:
            runs[-1] = (which, runs[-1][1] + char)
        else:
            runs.append((which, char))
    return runs


@dataclass(frozen=True)
class MissingCharacter:
    field: str
    char: str

    def __str__(self) -> str:
        where = f"“{self.field}”中的" if self.field else ""
        return f"{where}字符“{self.char}”（U+{ord(self.char):04X}）"


class MissingGlyphError(ValueError):
    """Text that cannot be printed: ``missing`` lists each (field, character) pair."""

    def __init__(self, missing: Iterable[MissingCharacter]):
        self.missing = tuple(missing)
        listed = "；".join(str(item) for item in self.missing)
        super().__init__(
            f"无法打印：{listed} 在随程序附带的字体中没有字形，打印时会丢失。"
            "请核对录入的文字（生僻字可按当地规定改用规范字或加注拼音）。"
        )


def check_fields(fields: Mapping[str, str]) -> None:
    """Check every named text (field name -> text); raise one error listing all missing ones."""
    missing = [
        MissingCharacter(name, char)
        for name, text in fields.items()
        for char in missing_characters(text)
    ]
    if missing:
        raise MissingGlyphError(missing)
