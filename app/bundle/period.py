"""Claim periods: ``2026Q3`` for a quarterly policy, ``2026-07`` for a monthly one (湖南)."""

import re
from dataclasses import dataclass
from datetime import date, datetime

_QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class ClaimPeriod:
    """A closed range of days ``[first, last]`` named like ``2026Q3`` or ``2026-07``."""

    label: str
    first: date
    last: date

    def contains(self, moment: date | datetime) -> bool:
        day = moment.date() if isinstance(moment, datetime) else moment
        return self.first <= day <= self.last

    @property
    def after_last(self) -> datetime:
        return datetime.combine(date.fromordinal(self.last.toordinal() + 1), datetime.min.time())

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, datetime.min.time())

    def months(self) -> list[str]:
        return [
            f"{self.first.year}-{month:02d}"
            for month in range(self.first.month, self.last.month + 1)
        ]


def _month_end(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def parse_period(text: str, kind: str) -> ClaimPeriod:
    """Parse ``text`` for a policy whose claim period is ``kind`` ("quarter" or "month")."""
    text = (text or "").strip()
    if kind == "quarter":
        match = _QUARTER.match(text)
        if not match:
            raise PeriodError(f"申报期“{text}”格式不对：本政策按季度申报，应写成 2026Q3")
        year, quarter = int(match[1]), int(match[2])
        first_month = 3 * quarter - 2
        return ClaimPeriod(
            f"{year}Q{quarter}", date(year, first_month, 1), _month_end(year, first_month + 2)
        )
    if kind == "month":
        match = _MONTH.match(text)
        if not match:
            raise PeriodError(f"申报期“{text}”格式不对：本政策按月申报，应写成 2026-07")
        year, month = int(match[1]), int(match[2])
        return ClaimPeriod(f"{year}-{month:02d}", date(year, month, 1), _month_end(year, month))
    raise PeriodError(f"未知的申报周期：{kind}")


def period_label(kind: str, day: date) -> str:
    """The claim period containing ``day``: ``2026Q3`` or ``2026-07``."""
    if kind == "month":
        return f"{day.year}-{day.month:02d}"
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"
