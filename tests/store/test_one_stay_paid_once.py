"""One stay is paid once: a stay settled at the window is not taken in again as 事后报销 (兰溪
三(二)3: a 手工结报 is for a stay not settled in real time), a stay taken in is not settled at
the window, and two claims for the same days are one stay whatever the hospital's name as
typed. Only a transfer day belongs to two stays."""

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
from app.services.stays import overlap
from db.models import PaidLaterClaim, Settlement
from tests.store.helpers import admission, count, person, tick_all
from tests.store.test_paid_later import CLERK, SUPERVISOR, intake

MANUAL = ("invoice", "discharge_summary", "cost_list")


def _register(store, who, admitted):
    registered = register_admission(
        store, admission(who, admitted_at=admitted), clerk=CLERK, now=admitted
    )
    tick_all(store, registered.admission_id)
    return registered.admission_id


def _settle(store, admission_id, discharged):
    form = DischargeInput(admission_id, discharged, Amounts("15000.00", "0", "0", "0"))
    return settle_discharge(store, form, clerk=CLERK, now=discharged)


def _claim(store, who, admitted, discharged, hospital="兰溪市人民医院", now=None):
    return intake(
        store,
        who,
        policy="lanxi",
        facility="county",
        materials=MANUAL,
        total="15000.00",
        basic="0",
        admitted=admitted,
        discharged=discharged,
        hospital=hospital,
        now=now or datetime(2026, 3, 20, 10),
    )


def test_a_stay_settled_at_the_window_is_not_paid_again_as_a_manual_claim(store, make_site):
    make_site()
    who = person(1)
    slip = _settle(store, _register(store, who, datetime(2026, 3, 1, 9)), datetime(2026, 3, 10, 9))
    assert slip.assistance == Decimal("10500.00")  # 低保 70 % of 15,000, advanced at the window
    with pytest.raises(ServiceError) as refused:
        _claim(store, who, date(2026, 3, 1), date(2026, 3, 10))
    assert refused.value.field == "admitted_on"
    assert slip.slip_number in refused.value.message and "已在窗口结算" in refused.value.message
    # a stay that overlaps by more than a day, under another name, is the same stay
    with pytest.raises(ServiceError, match=slip.slip_number):
        _claim(store, who, date(2026, 3, 2), date(2026, 3, 12), hospital="兰溪市人民医院（东院）")
    assert count(store, PaidLaterClaim) == 0

    # voided, the stay may be claimed after discharge instead (the slip paid nothing then)
    void_settlement(store, slip.slip_number, reason="应事后报销", clerk=SUPERVISOR)
    claim = _claim(store, who, date(2026, 3, 1), date(2026, 3, 10))
    assert claim.payable == Decimal("10500.00")


def test_a_stay_taken_in_as_a_claim_is_not_settled_at_the_window(store, make_site):
    make_site()
    who = person(2)
    claim = _claim(store, who, date(2026, 3, 1), date(2026, 3, 10))
    admission_id = _register(store, who, datetime(2026, 3, 1, 9))
    with pytest.raises(ServiceError) as refused:
        _settle(store, admission_id, datetime(2026, 3, 10, 9))
    assert refused.value.field == "admission"
    message = refused.value.message
    assert claim.claim_number in message and "请先在审核时退回" in message
    assert count(store, Settlement) == 0

    review_claim(
        store, claim.claim_number, supervisor=SUPERVISOR, approve=False, reason="应在窗口结算"
    )
    assert _settle(store, admission_id, datetime(2026, 3, 10, 9)).assistance == Decimal("10500.00")


def test_two_claims_for_the_same_days_are_one_stay_whatever_the_hospital_is_called(
    store, make_site
):
    make_site()
    who = person(3)
    first = _claim(store, who, date(2026, 3, 1), date(2026, 3, 10), hospital="兰溪市人民医院")
    with pytest.raises(ServiceError) as refused:
        _claim(store, who, date(2026, 3, 1), date(2026, 3, 10), hospital="兰溪市人民医院（东院）")
    assert first.claim_number in refused.value.message and "兰溪市人民医院" in refused.value.message
    # transferred: discharged from one, admitted to the next the same day, are two stays
    second = _claim(store, who, date(2026, 3, 10), date(2026, 3, 18), hospital="浙江省人民医院")
    assert second.claim_number != first.claim_number
    assert count(store, PaidLaterClaim) == 2


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ((1, 10), (1, 10), True),
        ((1, 10), (9, 12), True),
        ((1, 10), (10, 12), False),  # a transfer day
        ((1, 10), (5, 5), True),  # a day stay inside another
        ((1, 10), (10, 10), False),
        ((5, 5), (5, 5), True),
        ((1, 3), (4, 6), False),
    ],
)
def test_which_stays_overlap(first, second, same):
    days = [tuple(date(2026, 3, d) for d in pair) for pair in (first, second)]
    assert overlap(*days) is same and overlap(*reversed(days)) is same


def test_a_stay_whose_days_are_the_wrong_way_round_is_refused_with_the_rest(store, make_site):
    make_site()
    with pytest.raises(ServiceError) as refused:
        intake(
            store,
            person(4),
            policy="lanxi",
            facility="county",
            materials=MANUAL,
            admitted=date(2026, 3, 10),
            discharged=date(2026, 3, 1),
            card="6222020200112233445",  # a wrong check digit too: both named at once
        )
    fields = {error.field: error.message for error in refused.value.errors}
    assert fields["discharged_on"] == "出院日期早于入院日期" and "card_number" in fields
    assert count(store, PaidLaterClaim) == 0
