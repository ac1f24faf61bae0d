"""Register -> checklist -> settle -> void -> settle again, with caps carried over a year."""

import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from app.services import (
    Amounts,
    DischargeInput,
    OutpatientInput,
    ServiceError,
    get_settlement,
    person_settlements,
    register_admission,
    result_of,
    settle_discharge,
    settle_outpatient,
    void_settlement,
)
from app.services.audit import history
from tests.store.helpers import admission, person, snapshot, tick_all

CLERK = "王"


def _settle(store, admission_id, discharged, total, basic, critical="0", **kw):
    form = DischargeInput(admission_id, discharged, Amounts(total, "0", basic, critical))
    return settle_discharge(store, form, clerk=CLERK, now=datetime(2027, 12, 1), **kw)


def _register(store, who, number, when, category="destitute"):
    form = admission(who, number=number, admitted_at=when, category=category)
    return register_admission(store, form, clerk=CLERK, now=when).admission_id


def test_caps_carry_over_admissions_in_a_year_and_reset_the_next(store, make_site, policies):
    make_site()  # 兰溪: 特困 100 %, annual cap 80,000 for the inpatient pool
    who = person(1)
    first = _register(store, who, "ZY1", datetime(2026, 3, 1, 8))
    tick_all(store, first)
    # base = 100000 - 30000 - 10000 = 60000; 100 % of it, cap left 80000 - 60000 = 20000
    one = _settle(store, first, datetime(2026, 3, 9, 10), "100000.00", "30000.00", "10000.00")
    assert (one.assistance, one.base, one.slip_number) == (
        Decimal("60000.00"),
        Decimal("60000.00"),
        "LX01-2027-000001",
    )
    assert result_of(one)["cap_remaining"] == "20000.00"

    void_settlement(store, one.slip_number, reason="发票金额录入错误", clerk=CLERK)
    # The voided settlement no longer counts: settling again gives the same 60000.
    again = _settle(store, first, datetime(2026, 3, 9, 10), "100000.00", "30000.00", "10000.00")
    assert again.assistance == Decimal("60000.00")
    assert again.slip_number == "LX01-2027-000002"

    second = _register(store, who, "ZY2", datetime(2026, 6, 1, 8))
    tick_all(store, second)
    # base 80000 - 20000 - 10000 = 50000, but only 80000 - 60000 = 20000 of the cap is left
    two = _settle(store, second, datetime(2026, 6, 20, 9), "80000.00", "20000.00", "10000.00")
    assert two.assistance == Decimal("20000.00")
    assert result_of(two)["cap_remaining"] == "0.00"
    assert json.loads(two.claim_json)["year_to_date"]["inpatient"]["assistance"] == "60000.00"

    third = _register(store, who, "ZY3", datetime(2027, 2, 1, 8))
    tick_all(store, third)
    # new calendar year: base 60000 - 20000 = 40000 paid in full, 40000 of the cap left
    three = _settle(store, third, datetime(2027, 2, 10, 9), "60000.00", "20000.00")
    assert three.assistance == Decimal("40000.00")
    assert result_of(three)["cap_remaining"] == "40000.00"

    with store.read() as session:
        rows = person_settlements(session, one.person_id)
        assert [r.voided for r in rows] == [True, False, False, False]
        voided = get_settlement(session, one.slip_number.lower())
        assert (voided.void_reason, voided.voided_by) == ("发票金额录入错误", CLERK)
        assert [e.action for e in history(session, "settlement", one.slip_number)] == [
            "create",
            "void",
        ]
    stored = rows[1]
    assert stored.policy_sha256 == policies["lanxi"].sha256
    assert stored.policy_version == "2020-07-01"
    assert json.loads(stored.steps_json) == result_of(stored)["steps"]
    assert result_of(stored)["paid_at_window"] == "60000.00"


