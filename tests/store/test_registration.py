"""入院备案登记: eligibility up front, deadlines, one open admission, roster or a reason."""

from datetime import date, datetime, timedelta

import pytest

from app.services import ServiceError, register_admission
from app.services.people import find_person, status_history
from tests.store.helpers import admission, person, snapshot

CLERK = "王"
ADMITTED = datetime(2026, 3, 1, 9, 0)


def _refused(store, form, field, words, **kw):
    before = snapshot(store)
    with pytest.raises(ServiceError) as refused:
        register_admission(store, form, clerk=CLERK, now=ADMITTED + timedelta(hours=1), **kw)
    assert refused.value.field == field
    assert words in str(refused.value)
    assert str(refused.value).startswith(refused.value.label)
    assert snapshot(store) == before


def test_wrong_id_check_digit(store, make_site):
    make_site()
    who = person(1)
    last = "0" if who.id_number[-1] != "0" else "1"
    who.id_number = who.id_number[:17] + last
    _refused(store, admission(who), "id_number", "校验位")


def test_sex_and_birth_date_must_agree_with_the_id(store, make_site):
    make_site()
    wrong_sex = person(1, sex="F")
    wrong_sex.sex = "男"
    _refused(store, admission(wrong_sex), "sex", "与身份证号不符")
    wrong_birth = person(1, born=date(1958, 4, 9))
    wrong_birth.birth_date = "1958-04-10"
    _refused(store, admission(wrong_birth), "birth_date", "1958-04-09")


def test_eligibility_is_checked_up_front(store, make_site):
    make_site(code="TEZ01", policy="taierzhuang")  # 台儿庄: resident insurance only
    who = person(2, policy="taierzhuang")
    _refused(store, admission(who, insurance="employee"), "insurance", "城乡居民医保")
    _refused(store, admission(who, category="near_poverty"), "category", "不救助")
    _refused(store, admission(who, facility="outside"), "referral", "转诊")


def test_a_second_open_admission_is_refused(store, make_site):
    make_site()
    register_admission(store, admission(person(3)), clerk=CLERK, now=ADMITTED)
    _refused(store, admission(person(3), number="ZY002"), "admission", "未出院")
    _refused(store, admission(person(4), number="ZY001"), "admission_number", "已登记")


def test_off_roster_needs_a_reason_which_is_kept(store, make_site):
    make_site()
    _refused(store, admission(person(5), off_roster_reason=" "), "off_roster_reason", "名册")
    done = register_admission(store, admission(person(5)), clerk=CLERK, now=ADMITTED)
    assert any("名册尚未下发" in warning for warning in done.warnings)
    with store.read() as session:
        found = find_person(session, person(5).id_number)
        assert [s.source for s in status_history(session, found.id)] == ["窗口登记（不在名册）"]


def test_jingjiang_filing_deadlines_warn(store, make_site):
    make_site(code="JJ01", policy="jingjiang", facility="grassroots")
    late = register_admission(
        store,
        admission(person(6, policy="jingjiang")),
        clerk=CLERK,
        now=ADMITTED + timedelta(hours=49),
    )
    assert [d.met for d in late.deadlines] == [False]
    assert any("48小时" in w and "第二十二条" in w for w in late.warnings)
    on_time = register_admission(
        store,
        admission(person(7, policy="jingjiang"), number="ZY007"),
        clerk=CLERK,
        now=ADMITTED + timedelta(hours=47),
    )
    assert [d.met for d in on_time.deadlines] == [True]
    assert not any("时限" in w for w in on_time.warnings)


def test_jingjiang_referral_deadline_is_72_hours(store, make_site):
    make_site(code="JJ02", policy="jingjiang", facility="county")
    form = admission(
        person(8, policy="jingjiang"),
        referral_at=ADMITTED - timedelta(hours=1),
    )
    done = register_admission(store, form, clerk=CLERK, now=ADMITTED + timedelta(hours=72))
    assert [(d.due, d.met) for d in done.deadlines] == [(ADMITTED + timedelta(hours=71), False)]
    assert any("72小时" in w for w in done.warnings)


def test_a_referral_without_its_time_counts_from_admission(store, make_site):
    make_site(code="JJ03", policy="jingjiang", facility="county")
    form = admission(
        person(9, policy="jingjiang"), referral_approved=True, referral_number="JZ-2026-17"
    )
    done = register_admission(store, form, clerk=CLERK, now=ADMITTED + timedelta(hours=10))
    assert [(d.due, d.met) for d in done.deadlines] == [(ADMITTED + timedelta(hours=72), True)]
    plain = register_admission(
        store,
        admission(person(10, policy="jingjiang"), number="ZY010"),
        clerk=CLERK,
        now=ADMITTED + timedelta(hours=100),
    )
    assert plain.deadlines == []  # not referred, not grassroots: no filing deadline applies
