"""The one way a typed or sent date is read: ``YYYY-MM-DD``, within a plausible range.

``date.fromisoformat`` alone also takes ``20260510`` or ``2026-W19-1`` (Python 3.11) and any
year from 1 to 9999; a settlement, a birth or a roster's validity never falls outside
``EARLIEST``..``LATEST``.
"""

from datetime import date, datetime

EARLIEST = date(1900, 1, 1)
LATEST = date(2099, 12, 31)


class DateError(ValueError):
    """A value that is not a valid date; ``reason`` is Chinese and names no field."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def parse_date(value: object) -> date:
    """A ``date`` from ``"YYYY-MM-DD"`` (spaces around forgiven) or a ``date``/``datetime``.

    Raises ``DateError``: wrong form (says which character), no such day, or out of range.
    """
    if isinstance(value, datetime):
        return _in_range(value.date())
    if isinstance(value, date):
        return _in_range(value)
    if not isinstance(value, str):
        raise DateError("应为日期，格式 YYYY-MM-DD，如 2026-05-10")
    text = value.strip()
    if not text:
        raise DateError("不能为空")
    for index, char in enumerate(text):
        expected_dash = index in (4, 7)
        if "\uff10" <= char <= "\uff19":
            raise DateError(f"第{index + 1}个字符“{char}”是全角数字，请用半角数字")
        if index >= 10 or (char == "-") != expected_dash or not (char == "-" or "0" <= char <= "9"):
            raise DateError(
                f"第{index + 1}个字符“{char}”不符合格式，应为 YYYY-MM-DD（半角数字），如 2026-05-10"
            )
    if len(text) != 10:
        raise DateError(f"“{text}”不完整，应为 YYYY-MM-DD，如 2026-05-10")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise DateError(f"“{text}”不是存在的日期") from None
    return _in_range(day)


def _in_range(day: date) -> date:
    if not EARLIEST <= day <= LATEST:
        raise DateError(f"{day.isoformat()}超出合理范围（{EARLIEST.year}—{LATEST.year}年）")
    return day
