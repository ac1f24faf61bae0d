"""Chinese working days: public holidays and make-up working days (调休) from the
``chinesecalendar`` library, plus the county's own days from ``policies/calendar/workdays.toml``.

A day is a working day when the county file says so; else when the library knows its year, as
the library says; else (a year the library has no data for yet, as when the State Council has
not published the next year's holidays) Monday to Friday. ``Calendar.covered(year)`` tells the
window whether a year is known, so it can say so beside a due date.
"""

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar

from app.paths import policies_dir

COUNTY_FILE = Path("calendar") / "workdays.toml"


class CalendarError(ValueError):
    """The county's file is malformed; the message is Chinese and names the entry."""


@dataclass(frozen=True)
class Calendar:
    """``extra``: day -> True (working day) / False (day off), the county's own days."""

    extra: dict[date, bool] = field(default_factory=dict)
    notes: dict[date, str] = field(default_factory=dict)

    def covered(self, year: int) -> bool:
        """Whether the library has the State Council's holidays for ``year``."""
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def is_workday(self, day: date) -> bool:
        if day in self.extra:
            return self.extra[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            return day.weekday() < 5

    def add_workdays(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself not counted: a claim
        received on Friday with 2 working days is due on Tuesday)."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        left = count
        while left:
            day += timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return day

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
        days = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            days += self.is_workday(day)
        return days


def read_county_file(path: Path) -> Calendar:
    """``[[days]]`` entries: ``date = 2027-01-01``, ``work = true|false``, ``note = "…"``."""
    if not path.is_file():
        return Calendar()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CalendarError(f"{path.name}：不是有效的 TOML：{exc}") from None
    extra: dict[date, bool] = {}
    notes: dict[date, str] = {}
    for index, entry in enumerate(data.get("days", ())):
        where = f"{path.name}：days[{index}]"
        day = entry.get("date") if isinstance(entry, dict) else None
        if not isinstance(day, date) or hasattr(day, "hour"):
            raise CalendarError(f"{where}.date：应为日期，如 2027-01-01")
        work = entry.get("work")
        if not isinstance(work, bool):
            raise CalendarError(f"{where}.work：应为 true（上班）或 false（放假）")
        if day in extra:
            raise CalendarError(f"{where}.date：{day} 重复")
        extra[day] = work
        notes[day] = str(entry.get("note", ""))
    return Calendar(extra, notes)


def county_calendar(directory: Path | None = None) -> Calendar:
    """The calendar with the county's file from the policies folder."""
    return read_county_file((directory or policies_dir()) / COUNTY_FILE)
