"""Corrections go from the newest record of a person's year back: a window settlement and a
事后报销 claim each count the earlier ones in their deductible, tiers and caps, so neither is
voided or returned while a later one of the other kind counted it (else the same band is paid
twice). 兰溪 因病致贫: the year's deductible is 20,000, then 50 %."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from app.services import (
    Amounts,
    DischargeInput,
    ServiceError,
    register_admission,
    settle_discharge,
    void_settlement,
)
from app.services.paid_later import review_claim
from tests.store.helpers import admission, person, tick_all
from tests.store.test_paid_later import CLERK, SUPERVISOR, intake

OUT_OF_AREA = ("invoice", "discharge_summary", "cost_list")
POVERTY = "illness_poverty"


def _window_stay(store, who, total, basic, discharged):
    registered = register_admission(
        store,
        admission(who, admitted_at=discharged.replace(day=1), category=POVERTY),
        clerk=CLERK,
        now=discharged.replace(day=1),
    )
    tick_all(store, registered.admission_id)
    form = DischargeInput(registered.admission_id, discharged, Amounts(total, "0", basic, "0"))
    return registered, settle_discharge(store, form, clerk=CLERK, now=discharged)


def _claim(store, who, total, basic, received):
    return intake(
        store,
        who,
        policy="lanxi",
        facility="county",
        materials=OUT_OF_AREA,
        total=total,
        basic=basic,
        admitted=date(2026, 2, 1),
        discharged=date(2026, 2, 10),
        category=POVERTY,
        now=received,
    )


def test_a_settlement_a_later_claim_counted_is_voided_only_after_that_claim_is_returned(
    store, make_site
):
    make_site()
    who = person(1)
    registered, first = _window_stay(store, who, "30000.00", "10000.00", datetime(2026, 3, 10, 10))
    assert first.assistance == Decimal("0.00")  # all of its 20,000 under the deductible
    claim = _claim(store, who, "20000.00", "10000.00", datetime(2026, 4, 15, 9))
    assert claim.assistance == Decimal("5000.00")  # counted on top of the settlement

    with pytest.raises(
        ServiceError, match=f"事后报销 {claim.claim_number}.*事后报销须在审核时退回"
    ):
        void_settlement(store, first.slip_number, reason="录入有误", clerk=SUPERVISOR)

    # From the newest back: the claim returned, the slip voided and settled again, the
    # claim taken in again; the year pays (30,000 - 20,000) x 50 % once.
    review_claim(store, claim.claim_number, supervisor=SUPERVISOR, approve=False, reason="补正")
    void_settlement(store, first.slip_number, reason="录入有误", clerk=SUPERVISOR)
    form = DischargeInput(
        registered.admission_id,
        datetime(2026, 3, 10, 10),
        Amounts("30000.00", "0", "10000.00", "0"),
    )
    again = settle_discharge(store, form, clerk=CLERK, now=datetime(2026, 4, 20, 10))
    claim_again = _claim(store, who, "20000.00", "10000.00", datetime(2026, 4, 21, 9))
    assert again.assistance + claim_again.assistance == Decimal("5000.00")


def test_a_claim_a_later_settlement_counted_is_not_returned(store, make_site):
    make_site()
    who = person(2)
    claim = _claim(store, who, "30000.00", "10000.00", datetime(2026, 2, 20, 9))
    assert claim.assistance == Decimal("0.00")
    _, later = _window_stay(store, who, "20000.00", "10000.00", datetime(2026, 3, 10, 10))
    assert later.assistance == Decimal("5000.00")

    with pytest.raises(ServiceError, match=f"结算 {later.slip_number}.*再退回本申请"):
        review_claim(
            store, claim.claim_number, supervisor=SUPERVISOR, approve=False, reason="发票缺章"
        )
    # Voided first, the later settlement no longer stands in the way.
    void_settlement(store, later.slip_number, reason="先退回报销", clerk=SUPERVISOR)
    returned = review_claim(
        store, claim.claim_number, supervisor=SUPERVISOR, approve=False, reason="发票缺章"
    )
    assert returned.status == "returned"


def test_the_order_is_the_order_they_were_made_in_whatever_the_clocks_said(store, make_site):
    """Two desks on one database whose clocks disagree: the claim taken in after the slip
    counted it, though its clock stamped it earlier."""
    make_site()
    who = person(3)
    _, first = _window_stay(store, who, "30000.00", "10000.00", datetime(2026, 3, 10, 10, 5))
    claim = _claim(store, who, "20000.00", "10000.00", datetime(2026, 3, 10, 10, 2))
    assert claim.assistance == Decimal("5000.00")  # the slip's 20,000 counted
    with pytest.raises(ServiceError, match=f"事后报销 {claim.claim_number}"):
        void_settlement(store, first.slip_number, reason="录入有误", clerk=SUPERVISOR)


def test_records_stamped_with_the_same_time_are_still_in_order(store, make_site):
    make_site()
    who = person(4)
    at = datetime(2026, 3, 10, 10)
    claim = _claim(store, who, "30000.00", "10000.00", at)
    _, later = _window_stay(store, who, "20000.00", "10000.00", at)
    assert later.assistance == Decimal("5000.00")
    with pytest.raises(ServiceError, match=f"结算 {later.slip_number}"):
        review_claim(store, claim.claim_number, supervisor=SUPERVISOR, approve=False, reason="补正")
