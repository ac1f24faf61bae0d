"""Claims paid after discharge (事后报销) end to end through the real store (SQLite, and
PostgreSQL when TEST_POSTGRES_URL is set): intake → review → payment batch → the bank's answer."""

import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from app.services import (
    Amounts,
    DischargeInput,
    ServiceError,
    register_admission,
    settle_discharge,
)
from app.services.audit import history
from app.services.paid_later import (
    BankAccount,
    BankResult,
    IntakeInput,
    StayInput,
    create_batch,
    due_counts,
    get_batch,
    get_claim,
    list_claims,
    mark_results,
    read_bank_file,
    receive_claim,
    review_claim,
    set_bank_account,
)
from app.settlement import settle_json
from app.workdays import Calendar
from db.models import PaidLaterClaim, PaymentBatch
from tests.store.helpers import admission, count, person, snapshot, tick_all

CLERK = "王"
SUPERVISOR = "李主管"
CARD = "6222020200112233446"  # a 银联 card number with a valid Luhn digit
CALENDAR = Calendar()

JINGJIANG_REFERRAL = ("id_card", "bank_card", "medical_record", "invoice", "referral_papers")


def bank(name="测试1", card=CARD):
    return BankAccount(account_name=name, bank="靖江农村商业银行", card_number=card)


def intake(
    store,
    who,
    *,
    policy,
    facility,
    materials,
    total="20000.00",
    basic="12000.00",
    admitted=date(2026, 3, 2),
    discharged=date(2026, 3, 12),
    category="minimum_living",
    hospital="靖江市人民医院",
    now=datetime(2026, 3, 13, 10, 0),
    card=CARD,
    **stay,
):
    form = IntakeInput(
        stay=StayInput(
            person=who,
            hospital=hospital,
            facility=facility,
            admitted_on=admitted,
            discharged_on=discharged,
            category=category,
            insurance="resident",
            policy=policy,
            **stay,
        ),
        amounts=Amounts(total, "0", basic, "0"),
        bank=bank(who.name, card),
        materials=materials,
    )
    return receive_claim(store, form, clerk=CLERK, calendar=CALENDAR, now=now)


def test_a_jingjiang_city_stay_from_intake_to_a_paid_bank_line(
    store, make_site, tmp_path, policies
):
    make_site(code="JJ01", policy="jingjiang", facility="grassroots", name="靖江某镇卫生院")
    who = person(1, "jingjiang")
    # Friday 2026-03-13: reviewed within 2 working days (Tue 03-17), paid within 5 more (03-24)
    claim = intake(store, who, policy="jingjiang", facility="county", materials=JINGJIANG_REFERRAL)
    # 第十九条(二): 市级, resident: (20000 - 12000) × 70 % = 5600
    assert (claim.claim_number, claim.status) == ("JJ01-BX2026-000001", "received")
    assert (claim.base, claim.assistance, claim.payable) == (
        Decimal("8000.00"),
        Decimal("5600.00"),
        Decimal("5600.00"),
    )
    assert (claim.review_due, claim.pay_due) == (date(2026, 3, 17), date(2026, 3, 24))
    result = json.loads(claim.result_json)
    assert result["settle_mode"] == "office"
    assert [s["clause"] for s in result["steps"]][-2:] == ["第二十三条", "第二十三条"]
    assert "打卡支付" in result["steps"][-1]["text"]
    # the same calculator and contract as the window
    assert settle_json(json.loads(claim.claim_json), policies)["assistance"] == "5600.00"
    materials = json.loads(claim.materials_json)
    assert materials[0]["clause"] == "第二十四条(一)"

    with store.read() as session:
        assert due_counts(session, date(2026, 3, 17)) == (1, 0)
        assert due_counts(session, date(2026, 3, 18)) == (0, 1)

    review_claim(store, claim.claim_number, supervisor=SUPERVISOR, approve=True)
    batch = create_batch(store, clerk=CLERK)
    assert (batch.batch_number, batch.count, batch.total) == (
        "JJ01-DF2026-000001",
        1,
        Decimal("5600.00"),
    )
    bank_file = tmp_path / "回执.csv"
    bank_file.write_text(f"报销单号,结果,失败原因\n{claim.claim_number},成功,\n", encoding="gbk")
    mark_results(store, batch.batch_number, read_bank_file(bank_file), clerk=CLERK)
    with store.read() as session:
        paid = get_claim(session, claim.claim_number)
        assert paid.status == "paid" and paid.paid_at is not None
        line = get_batch(session, batch.batch_number).lines[0]
        assert (line.result, line.amount, line.card_number) == ("paid", Decimal("5600.00"), CARD)
        actions = [e.action for e in history(session, "paid_later_claim", claim.claim_number)]
        assert actions == ["create", "approve", "paid"]


