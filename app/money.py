"""The one way money and rates are made: Decimal, never float.

All amounts are yuan as ``Decimal``; they are rounded once, half-up, to the fen (0.01).
"""

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
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def parse_amount(value: object) -> Decimal:
    """Parse a money amount as entered: non-negative, at most two decimals.

    Raises ``AmountError`` with a Chinese reason.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise AmountError("不能为空")
    if isinstance(value, (bool, float)):
        raise AmountError('金额须写成字符串或十进制数，例如 "1200.50"')
    try:
        amount = D(value)
    except TypeError as exc:
        raise AmountError("不是有效的金额") from exc
    if not amount.is_finite():
        raise AmountError("不是有效的金额")
    if amount < 0:
        raise AmountError("金额不能为负数")
    if amount.as_tuple().exponent < -2:
        raise AmountError("金额最多两位小数")
    if amount > MAX_AMOUNT:
        raise AmountError(f"金额过大（上限 {MAX_AMOUNT} 元），请核对是否多输了数字")
    return round_fen(amount)


def fmt(amount: Decimal) -> str:
    """Format an amount as a contract string with exactly two decimals."""
    return str(round_fen(amount))


def fmt_rate(rate: Decimal) -> str:
    """70% style text for a rate in 0..1."""
    pct = (rate * 100).normalize()
    return f"{pct:f}%"
