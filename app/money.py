"""The one way money and rates are made: Decimal, never float.

All amounts are yuan as ``Decimal``; they are rounded once, half-up, to the fen (0.01).
"""

import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal("0")
ONE = Decimal("1")
FEN = Decimal("0.01")
# The largest amount a money column holds (NUMERIC(14, 2)); no medical bill comes near it.
MAX_AMOUNT = Decimal("999999999999.99")


class AmountError(ValueError):
    """A value that is not a valid amount; ``reason`` is Chinese and names no field."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def D(value: object) -> Decimal:
    """Make a Decimal from a str, int or Decimal. Floats are refused: they are not exact."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (bool, float)):
        raise TypeError(f"不接受浮点数或布尔值作为金额：{value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation as exc:
            raise AmountError(f"不是有效的数字：{value!r}") from exc
    raise TypeError(f"不能转换为金额：{value!r}")


def round_fen(amount: Decimal) -> Decimal:
    """Round half-up to the fen. Call it once, on the final amount."""
    return amount.quantize(FEN, ROUND_HALF_UP)  # positional: the keyword costs twice the rounding


def parse_amount(value: object) -> Decimal:
    """Parse a money amount (yuan) as entered: ASCII digits, at most one ``.`` and two decimals.

    Text is the one accepted form (``"1200.50"``); an int or Decimal is checked through its
    text, so ``-0``, ``1E+2`` or ``NaN`` are refused the same way. No sign, exponent,
    underscore, thousands separator, full-width or other-script digit: the ``AmountError``
    reason (Chinese, no field name) says which character is wrong and where.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise AmountError("不能为空")
    if isinstance(value, (bool, float)):
        raise AmountError('金额须写成字符串或十进制数，例如 "1200.50"')
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise AmountError("不是有效的金额")
        text = str(value)
    elif isinstance(value, (int, str)):
        text = str(value)
    else:
        raise AmountError("不是有效的金额")
    amount = Decimal(_amount_text(text))
    if amount > MAX_AMOUNT:
        raise AmountError(f"金额过大（上限 {MAX_AMOUNT} 元），请核对是否多输了数字")
    return round_fen(amount)


# Spaces around a typed amount are forgiven; everything between them is checked.
_AROUND = " \t\r\n"


def _amount_text(typed: str) -> str:
    """The digits of ``typed`` if it is in the one accepted form, else ``AmountError``."""
    offset = len(typed) - len(typed.lstrip(_AROUND))
    text = typed.strip(_AROUND)
    if text.startswith("-"):
        raise AmountError(f"金额不能为负数（第{offset + 1}个字符“-”）")
    dot = None
    for index, char in enumerate(text):
        if "0" <= char <= "9":
            continue
        if char == "." and dot is None:
            dot = index
            continue
        raise AmountError(f"第{offset + index + 1}个字符{_wrong_char(char, index, dot)}")
    if dot == 0:
        raise AmountError("小数点前须有数字，如 0.50")
    if dot is not None and dot == len(text) - 1:
        raise AmountError("小数点后须有数字，如 12.50")
    if dot is not None and len(text) - dot - 1 > 2:
        raise AmountError("金额最多两位小数")
    return text


def _wrong_char(char: str, index: int, dot: int | None) -> str:
    """“x”and why it is wrong, for the reason ``第N个字符…``."""
    if "\uff10" <= char <= "\uff19":
        return f"“{char}”是全角数字，请用半角数字"
    if char.isdigit() or unicodedata.numeric(char, None) is not None:
        return f"“{char}”不是半角阿拉伯数字，请用 0-9"
    if char == "+" and index == 0:
        return "“+”：不要加正号"
    if char in "eE":
        return f"“{char}”：不接受科学计数法，请直接写出数字"
    if char == "_":
        return "“_”：数字中不能有下划线"
    if char in ",，、'’":
        return f"“{char}”：不要用千位分隔符"
    if char == ".":
        return "“.”：只能有一个小数点"
    if char in "．。｡":
        return f"“{char}”是全角句号，小数点请用半角“.”"
    if unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp") or char.isspace():
        return f"（U+{ord(char):04X}）是空白或不可见字符，请删去"
    return f"“{char}”不是数字"


def fmt(amount: Decimal) -> str:
    """Format an amount as a contract string with exactly two decimals."""
    return str(round_fen(amount))


def fmt_rate(rate: Decimal) -> str:
    """70% style text for a rate in 0..1."""
    pct = (rate * 100).normalize()
    return f"{pct:f}%"