def test_a_failed_bank_line_goes_back_to_the_queue_and_into_the_next_batch(store, make_site):
    make_site(code="JJ01", policy="jingjiang", facility="grassroots")
    claim = intake(
        store,
        person(2, "jingjiang"),
        policy="jingjiang",
        facility="county",
        materials=JINGJIANG_REFERRAL,
    )
    review_claim(store, claim.claim_number, supervisor=SUPERVISOR, approve=True)
    first = create_batch(store, clerk=CLERK)
    with pytest.raises(ServiceError) as refused:
        mark_results(
            store, first.batch_number, [BankResult(claim.claim_number, False)], clerk=CLERK
        )
    assert refused.value.field == "failure_reason"
    mark_results(
        store,
        first.batch_number,
        [BankResult(claim.claim_number, False, "户名与卡号不符")],
        clerk=CLERK,
    )
    with store.read() as session:
        assert get_claim(session, claim.claim_number).status == "approved"
        assert [r.claim_number for r in list_claims(session, "approved")] == [claim.claim_number]
    second = create_batch(store, clerk=CLERK)
    assert second.batch_number == "JJ01-DF2026-000002"
    mark_results(store, second.batch_number, [BankResult(claim.claim_number, True)], clerk=CLERK)
    with store.read() as session:
        assert get_claim(session, claim.claim_number).status == "paid"
        lines = [get_batch(session, b).lines[0] for b in (first.batch_number, second.batch_number)]
        assert [(x.result, x.failure_reason) for x in lines] == [
            ("failed", "户名与卡号不符"),
            ("paid", None),
        ]
    with pytest.raises(ServiceError, match="已登记为已支付"):
        mark_results(
            store, second.batch_number, [BankResult(claim.claim_number, True)], clerk=CLERK
        )


def test_a_bank_file_naming_a_claim_twice_is_refused_whole(store, make_site, tmp_path):
    make_site(code="JJ01", policy="jingjiang", facility="grassroots")
    claim = intake(
        store, person(9, "jingjiang"), policy="jingjiang", facility="county",
        materials=JINGJIANG_REFERRAL,
    )  # fmt: skip
    review_claim(store, claim.claim_number, supervisor=SUPERVISOR, approve=True)
    batch = create_batch(store, clerk=CLERK)
    answer = tmp_path / "回执.csv"
    # headers padded as some banks' exports have them; the same claim paid, then failed
    answer.write_text(
        f" 报销单号 , 结果 ,失败原因\n{claim.claim_number},成功,\n{claim.claim_number},失败,卡已注销\n",
        encoding="utf-8",
    )
    before = snapshot(store)
    with pytest.raises(ServiceError, match="出现了两次"):
        mark_results(store, batch.batch_number, read_bank_file(answer), clerk=CLERK)
    assert snapshot(store) == before
    with pytest.raises(ServiceError, match=f"报销单 {claim.claim_number}：.*换行符"):
        mark_results(
            store, batch.batch_number, [BankResult(claim.claim_number, False, "卡号\n错")],
            clerk=CLERK,
        )  # fmt: skip


def test_a_taierzhuang_out_of_district_stay(store, make_site, policies):
    make_site(code="TE01", policy="taierzhuang", facility="county")
    materials = (
        "id_card",
        "beneficiary_certificate",
        "bank_book",
        "inpatient_invoice",
        "insurance_slip",
    )
    stay = dict(
        policy="taierzhuang",
        facility="outside",
        materials=materials,
        hospital="山东省立医院",
    )
    with pytest.raises(ServiceError) as unreferred:
        intake(store, person(3, "taierzhuang"), **stay)
    assert unreferred.value.field == "referral_approved"
    claim = intake(store, person(3, "taierzhuang"), referral_approved=True, **stay)
    result = json.loads(claim.result_json)
    assert claim.kind == "out_of_area" and result["settle_mode"] == "office"
    assert claim.assistance == Decimal(
        settle_json(json.loads(claim.claim_json), policies)["assistance"]
    )
    assert claim.assistance > 0
    # 10 working days from Fri 2026-03-13 (county's choice, the document names none)
    assert claim.review_due == date(2026, 3, 27)


