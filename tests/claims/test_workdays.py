"""Due dates in Chinese working days: the Spring Festival, a 调休 Saturday, the county's file."""

from datetime import date

import pytest

from app.workdays import Calendar, CalendarError, county_calendar, read_county_file


def test_two_working_days_across_the_spring_festival_2026():
    calendar = Calendar()
    # 2026-02-13 (Fri) received; 2-14 (Sat) is a 调休 working day, 2-15..2-23 are the holiday.
    assert calendar.is_workday(date(2026, 2, 14))
    assert not calendar.is_workday(date(2026, 2, 18))
    assert calendar.add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert calendar.add_workdays(date(2026, 2, 13), 2) == date(2026, 2, 24)
    # 5 working days from 2-13: 2-14, 2-24, 2-25, 2-26, 2-27
    assert calendar.add_workdays(date(2026, 2, 13), 5) == date(2026, 2, 27)


def test_a_make_up_saturday_counts_and_a_plain_saturday_does_not():
    calendar = Calendar()
    # 2026-02-28 is a 调休 Saturday after the Spring Festival; 2026-03-07 an ordinary one.
    assert calendar.is_workday(date(2026, 2, 28))
    assert not calendar.is_workday(date(2026, 3, 7))
    assert calendar.add_workdays(date(2026, 2, 27), 1) == date(2026, 2, 28)
    assert calendar.add_workdays(date(2026, 3, 6), 1) == date(2026, 3, 9)
    assert calendar.workdays_between(date(2026, 2, 27), date(2026, 3, 2)) == 2


def test_national_day_week_and_its_make_up_days():
    calendar = Calendar()
    # 2026-09-30 (Wed) received: 10-1..10-7 off, 10-8 (Thu), 10-9 (Fri), 10-10 (Sat, 调休)
    assert calendar.add_workdays(date(2026, 9, 30), 3) == date(2026, 10, 10)


def test_the_county_file_adds_days_and_years_the_library_lacks(tmp_path):
    (tmp_path / "calendar").mkdir()
    (tmp_path / "calendar" / "workdays.toml").write_text(
        '[[days]]\ndate = 2027-01-01\nwork = false\nnote = "元旦"\n'
        '[[days]]\ndate = 2026-03-07\nwork = true\nnote = "本县调休"\n',
        encoding="utf-8",
    )
    calendar = county_calendar(tmp_path)
    assert calendar.is_workday(date(2026, 3, 7))
    assert not calendar.is_workday(date(2027, 1, 1))
    assert calendar.covered(2026)
    # 2027 is outside the library's data today: Monday to Friday plus the county's days.
    if not calendar.covered(2027):
        assert calendar.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_a_malformed_county_file_names_the_entry(tmp_path):
    path = tmp_path / "workdays.toml"
    path.write_text('[[days]]\ndate = 2027-01-01\nwork = "yes"\n', encoding="utf-8")
    with pytest.raises(CalendarError, match=r"days\[0\]\.work"):
        read_county_file(path)


def test_the_shipped_county_file_reads():
    assert county_calendar().extra == {}
