"""Reminders that matter: filing deadlines near or past with the admission papers not in
(靖江 48 h), the claim period ending and an ended period not yet claimed, and 兰溪's
large-expense warning (四(二)), for supervisors."""

from datetime import date, datetime, timedelta

from app.reminders import collect_reminders
from app.services import (
    Amounts,
    DischargeInput,
    ItemUpdate,
    OutpatientInput,
    checklist,
    register_admission,
    settle_discharge,
    settle_outpatient,
    update_item,
)
from app.services.policies import installed_policies
from db.models import Site
from tests.store.helpers import admission, person, tick_all

NOW = datetime(2026, 11, 10, 12)


def _reminders(store, code, now=NOW):
    with store.read() as session:
        return collect_reminders(session, session.get(Site, code), installed_policies(), now)


def _register(store, sequence, number, hours_ago):
    form = admission(
        person(sequence, "jingjiang"),
        number=number,
        admitted_at=NOW - timedelta(hours=hours_ago),
        category="minimum_living",
    )
    return register_admission(store, form, clerk="王", now=NOW).admission_id


def test_filing_deadlines_near_or_past_while_the_admission_papers_are_missing(store, make_site):
    make_site("JJ01", "jingjiang", "grassroots")  # 第二十二条: 48 h at a grassroots hospital
    near = _register(store, 1, "ZY1", hours_ago=40)
    past = _register(store, 2, "ZY2", hours_ago=50)
    _register(store, 3, "ZY3", hours_ago=2)  # 46 h left: not yet worth a reminder
    found = [r for r in _reminders(store, "JJ01") if r.kind == "deadline"]
    assert [(r.admission_id, r.level) for r in found] == [(past, "overdue"), (near, "due")]
    assert "第二十二条" in found[0].text and "已超过备案时限" in found[0].text
    assert "还剩 8 小时 0 分" in found[1].text
    # The papers brought in: the admission is filed, no reminder.
    with store.read() as session:
        items = [i for i in checklist(session, near) if i.stage == "admission"]
    for item in items:
        update_item(store, item.id, ItemUpdate(True, True), clerk="王")
    assert [r.admission_id for r in _reminders(store, "JJ01") if r.kind == "deadline"] == [past]


def test_the_claim_period_and_an_ended_period_not_yet_claimed(store, make_site):
    make_site()  # 兰溪: quarterly
    form = OutpatientInput(
        person=person(4),
        visit_date=date(2026, 9, 1),
        visit="outpatient_general",
        category="destitute",
        insurance="resident",
        amounts=Amounts("300.00"),
        off_roster_reason="名册尚未下发",
    )
    settle_outpatient(store, form, clerk="王", now=datetime(2026, 9, 2))
    assert [r.level for r in _reminders(store, "LX01") if r.kind == "claim_period"] == ["overdue"]
    late = _reminders(store, "LX01", datetime(2026, 12, 27, 9))
    due = [r for r in late if r.kind == "claim_period" and r.level == "due"]
    assert len(due) == 1 and "2026Q4" in due[0].text and "还有 4 天" in due[0].text


def test_large_expense_warning_for_the_supervisor(store, make_site):
    make_site()  # 兰溪 四(二): threshold in lanxi.toml
    big = register_admission(
        store,
        admission(person(5), number="ZY5", admitted_at=datetime(2026, 11, 1, 9)),
        clerk="王",
        now=NOW,
    ).admission_id
    tick_all(store, big)
    settle_discharge(
        store,
        DischargeInput(big, datetime(2026, 11, 9, 9), Amounts("60000.00", basic_insurance="30000")),
        clerk="王",
        now=NOW,
    )
    # 860.00 is below 50000 although its text sorts after "50000.00" (SQLite keeps money as text).
    small = OutpatientInput(
        person=person(6),
        visit_date=date(2026, 11, 2),
        visit="outpatient_general",
        category="destitute",
        insurance="resident",
        amounts=Amounts("860.00"),
        off_roster_reason="名册尚未下发",
    )
    settle_outpatient(store, small, clerk="王", now=NOW)
    found = [r for r in _reminders(store, "LX01") if r.kind == "large_expense"]
    assert len(found) == 1 and found[0].for_supervisor
    assert "四(二)" in found[0].text and "60000.00" in found[0].text