def test_a_hunan_out_of_county_stay_needs_the_referral_form(store, make_site):
    make_site(code="HN01", policy="hunan", facility="county")
    who = person(4, "hunan")
    common = dict(
        policy="hunan",
        facility="outside",
        hospital="湘雅医院",
        category="registered_poor",
        referral_number="ZZ-2026-001",
        referral_approved=True,
    )
    with pytest.raises(ServiceError) as refused:
        intake(store, who, materials=("id_card", "insurance_card"), **common)
    assert refused.value.field == "materials" and "转诊单" in str(refused.value)
    claim = intake(store, who, materials=("referral_form", "id_card", "insurance_card"), **common)
    result = json.loads(claim.result_json)
    assert result["settle_mode"] == "office"
    assert claim.payable == sum(
        (Decimal(x["amount"]) for x in result["layers"] if x["fund"] != "hospital"), Decimal(0)
    )
    assert claim.payable > 0


def test_a_lanxi_manual_claim_is_refused_after_30_june_of_the_next_year(store, make_site):
    make_site()
    who = person(5)
    materials = ("invoice", "discharge_summary", "cost_list")
    stay = dict(
        policy="lanxi",
        facility="county",
        materials=materials,
        hospital="金华市中心医院",
        admitted=date(2025, 5, 1),
        discharged=date(2025, 5, 10),
        category="destitute",
    )
    before = snapshot(store)
    with pytest.raises(ServiceError) as late:
        intake(store, who, now=datetime(2026, 7, 1, 9, 0), **stay)
    assert late.value.field == "discharged_on"
    assert "2026-06-30" in str(late.value) and "三(二)3" in str(late.value)
    assert snapshot(store) == before
    claim = intake(store, who, now=datetime(2026, 6, 30, 16, 0), **stay)
    # 特困 100 %: 20000 - 12000 = 8000, counted in the stay's year 2025
    assert (claim.kind, claim.year, claim.payable) == ("manual", 2025, Decimal("8000.00"))


def _lanxi_window_settlement(store, who, total, basic, when):
    form = admission(
        who, number=f"ZY{when:%m%d}{who.id_number[-4:]}", admitted_at=when, category="destitute"
    )
    admission_id = register_admission(store, form, clerk=CLERK, now=when).admission_id
    tick_all(store, admission_id)
    discharge = DischargeInput(
        admission_id, when.replace(day=when.day + 5), Amounts(total, "0", basic)
    )
    return settle_discharge(store, discharge, clerk=CLERK, now=datetime(2026, 12, 1))


def test_caps_are_shared_with_the_window_settlements_of_the_same_person_and_year(store, make_site):
    make_site()  # 兰溪: 特困 100 %, inpatient cap 80,000 a year
    who = person(6)
    window = _lanxi_window_settlement(store, who, "100000.00", "25000.00", datetime(2026, 2, 1, 8))
    assert window.assistance == Decimal("75000.00")
    materials = ("invoice", "discharge_summary", "cost_list")
    claim = intake(
        store,
        who,
        policy="lanxi",
        facility="county",
        materials=materials,
        category="destitute",
        now=datetime(2026, 4, 1, 9),
    )
    # 8000 of base, only 80000 - 75000 = 5000 left under the cap
    assert claim.assistance == Decimal("5000.00")
    assert json.loads(claim.claim_json)["year_to_date"]["inpatient"]["assistance"] == "75000.00"
    assert json.loads(claim.result_json)["cap_remaining"] == "0.00"

    # and the other way: a claim counted before the window's next settlement
    other = person(7)
    first = intake(
        store,
        other,
        policy="lanxi",
        facility="county",
        materials=materials,
        category="destitute",
        total="90000.00",
        basic="12000.00",
        now=datetime(2026, 4, 1, 9),
    )
    assert first.assistance == Decimal("78000.00")
    later = _lanxi_window_settlement(store, other, "20000.00", "10000.00", datetime(2026, 6, 1, 8))
    assert later.assistance == Decimal("2000.00")