def test_settling_needs_the_papers_or_a_supervisor(store, make_site):
    make_site()
    first = _register(store, person(2), "ZY9", datetime(2026, 3, 1, 8), "minimum_living")
    before = snapshot(store)
    with pytest.raises(ServiceError) as refused:
        _settle(store, first, datetime(2026, 3, 5, 9), "52000.00", "30000.00")
    assert refused.value.field == "checklist"
    assert "居民身份证" in str(refused.value)
    assert snapshot(store) == before

    from app.services import Override

    with pytest.raises(ServiceError) as no_reason:
        _settle(
            store,
            first,
            datetime(2026, 3, 5, 9),
            "52000.00",
            "30000.00",
            override=Override("李主任", "  "),
        )
    assert no_reason.value.field == "override_reason"

    row = _settle(
        store,
        first,
        datetime(2026, 3, 5, 9),
        "52000.00",
        "30000.00",
        override=Override("李主任", "患者病危，证件由家属次日补交"),
    )
    # 低保 70 % of 52000 - 30000 = 22000 -> 15400
    assert row.assistance == Decimal("15400.00")
    assert (row.override_by, row.override_reason) == ("李主任", "患者病危，证件由家属次日补交")
    assert "居民身份证" in row.missing_documents_json
    from app.services.audit import history

    with store.read() as session:
        events = history(session, "settlement", row.slip_number)
    assert [(e.action, e.clerk) for e in events] == [("create", CLERK), ("override", "李主任")]


@pytest.mark.parametrize(
    ("amounts", "field", "words"),
    [
        (Amounts("-1.00"), "total", "负数"),
        (Amounts("100.005"), "total", "两位小数"),
        (Amounts("1000.00", basic_insurance="1200.00"), "basic_insurance", "超过医疗总费用"),
        (Amounts("1000.00", "0", "600.00", "500.00"), "basic_insurance", "合计"),
        (Amounts("1000.00", out_of_catalog="abc"), "out_of_catalog", "数字"),
        (Amounts("1E26"), "total", "科学计数法"),
        (Amounts("1000000000000.00"), "total", "金额过大"),
    ],
)
def test_bad_amounts_are_refused_and_change_nothing(store, make_site, amounts, field, words):
    make_site()
    first = _register(store, person(3), "ZY3", datetime(2026, 3, 1, 8))
    tick_all(store, first)
    before = snapshot(store)
    with pytest.raises(ServiceError) as refused:
        settle_discharge(store, DischargeInput(first, datetime(2026, 3, 4), amounts), clerk=CLERK)
    assert refused.value.field == field
    assert words in str(refused.value)
    assert str(refused.value).startswith(refused.value.label + "：")
    assert snapshot(store) == before


def test_discharge_before_admission_is_refused(store, make_site):
    make_site()
    first = _register(store, person(4), "ZY4", datetime(2026, 3, 1, 8))
    tick_all(store, first)
    before = snapshot(store)
    with pytest.raises(ServiceError) as refused:
        _settle(store, first, datetime(2026, 2, 28, 9), "1000.00", "100.00")
    assert refused.value.field == "discharged_at"
    assert "出院时间早于入院时间" in str(refused.value)
    assert snapshot(store) == before


def test_an_admission_is_settled_once_until_voided(store, make_site):
    make_site()
    first = _register(store, person(5), "ZY5", datetime(2026, 3, 1, 8))
    tick_all(store, first)
    row = _settle(store, first, datetime(2026, 3, 2, 9), "1000.00", "100.00")
    with pytest.raises(ServiceError, match=row.slip_number):
        _settle(store, first, datetime(2026, 3, 2, 9), "1000.00", "100.00")
    with pytest.raises(ServiceError) as no_reason:
        void_settlement(store, row.slip_number, reason="", clerk=CLERK)
    assert no_reason.value.field == "void_reason"
    void_settlement(store, row.slip_number, reason="重复结算", clerk=CLERK)
    with pytest.raises(ServiceError, match="已于"):
        void_settlement(store, row.slip_number, reason="再次作废", clerk=CLERK)


