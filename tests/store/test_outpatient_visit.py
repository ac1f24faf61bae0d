"""门诊结算 as its own case: the policy's outpatient papers, the diagnosis rule, one slip
sequence with the inpatient settlements, found by its number and voided like any other."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from app.forms import OutpatientVisitInput
from app.printing.from_store import slip_data
from app.services import (
    Amounts,
    Override,
    ServiceError,
    checklist,
    get_settlement,
    settle_outpatient_visit,
    void_settlement,
)
from db.models import Admission
from tests.store.helpers import person

CLERK = "王"
NOW = datetime(2026, 6, 2, 10)
ALL_PAPERS = {
    "id_card": (True, True),
    "beneficiary_certificate": (True, True),
    "outpatient_invoice": (True, True),
    "insurance_slip": (True, True),
}


def _visit(visit="outpatient_chronic", diagnosis="高血压", papers=None, total="1500.00"):
    return OutpatientVisitInput(
        person=person(7),
        visit_date=date(2026, 6, 1),
        visit=visit,
        category="minimum_living",
        insurance="resident",
        diagnosis=diagnosis,
        amounts=Amounts(total, basic_insurance="500.00"),
        papers=ALL_PAPERS if papers is None else papers,
        off_roster_reason="名册尚未下发",
    )


def test_an_outpatient_visit_is_settled_with_its_own_papers_and_slip(store, make_site):
    make_site("TEZ01", "taierzhuang")  # 台儿庄 四: outpatient 20 %
    row = settle_outpatient_visit(store, _visit(), clerk=CLERK, now=NOW)
    assert row.slip_number == "TEZ01-2026-000001"
    assert row.assistance == Decimal("200.00")  # (1500 - 500) × 20 %
    with store.read() as session:
        found = get_settlement(session, row.slip_number)
        admission = session.get(Admission, found.admission_id)
        assert (admission.kind, admission.visit, admission.diagnosis) == (
            "outpatient",
            "outpatient_chronic",
            "高血压",
        )
        assert admission.admitted_at == datetime(2026, 6, 1)
        items = checklist(session, admission.id)
        assert {item.stage for item in items} == {"outpatient"}
        assert len(items) == 4
        slip = slip_data(session, row.slip_number)
    assert (slip.visit_date, slip.admission_number, slip.stay_days) == (date(2026, 6, 1), "", None)
    assert slip.diagnosis == "高血压"
    void_settlement(store, row.slip_number, reason="金额录错", clerk="主管")


def test_the_diagnosis_is_required_where_the_policy_restricts_the_illness(store, make_site):
    make_site("TEZ01", "taierzhuang")
    with pytest.raises(ServiceError) as refused:
        settle_outpatient_visit(store, _visit(diagnosis="  "), clerk=CLERK, now=NOW)
    assert refused.value.field == "diagnosis"
    assert "四" in refused.value.message


def test_an_inpatient_visit_is_not_an_outpatient_one(store, make_site):
    make_site("TEZ01", "taierzhuang")
    with pytest.raises(ServiceError) as refused:
        settle_outpatient_visit(store, _visit(visit="inpatient"), clerk=CLERK, now=NOW)
    assert refused.value.field == "visit"


def test_missing_outpatient_papers_need_a_supervisor(store, make_site):
    supervisor = "李主任"
    make_site("TEZ01", "taierzhuang")
    papers = {**ALL_PAPERS, "insurance_slip": (False, False)}
    with pytest.raises(ServiceError) as refused:
        settle_outpatient_visit(store, _visit(papers=papers), clerk=CLERK, now=NOW)
    assert refused.value.field == "checklist"
    assert "医疗保险费用结算单" in refused.value.message
    assert "住院" not in refused.value.message
    row = settle_outpatient_visit(
        store,
        _visit(papers=papers),
        clerk=CLERK,
        override=Override(supervisor, "结算单次日补交"),
        now=NOW,
    )
    assert row.override_by == supervisor