def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(store, make_site):
    make_site(code="JJ01", policy="jingjiang", facility="grassroots")
    who = person(8, "jingjiang")
    base = dict(policy="jingjiang", facility="county", materials=JINGJIANG_REFERRAL)
    before = snapshot(store)
    cases = {
        "card_number": dict(card="6222020200112233445"),  # wrong Luhn digit
        "total": dict(total="2０000"),  # a full-width digit, as the window refuses it
        "basic_insurance": dict(basic="30000.00"),  # more than the bill
        "materials": dict(materials=JINGJIANG_REFERRAL[:-1]),
        "facility": dict(facility="grassroots"),  # settled at the window, not afterwards
        # a wrong year: the whole span would count as this stay (and 1900 as well)
        "admitted_on": dict(admitted=date(2025, 3, 2)),
    }
    for field, change in cases.items():
        with pytest.raises(ServiceError) as refused:
            intake(store, who, **{**base, **change})
        fields = {e.field for e in getattr(refused.value, "errors", [refused.value])}
        assert field in fields, (field, str(refused.value))
        assert snapshot(store) == before
    claim = intake(store, who, **base)
    with pytest.raises(ServiceError) as twice:
        intake(store, who, **base)
    assert twice.value.field == "admitted_on" and claim.claim_number in str(twice.value)
    assert count(store, PaidLaterClaim) == 1
    # a returned claim may be brought again
    with pytest.raises(ServiceError) as no_reason:
        review_claim(store, claim.claim_number, supervisor=SUPERVISOR, approve=False)
    assert no_reason.value.field == "return_reason"
    with pytest.raises(ServiceError, match="不可见字符") as blank:
        review_claim(
            store, claim.claim_number, supervisor=SUPERVISOR, approve=False, reason="\u200b"
        )
    assert blank.value.field == "return_reason"
    review_claim(
        store, claim.claim_number, supervisor=SUPERVISOR, approve=False, reason="出院小结缺页"
    )
    again = intake(store, who, **base)
    assert again.claim_number == "JJ01-BX2026-000002"
    with pytest.raises(ServiceError):
        create_batch(store, clerk=CLERK)  # nothing approved yet
    assert count(store, PaymentBatch) == 0


def test_review_needs_a_supervisor(store, make_site):
    from app.accounts.service import change_password, create_user, login

    make_site(code="JJ01", policy="jingjiang", facility="grassroots")
    create_user(store, None, "管理员甲", "administrator", "Qz7#kLm2pXw9")
    admin = login(store, "管理员甲", "Qz7#kLm2pXw9")
    create_user(store, admin, "经办员乙", "clerk", "Qz7#kLm2pXw8")
    clerk = change_password(store, "经办员乙", "Qz7#kLm2pXw8", "Qz7#kLm2pXw7")
    claim = intake(
        store,
        person(9, "jingjiang"),
        policy="jingjiang",
        facility="county",
        materials=JINGJIANG_REFERRAL,
    )
    with pytest.raises(ServiceError) as refused:
        review_claim(store, claim.claim_number, supervisor=clerk, approve=True)
    assert refused.value.field == "supervisor"
    assert "审核事后报销须由主管操作，经办员乙 是经办员" in str(refused.value)
    # The administrator's name alone, without their session, proves nothing.
    with pytest.raises(ServiceError, match="“管理员甲”未登录"):
        review_claim(store, claim.claim_number, supervisor="管理员甲", approve=True)
    review_claim(store, claim.claim_number, supervisor=admin, approve=True)


def test_scans_are_attached_to_the_materials_they_show(store, make_site, tmp_path):
    make_site(code="JJ01", policy="jingjiang", facility="grassroots")
    scan = tmp_path / "发票.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"invoice scan")
    form = IntakeInput(
        stay=StayInput(
            person(10, "jingjiang"),
            "靖江市人民医院",
            "county",
            date(2026, 3, 2),
            date(2026, 3, 12),
            "minimum_living",
            "resident",
        ),
        amounts=Amounts("20000.00", "0", "12000.00"),
        bank=bank("测试10"),
        materials=JINGJIANG_REFERRAL,
        scans={"invoice": scan},
    )
    claim = receive_claim(store, form, clerk=CLERK, calendar=CALENDAR, now=datetime(2026, 3, 13))
    materials = {m["code"]: m for m in json.loads(claim.materials_json)}
    assert materials["invoice"]["scan"] is not None and materials["id_card"]["scan"] is None
    assert (store.scans_dir / materials["invoice"]["scan"][:2]).is_dir()
    with pytest.raises(ServiceError) as wrong:
        receive_claim(
            store,
            IntakeInput(form.stay, form.amounts, form.bank, form.materials, {"x": scan}),
            clerk=CLERK,
            calendar=CALENDAR,
            now=datetime(2026, 3, 13),
        )
    assert wrong.value.field == "scan"


