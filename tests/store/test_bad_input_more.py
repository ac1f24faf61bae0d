"""Bad input found by the audit, end to end through the real store (SQLite, and PostgreSQL
when TEST_POSTGRES_URL is set): a full-width ID number is the same person, a long name's
pinyin fits its column, and blank or invisible text is no reason or diagnosis."""

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.forms import OutpatientVisitInput
from app.identity import IdentityError, parse_resident_id, typing_problem
from app.services import (
    Amounts,
    DischargeInput,
    Override,
    ServiceError,
    find_person,
    register_admission,
    search_people,
    settle_discharge,
    settle_outpatient_visit,
    void_settlement,
)
from app.services.lengths import limit_of
from app.services.paid_later import BankAccount, IntakeInput, StayInput, receive_claim
from app.services.registration import cancel_admission
from app.workdays import Calendar
from db.models import Person
from tests.store.helpers import admission, count, person, snapshot, tick_all

CLERK = "王"
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def _full_width(number: str, start: int = 6) -> str:
    return number[:start] + number[start:].translate(FULL_WIDTH)


def _stay(store, who, number, admitted, discharged):
    registered = register_admission(
        store,
        admission(who, number=number, admitted_at=admitted),
        clerk=CLERK,
        now=admitted + timedelta(hours=1),
    )
    tick_all(store, registered.admission_id)
    settle = DischargeInput(
        registered.admission_id, discharged, Amounts("150000.00", "0", "30000.00")
    )
    return registered, lambda: settle_discharge(
        store, settle, clerk=CLERK, now=discharged + timedelta(hours=1)
    )


# --- 1. full-width digits in an ID number -------------------------------------------------


def test_a_full_width_id_number_is_read_as_its_ascii_digits():
    number = person(1).id_number
    assert parse_resident_id(_full_width(number, 0)).number == number
    assert parse_resident_id(f"\u3000{_full_width(number)}\u3000").number == number
    assert typing_problem(_full_width(number[:10], 0)) is None


@pytest.mark.parametrize(
    ("typed", "where"),
    [
        ("330781195804\u200b090028", "第13个字符（U+200B，不可见字符）不是数字或X"),
        ("33078119580409002٨", "第18个字符“٨”（U+0668）"),
        ("3307811958〇4090028", "第11个字符“〇”（U+3007）"),
    ],
)
def test_a_character_no_ascii_form_has_is_named_with_its_place(typed, where):
    with pytest.raises(IdentityError) as refused:
        parse_resident_id(typed)
    assert where in refused.value.reason


def test_the_same_person_typed_in_full_width_is_found_and_not_paid_twice(store, make_site):
    make_site()
    ascii_id = person(1, name="张三").id_number
    first, settle_first = _stay(
        store, person(1, name="张三"), "ZY001", datetime(2026, 3, 1, 9), datetime(2026, 3, 20, 9)
    )
    settle_first()
    # The ASCII number again for the same days: registered, but its settlement refused.
    second, settle_again = _stay(
        store, person(1, name="张三"), "ZY002", datetime(2026, 3, 1, 9), datetime(2026, 3, 20, 9)
    )
    with pytest.raises(ServiceError) as ascii_refusal:
        settle_again()
    assert "重叠" in ascii_refusal.value.message
    cancel_admission(store, second.admission_id, reason="重复登记", clerk=CLERK)

    full_width = replace(person(1, name="张三"), id_number=_full_width(ascii_id, 14))
    again, settle_full_width = _stay(
        store, full_width, "ZY003", datetime(2026, 3, 1, 9), datetime(2026, 3, 20, 9)
    )
    assert again.person_id == first.person_id
    with pytest.raises(ServiceError) as refused:
        settle_full_width()
    assert (refused.value.field, refused.value.message) == (
        ascii_refusal.value.field,
        ascii_refusal.value.message,
    )
    assert count(store, Person) == 1
    with store.read() as session:
        assert session.scalars(select(Person.id_number)).all() == [ascii_id]
        assert find_person(session, _full_width(ascii_id, 0)).id == first.person_id
        found = search_people(session, _full_width(ascii_id))
        assert [row.id for row in found] == [first.person_id]


def test_a_full_width_id_number_at_intake_is_the_person_settled_at_the_window(store, make_site):
    make_site("JJ01", "jingjiang", "grassroots")
    who = person(1, "jingjiang")
    _, settle = _stay(store, who, "ZY001", datetime(2026, 3, 2, 9), datetime(2026, 3, 12, 9))
    settle()
    typed = replace(who, id_number=_full_width(who.id_number))
    form = IntakeInput(
        stay=StayInput(
            person=typed,
            hospital="靖江市人民医院",
            facility="county",
            admitted_on=date(2026, 3, 2),
            discharged_on=date(2026, 3, 12),
            category="minimum_living",
            insurance="resident",
            policy="jingjiang",
        ),
        amounts=Amounts("20000.00", "0", "12000.00", "0"),
        bank=BankAccount(who.name, "靖江农村商业银行", "6222020200112233446"),
        materials=("id_card", "bank_card", "medical_record", "invoice", "referral_papers"),
    )
    before = snapshot(store)
    with pytest.raises(ServiceError) as refused:
        receive_claim(store, form, clerk=CLERK, calendar=Calendar(), now=datetime(2026, 3, 13, 10))
    assert refused.value.field == "admitted_on"
    assert "已在窗口结算" in refused.value.message
    assert snapshot(store) == before


