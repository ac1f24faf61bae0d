"""After a restart the case list still shows what was discharged today."""

from datetime import date

from app.desk import Desk


def test_todays_discharge_is_listed_after_a_restart(desk, settled_slip, db_path):
    desk.close()
    reopened = Desk.open(str(db_path), "测试经办")
    try:
        on_the_day = reopened.work_list(day=date(2026, 3, 6))
        next_day = reopened.work_list(day=date(2026, 3, 7))
    finally:
        reopened.close()
    assert [row.status for row in on_the_day] == ["已结算"]
    assert next_day == []