def test_a_claim_with_nothing_to_pay_is_done_when_approved(store, make_site):
    make_site()
    who = person(6)
    # 兰溪 第四类 (因病致贫): nothing under the year's 20000 deductible; base 8000 here.
    claim = intake(
        store,
        who,
        policy="lanxi",
        facility="county",
        materials=("invoice", "discharge_summary", "cost_list"),
        hospital="金华市中心医院",
        category="illness_poverty",
    )
    assert (claim.base, claim.payable) == (Decimal("8000.00"), Decimal("0.00"))
    done = review_claim(store, claim.claim_number, supervisor=SUPERVISOR, approve=True)
    assert done.status == "paid" and done.paid_at is not None
    with store.read() as session:
        assert due_counts(session, date(2027, 1, 1)) == (0, 0)  # never overdue
    # It still counts: the next stay of the year starts 8000 into the deductible.
    later = intake(
        store,
        who,
        policy="lanxi",
        facility="county",
        materials=("invoice", "discharge_summary", "cost_list"),
        hospital="金华市中心医院",
        category="illness_poverty",
        admitted=date(2026, 4, 2),
        discharged=date(2026, 4, 12),
        now=datetime(2026, 4, 13, 10, 0),
        total="30000.00",
        basic="10000.00",
    )
    assert later.payable == Decimal("4000.00")  # (8000 + 20000 − 20000) × 50 %


def test_what_if_replays_claims_paid_after_discharge_in_their_place(store, make_site, policies):
    from app.whatif import replay_year

    make_site()
    who = person(8)
    # 特困 100 %, cap 80000: a claim of 5000 (15000 − 10000) first, then a window stay
    claim = intake(
        store,
        who,
        policy="lanxi",
        facility="county",
        materials=("invoice", "discharge_summary", "cost_list"),
        hospital="金华市中心医院",
        category="destitute",
        total="15000.00",
        basic="10000.00",
    )
    stay = _lanxi_window_settlement(store, who, "110000.00", "30000.00", datetime(2026, 5, 1, 8))
    assert (claim.payable, stay.assistance) == (Decimal("5000.00"), Decimal("75000.00"))
    # The installed file itself, replayed: nothing may change, the claim among the cases.
    run = replay_year(store, policies["lanxi"], 2026)
    assert run.difference == Decimal("0.00")
    assert [case.slip_number for case in run.cases] == [claim.claim_number, stay.slip_number]
    assert run.today.assistance == run.draft.assistance == Decimal("80000.00")


def test_the_supervisor_who_took_a_claim_in_cannot_approve_it(store, make_site):
    make_site(code="JJ01", policy="jingjiang", facility="grassroots")
    claim = intake(
        store, person(7, "jingjiang"), policy="jingjiang", facility="county",
        materials=JINGJIANG_REFERRAL,
    )  # fmt: skip
    with pytest.raises(ServiceError, match="录入与审核不能是同一人") as refused:
        review_claim(store, claim.claim_number, supervisor=CLERK, approve=True)
    assert refused.value.field == "supervisor" and f"由 {CLERK} 录入" in str(refused.value)
    with store.read() as session:
        assert get_claim(session, claim.claim_number).status == "received"
    approved = review_claim(store, claim.claim_number, supervisor=SUPERVISOR, approve=True)
    assert (approved.status, approved.reviewed_by) == ("approved", SUPERVISOR)


def test_a_new_account_on_an_approved_claim_is_approved_again_by_someone_else(store, make_site):
    make_site(code="JJ01", policy="jingjiang", facility="grassroots")
    claim = intake(
        store, person(8, "jingjiang"), policy="jingjiang", facility="county",
        materials=JINGJIANG_REFERRAL,
    )  # fmt: skip
    review_claim(store, claim.claim_number, supervisor=SUPERVISOR, approve=True)
    other = "6222020200112233461"
    changed = set_bank_account(store, claim.claim_number, bank("某某", other), clerk=SUPERVISOR)
    assert (changed.status, changed.reviewed_by) == ("received", None)
    with pytest.raises(ServiceError, match="代发清单为空"):
        create_batch(store, clerk=CLERK)
    # whoever typed the new account may not pass it, not even the supervisor who approved before
    with pytest.raises(ServiceError, match=f"由 {SUPERVISOR} 录入"):
        review_claim(store, claim.claim_number, supervisor=SUPERVISOR, approve=True)
    review_claim(store, claim.claim_number, supervisor="赵主管", approve=True)
    batch = create_batch(store, clerk=CLERK)
    with store.read() as session:
        line = get_batch(session, batch.batch_number).lines[0]
        assert (line.account_name, line.card_number) == ("某某", other)
        events = history(session, "paid_later_claim", claim.claim_number)
        change = json.loads(events[2].changes_json)
        assert change["status"] == ["approved", "received"]
        assert [e.action for e in events] == ["create", "approve", "change", "approve"]


def test_a_bank_file_that_cannot_be_read_is_named_in_chinese(tmp_path):
    with pytest.raises(ServiceError, match="文件不存在") as missing:
        read_bank_file(tmp_path / "回执.csv")
    assert missing.value.field == "bank_file" and "No such file" not in str(missing.value)
    with pytest.raises(ServiceError, match="文件夹，不是文件"):
        read_bank_file(tmp_path)
