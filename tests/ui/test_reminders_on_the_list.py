"""Reminders above the main list, on a real store: 兰溪's large-expense warning (四(二)) is
shown to a supervisor, not to a clerk."""

from datetime import datetime, timedelta

from app.services import Amounts, DischargeInput, register_admission, settle_discharge
from tests.store.helpers import admission, person, tick_all
from tests.ui.accounts import CLERK, CLERK_PW, SUPERVISOR, SUPERVISOR_PW


def test_large_expense_is_flagged_to_the_supervisor_on_the_main_list(window, desk, settled):
    now = datetime.now().replace(microsecond=0)
    form = admission(person(41), number="ZY-41", admitted_at=now - timedelta(days=3))
    admission_id = register_admission(desk.store, form, clerk="王", now=now).admission_id
    tick_all(desk.store, admission_id)
    settle_discharge(
        desk.store,
        DischargeInput(admission_id, now, Amounts("65000.00", basic_insurance="30000.00")),
        clerk="王",
        now=now,
    )
    window.show_work_list()
    settled()
    assert not any(r.kind == "large_expense" for r in window.reminders)

    desk.sign_in(SUPERVISOR, SUPERVISOR_PW)
    window.show_work_list()
    settled()
    assert window.reminder_box.isVisible()
    text = window.reminder_box.text()
    assert "【提示】大额医疗费用预警（四(二)）" in text and "65000.00" in text

    desk.sign_in(CLERK, CLERK_PW)
    window.show_work_list()
    settled()
    assert "大额医疗费用预警" not in window.reminder_box.text()