# --- 2. a long name's pinyin --------------------------------------------------------------


def test_the_pinyin_of_a_fifty_character_name_fits_its_column(store, make_site):
    make_site()
    longest = limit_of(Person.__table__.c.name)
    register_admission(
        store, admission(person(1, name="庄" * longest)), clerk=CLERK, now=datetime(2026, 3, 1, 10)
    )
    with store.read() as session:
        stored = session.scalars(select(Person)).one()
        assert len(stored.name_pinyin) == limit_of(Person.__table__.c.name_pinyin)
        assert stored.name_pinyin.startswith("zhuangzhuang")
        assert len(stored.name_initials) <= limit_of(Person.__table__.c.name_initials)
        assert [row.id for row in search_people(session, "zhuangzhuang")] == [stored.id]


# --- 3. blank or invisible text -----------------------------------------------------------

INVISIBLE = ["\u200b", "\u200b\u200b", "\t", "\n", " \t\n "]


def _outpatient(diagnosis):
    return OutpatientVisitInput(
        person=person(7, "taierzhuang"),
        visit_date=date(2026, 6, 1),
        visit="outpatient_chronic",
        category="minimum_living",
        insurance="resident",
        diagnosis=diagnosis,
        amounts=Amounts("1500.00", basic_insurance="500.00"),
        papers={
            "id_card": (True, True),
            "beneficiary_certificate": (True, True),
            "outpatient_invoice": (True, True),
            "insurance_slip": (True, True),
        },
        off_roster_reason="名册尚未下发",
    )


@pytest.mark.parametrize("blank", INVISIBLE)
def test_an_invisible_diagnosis_is_no_diagnosis_for_an_outpatient_visit(store, make_site, blank):
    make_site("TEZ01", "taierzhuang")
    before = snapshot(store)
    with pytest.raises(ServiceError) as refused:
        settle_outpatient_visit(
            store, _outpatient(blank), clerk=CLERK, now=datetime(2026, 6, 2, 10)
        )
    assert refused.value.field == "diagnosis"
    assert str(refused.value).startswith("诊断：")
    assert snapshot(store) == before


@pytest.mark.parametrize("blank", INVISIBLE)
def test_an_invisible_reason_overrides_voids_and_cancels_nothing(store, make_site, blank):
    make_site()
    registered = register_admission(
        store, admission(person(1)), clerk=CLERK, now=datetime(2026, 3, 1, 10)
    )
    missing_papers = DischargeInput(
        registered.admission_id, datetime(2026, 3, 5, 9), Amounts("1000.00")
    )
    before = snapshot(store)
    with pytest.raises(ServiceError) as override:
        settle_discharge(
            store,
            missing_papers,
            clerk=CLERK,
            override=Override("李主管", blank),
            now=datetime(2026, 3, 6),
        )
    assert override.value.field == "override_reason"
    with pytest.raises(ServiceError) as cancel:
        cancel_admission(store, registered.admission_id, reason=blank, clerk=CLERK)
    assert cancel.value.field == "cancel_reason"
    assert snapshot(store) == before

    settled = settle_discharge(
        store,
        missing_papers,
        clerk=CLERK,
        override=Override("李主管", "次日补交"),
        now=datetime(2026, 3, 6),
    )
    before = snapshot(store)
    with pytest.raises(ServiceError) as void:
        void_settlement(store, settled.slip_number, reason=blank, clerk="李主管")
    assert void.value.field == "void_reason"
    assert snapshot(store) == before


# --- 4. each refused field named in Chinese -----------------------------------------------


@pytest.mark.parametrize("hospital", ["", "\u3000"])
def test_a_blank_hospital_at_intake_is_named_in_chinese(store, make_site, hospital):
    make_site("JJ01", "jingjiang", "grassroots")
    who = person(1, "jingjiang")
    form = IntakeInput(
        stay=StayInput(
            person=who,
            hospital=hospital,
            facility="county",
            admitted_on=date(2026, 3, 2),
            discharged_on=date(2026, 3, 12),
            category="minimum_living",
            insurance="resident",
            policy="jingjiang",
        ),
        amounts=Amounts("20000.00", "0", "12000.00", "0"),
        bank=BankAccount(who.name, "靖江农村商业银行", "6222020200112233446"),
        materials=("id_card", "bank_card", "medical_record", "invoice", "referral_papers"),
    )
    before = snapshot(store)
    with pytest.raises(ServiceError) as refused:
        receive_claim(store, form, clerk=CLERK, calendar=Calendar(), now=datetime(2026, 3, 13, 10))
    assert str(refused.value) == "就诊医院：不能为空"
    assert snapshot(store) == before


def test_an_address_with_a_line_break_is_refused_at_registration(store, make_site):
    make_site()
    who = replace(person(9), address="北京市\n朝阳区")
    before = snapshot(store)
    with pytest.raises(ServiceError) as refused:
        register_admission(store, admission(who, "ZY9"), clerk="王", now=datetime(2026, 3, 1, 9))
    fields = {e.field: str(e) for e in getattr(refused.value, "errors", [refused.value])}
    assert "换行符" in fields["address"]
    assert snapshot(store) == before