def test_outpatient_settlement_without_admission(store, make_site):
    make_site()  # 兰溪: 特困/低保 general outpatient paid in full up to 2000 a year

    def visit(day, total, basic):
        form = OutpatientInput(
            person=person(6),
            visit_date=day,
            visit="outpatient_general",
            category="destitute",
            insurance="resident",
            amounts=Amounts(total, basic_insurance=basic),
            off_roster_reason="名册尚未下发",
        )
        return settle_outpatient(store, form, clerk=CLERK, now=datetime(2026, 12, 31))

    first = visit(date(2026, 4, 1), "1500.00", "500.00")  # base 1000, all paid
    second = visit(date(2026, 5, 1), "3000.00", "1000.00")  # base 2000, 1000 of the cap left
    assert (first.assistance, second.assistance) == (Decimal("1000.00"), Decimal("1000.00"))
    assert first.admission_id is None and first.pool == "outpatient"
    assert result_of(second)["cap_remaining"] == "0.00"


def test_the_database_refuses_to_edit_delete_or_unvoid_a_settlement(store, make_site):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    make_site()
    first = _register(store, person(7), "ZY7", datetime(2026, 3, 1, 8))
    tick_all(store, first)
    row = _settle(store, first, datetime(2026, 3, 2, 9), "1000.00", "100.00")
    void_settlement(store, row.slip_number, reason="测试", clerk=CLERK)
    before = snapshot(store)
    for statement, words in (
        ("UPDATE settlement SET assistance = '1.00'", "不可修改"),
        ("UPDATE settlement SET result_json = '{}'", "不可修改"),
        ("UPDATE settlement SET voided = false", "不能恢复"),
        ("DELETE FROM settlement", "不可删除"),
    ):
        with pytest.raises(DBAPIError, match=words), store.write() as session:
            session.execute(text(statement))
    assert snapshot(store) == before
    with store.write() as session:  # a later issue records the claim bundle
        session.execute(text("UPDATE settlement SET claimed_bundle = 'Q1'"))


def test_an_earlier_stay_is_corrected_only_after_the_later_ones_so_no_band_is_paid_twice(
    store, make_site
):
    make_site()  # 兰溪 第四类 (因病致贫): nothing under the year's 20,000, 50 % above it
    who = person(7)
    first = _register(store, who, "ZY1", datetime(2026, 3, 1, 8), category="illness_poverty")
    tick_all(store, first)
    a = _settle(store, first, datetime(2026, 3, 9, 10), "25000.00", "10000.00")  # base 15000
    second = _register(store, who, "ZY2", datetime(2026, 5, 1, 8), category="illness_poverty")
    tick_all(store, second)
    b = _settle(store, second, datetime(2026, 5, 9, 10), "20000.00", "10000.00")  # base 10000
    assert (a.assistance, b.assistance) == (Decimal("0.00"), Decimal("2500.00"))
    # Voided and settled again alone, A would count B (which counted A): 2,500 paid twice.
    before = snapshot(store)
    with pytest.raises(ServiceError, match=f"之后，该人员本年已有结算 {b.slip_number}"):
        void_settlement(store, a.slip_number, reason="住院日期录错", clerk=CLERK)
    assert snapshot(store) == before
    # From the newest back, then settled again in order: the year pays (25000 − 20000) × 50 %.
    void_settlement(store, b.slip_number, reason="先作废后一笔", clerk=CLERK)
    void_settlement(store, a.slip_number, reason="住院日期录错", clerk=CLERK)
    a2 = _settle(store, first, datetime(2026, 3, 8, 10), "25000.00", "10000.00")
    b2 = _settle(store, second, datetime(2026, 5, 9, 10), "20000.00", "10000.00")
    assert a2.assistance + b2.assistance == Decimal("2500.00")
