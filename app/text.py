"""Names and numbers as typed: no control characters, not made of invisible characters only.

A tab, a line break or a zero-width / direction-changing character in a name or a number is
never meant; it breaks searches, duplicates checks and what the printed slip shows.
"""

import unicodedata

# Letters that draw nothing (Hangul fillers, the braille blank, Mongolian vowel separator).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


class TextError(ValueError):
    """A refused name or number; ``reason`` is Chinese and names no field."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def clean_text(value: object) -> str:
    """``value`` without the spaces around it; "" when empty. ``TextError`` for a control
    or format character anywhere, or for text of invisible characters only."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TextError("应为文字")
    for index, char in enumerate(value):
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            name = "制表符" if char == "\t" else "换行符" if char in "\r\n" else "控制或不可见字符"
            raise TextError(f"第{index + 1}个字符（U+{ord(char):04X}）是{name}，请删去")
    text = value.strip()
    if text and all(char.isspace() or char in _BLANK_LETTERS for char in text):
        raise TextError("只有空白或不可见字符")
    return text


def required_text(value: object) -> str:
    """Like ``clean_text``; an empty value is ``TextError("不能为空")``."""
    text = clean_text(value)
    if not text:
        raise TextError("不能为空")
    return text


# Surnames read otherwise than the character's everyday reading (曾 zeng, not ceng).
_SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha",
    "区": "ou", "覃": "qin", "盖": "ge", "乐": "yue", "缪": "miao", "翟": "zhai",
    "召": "shao", "尉": "yu", "员": "yun", "种": "chong", "秘": "bi", "繁": "po",
}  # fmt: skip


def name_spellings(name: str) -> tuple[str, str]:
    """A name as a clerk types it on a Latin keyboard: (full pinyin, initials), lower case,
    without tones or spaces, e.g. 张三 → ("zhangsan", "zs"); ü is written v (吕 → "lv").
    Letters and digits in the name are kept; other characters are left out."""
    from pypinyin import lazy_pinyin

    name = (name or "").strip()
    syllables = lazy_pinyin(name, errors=lambda chars: list(chars))
    if len(name) > 1 and name[0] in _SURNAME_READINGS:
        syllables[0] = _SURNAME_READINGS[name[0]]
    syllables = ["".join(c for c in s.lower() if c.isascii() and c.isalnum()) for s in syllables]
    syllables = [s for s in syllables if s]
    return "".join(syllables), "".join(s[0] for s in syllables)
