"""Every create, change, void and override leaves an audit event naming who and what."""

import json
from datetime import datetime

from sqlalchemy import select

from app.services import (
    Amounts,
    DischargeInput,
    register_admission,
    settle_discharge,
    void_settlement,
)
from db.models import AuditEvent
from tests.store.helpers import admission, person, tick_all


def test_the_day_at_the_window_is_in_the_audit_trail(store, make_site):
    make_site()
    done = register_admission(store, admission(person(1)), clerk="王", now=datetime(2026, 3, 1, 10))
    tick_all(store, done.admission_id)
    form = DischargeInput(done.admission_id, datetime(2026, 3, 5, 9), Amounts("5000.00"))
    row = settle_discharge(store, form, clerk="李", now=datetime(2026, 3, 5, 10))
    void_settlement(store, row.slip_number, reason="录错", clerk="赵")
    with store.read() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    trail = [(e.action, e.entity, e.clerk) for e in events]
    assert trail[:2] == [("create", "site", "管理员"), ("create", "person", "王")]
    assert ("create", "beneficiary_status", "王") in trail
    assert ("create", "admission", "王") in trail
    assert (
        trail.count(("change", "checklist_item", "王"))
        == len([e for e in events if e.entity == "checklist_item"])
        > 0
    )
    assert trail[-3:] == [
        ("change", "admission", "李"),
        ("create", "settlement", "李"),
        ("void", "settlement", "赵"),
    ]
    void = json.loads(events[-1].changes_json)
    assert void == {"reason": "录错"}
    discharge = json.loads(events[-3].changes_json)
    assert discharge == {"discharged_at": [None, "2026-03-05T09:00:00"]}
