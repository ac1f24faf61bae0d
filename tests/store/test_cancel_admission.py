"""An admission registered in error is cancelled with a reason, freeing the person."""

from datetime import datetime

import pytest

from app.services import (
    Amounts,
    DischargeInput,
    ServiceError,
    cancel_admission,
    find_admission,
    open_admissions,
    register_admission,
    settle_discharge,
    void_settlement,
)
from app.services.audit import history
from tests.store.helpers import admission, person, snapshot, tick_all

NOW = datetime(2026, 3, 1, 10)


def test_cancelling_frees_the_person(store, make_site):
    make_site()
    wrong = register_admission(store, admission(person(1)), clerk="王", now=NOW)
    before = snapshot(store)
    with pytest.raises(ServiceError) as refused:
        cancel_admission(store, wrong.admission_id, reason=" ", clerk="王")
    assert refused.value.field == "cancel_reason"
    assert snapshot(store) == before

    cancel_admission(store, wrong.admission_id, reason="登记错了病人", clerk="王", now=NOW)
    with pytest.raises(ServiceError, match="已于"):
        cancel_admission(store, wrong.admission_id, reason="再次", clerk="王")
    # The person may be admitted again; the 住院号 stays with the cancelled record.
    with pytest.raises(ServiceError, match="已撤销") as taken:
        register_admission(store, admission(person(2)), clerk="王", now=NOW)
    assert taken.value.field == "admission_number"
    right = register_admission(store, admission(person(2), number="ZY003"), clerk="王", now=NOW)
    again = register_admission(store, admission(person(1), number="ZY002"), clerk="王", now=NOW)
    with store.read() as session:
        assert find_admission(session, "ZY001", "LX01").cancel_reason == "登记错了病人"
        live = {a.id for a in open_admissions(session, "LX01")}
        assert live == {right.admission_id, again.admission_id}
        [event] = [
            e for e in history(session, "admission", wrong.admission_id) if e.action == "cancel"
        ]
        assert "登记错了病人" in event.changes_json


def test_a_settled_admission_is_voided_before_it_is_cancelled(store, make_site):
    make_site()
    done = register_admission(store, admission(person(3)), clerk="王", now=NOW)
    tick_all(store, done.admission_id)
    form = DischargeInput(done.admission_id, datetime(2026, 3, 3, 9), Amounts("800.00"))
    row = settle_discharge(store, form, clerk="王", now=datetime(2026, 3, 3, 10))
    with pytest.raises(ServiceError, match=row.slip_number):
        cancel_admission(store, done.admission_id, reason="误登记", clerk="王")
    void_settlement(store, row.slip_number, reason="误登记", clerk="王")
    cancel_admission(store, done.admission_id, reason="误登记", clerk="王")


def test_a_cancelled_admission_cannot_be_settled(store, make_site):
    make_site()
    done = register_admission(store, admission(person(4)), clerk="王", now=NOW)
    tick_all(store, done.admission_id)
    cancel_admission(store, done.admission_id, reason="误登记", clerk="王")
    before = snapshot(store)
    form = DischargeInput(done.admission_id, datetime(2026, 3, 3, 9), Amounts("800.00"))
    with pytest.raises(ServiceError, match="已撤销"):
        settle_discharge(store, form, clerk="王", now=datetime(2026, 3, 3, 10))
    assert snapshot(store) == before
