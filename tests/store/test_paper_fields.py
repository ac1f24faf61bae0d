"""The fields the seeds' forms ask for, through the services into a real store (SQLite, and
PostgreSQL when TEST_POSTGRES_URL is set): 社保卡号 and household at registration, who filled
in the application and the bank account on the case, both sides of a copy; each refusal names
its field in Chinese and saves nothing; migration 0014 keeps what was stored."""

import dataclasses
import json
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.applicant import GUARDIAN, RELATIVE, SELF, Filler
from app.errors import FieldErrors
from app.forms import registration_errors
from app.services import (
    ItemUpdate,
    ServiceError,
    checklist,
    register_admission,
    save_site,
    update_item,
)
from app.services.paid_later import BankAccount
from app.services.paperwork import record_paperwork
from db import open_store
from db.engine import make_engine
from db.migrate import downgrade
from db.models import Admission, AuditEvent, ChecklistItem, Person
from tests.store.helpers import admission, person, snapshot

CARD = "6222020200112233446"  # a 银联 card number with a valid Luhn digit


@pytest.fixture
def jingjiang(store):
    save_site(
        store, code="JJ01", name="西来镇卫生院", facility="grassroots", default_policy="jingjiang",
        clerk="管理员",
    )  # fmt: skip
    return store


def _register(store, who=None, number="ZY001", **overrides):
    who = who or person(1, "jingjiang")
    form = admission(who, number, category="registered_poor", **overrides)
    now = form.admitted_at.replace(hour=10)
    return register_admission(store, form, clerk="王", now=now)


def _person(store) -> Person:
    with store.read() as session:
        return session.scalars(select(Person)).one()


def test_registration_keeps_the_card_and_household_with_the_person(jingjiang):
    who = dataclasses.replace(
        person(1, "jingjiang"),
        insurance_card=" h1234 5678 ",
        household_size="3",
        household_income="24000.50",
    )
    _register(jingjiang, who)
    stored = _person(jingjiang)
    assert stored.insurance_card == "H12345678"  # as on the card: no spaces, upper case
    assert (stored.household_size, stored.household_income) == (3, Decimal("24000.50"))


@pytest.mark.parametrize(
    ("changes", "field", "label", "words"),
    [
        ({"insurance_card": "H1234５678"}, "insurance_card", "社保卡号（医保卡号）", "全角"),
        ({"insurance_card": "H12"}, "insurance_card", "社保卡号（医保卡号）", "现为3位"),
        ({"insurance_card": "H1234-5678"}, "insurance_card", "社保卡号（医保卡号）", "字母或数字"),
        ({"household_size": "0"}, "household_size", "家庭人口", "1到99的整数"),
        ({"household_size": "三"}, "household_size", "家庭人口", "1到99的整数"),
        ({"household_income": "1,200"}, "household_income", "家庭年收入", "“,”"),
    ],
)
def test_a_bad_card_or_household_is_refused_naming_the_field(
    jingjiang, changes, field, label, words
):
    who = dataclasses.replace(person(1, "jingjiang"), **changes)
    form = admission(who, category="registered_poor")
    # the form shows it as typed, and the service refuses it with the same words
    shown = {error.field: error for error in registration_errors(form, now=datetime(2026, 3, 2))}
    assert words in shown[field].message
    before = snapshot(jingjiang)
    with pytest.raises(FieldErrors) as refused:
        register_admission(jingjiang, form, clerk="王", now=datetime(2026, 3, 1, 10))
    error = refused.value.on(field)
    assert error is not None and str(error).startswith(f"{label}：") and words in str(error)
    assert snapshot(jingjiang) == before


def test_a_known_person_registered_again_gets_the_new_card_audited(jingjiang):
    first = _register(jingjiang)
    with jingjiang.write() as session:
        row = session.get(Admission, first.admission_id)
        row.discharged_at = datetime(2026, 3, 5)
    who = dataclasses.replace(person(1, "jingjiang"), insurance_card="H87654321")
    _register(jingjiang, who, "ZY002", admitted_at=datetime(2026, 3, 10, 9))
    assert _person(jingjiang).insurance_card == "H87654321"
    # left empty next time: what is stored stays
    with jingjiang.write() as session:
        session.scalars(select(Admission)).all()[-1].discharged_at = datetime(2026, 3, 12)
    _register(jingjiang, person(1, "jingjiang"), "ZY003", admitted_at=datetime(2026, 3, 20, 9))
    assert _person(jingjiang).insurance_card == "H87654321"
    with jingjiang.read() as session:
        changes = [
            json.loads(event.changes_json)
            for event in session.scalars(select(AuditEvent).where(AuditEvent.entity == "person"))
            if event.action == "change"
        ]
    assert changes == [{"insurance_card": [None, "H87654321"]}]


def test_paperwork_keeps_the_filler_and_the_account_on_the_case(jingjiang):
    _register(jingjiang)
    account = BankAccount("测试1", "靖江农村商业银行", "6222 0202 0011 2233 446")
    kept = record_paperwork(
        jingjiang, "ZY001", filler=Filler(GUARDIAN, "测试监护", "父亲"), account=account,
        clerk="王",
    )  # fmt: skip
    assert (kept.filled_by_kind, kept.filled_by_name, kept.filled_by_relation) == (
        GUARDIAN, "测试监护", "父亲",
    )  # fmt: skip
    assert kept.card_number == CARD  # stored without the spaces it was typed with
    # 本人: a name typed before is not kept
    again = record_paperwork(
        jingjiang, "zy001", filler=Filler(SELF, "测试监护", "父亲"), account=account, clerk="王"
    )
    assert (again.filled_by_kind, again.filled_by_name, again.filled_by_relation) == (SELF, "", "")
    with jingjiang.read() as session:
        events = session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "admission", AuditEvent.action == "change"
            )
        ).all()
    assert [json.loads(event.changes_json)["filled_by_kind"] for event in events] == [
        [None, GUARDIAN],
        [GUARDIAN, SELF],
    ]


@pytest.mark.parametrize(
    ("filler", "account", "field", "label"),
    [
        (Filler(RELATIVE, "", "女儿"), None, "filled_by_name", "代填人姓名"),
        (Filler(GUARDIAN, "测试监护", " "), None, "filled_by_relation", "与申请人关系"),
        (Filler("neighbour"), None, "filled_by_kind", "填表人"),
        (
            Filler(SELF),
            BankAccount("测试1", "银行", "6222020200112233445"),
            "card_number",
            "银行卡号",
        ),
        (Filler(SELF), BankAccount("", "银行", CARD), "account_name", "户名"),
    ],
)
def test_bad_paperwork_is_refused_naming_the_field(jingjiang, filler, account, field, label):
    _register(jingjiang)
    before = snapshot(jingjiang)
    with pytest.raises(ServiceError) as refused:
        record_paperwork(jingjiang, "ZY001", filler=filler, account=account, clerk="王")
    error = refused.value.on(field) if isinstance(refused.value, FieldErrors) else refused.value
    assert error.field == field and str(error).startswith(f"{label}：")
    assert snapshot(jingjiang) == before


def _items(store, admission_id) -> dict[str, ChecklistItem]:
    with store.read() as session:
        return {item.document_code: item for item in checklist(session, admission_id)}


def test_both_sides_are_recorded_only_where_asked_and_imply_a_copy(jingjiang):
    registered = _register(
        jingjiang, facility="outside", referral_approved=True, referral_number="ZZ-1"
    )
    items = _items(jingjiang, registered.admission_id)
    id_card, record = items["id_card"], items["medical_record"]
    assert id_card.both_sides and not record.both_sides
    update_item(jingjiang, id_card.id, ItemUpdate(both_sides_copied=True), clerk="王")
    marked = _items(jingjiang, registered.admission_id)["id_card"]
    assert marked.copy_kept and marked.both_sides_copied
    with pytest.raises(ServiceError, match=r"^正反两面：.*不要求复印正反两面"):
        update_item(jingjiang, record.id, ItemUpdate(both_sides_copied=True), clerk="王")
    # a copy no longer kept has no sides either
    update_item(jingjiang, id_card.id, ItemUpdate(copy_kept=False), clerk="王")
    unmarked = _items(jingjiang, registered.admission_id)["id_card"]
    assert not unmarked.copy_kept and not unmarked.both_sides_copied


def test_migration_0014_keeps_what_was_stored(jingjiang, store_target, tmp_path):
    registered = _register(jingjiang)
    items = _items(jingjiang, registered.admission_id)
    update_item(jingjiang, items["id_card"].id, ItemUpdate(copy_kept=True), clerk="王")
    jingjiang.close()
    downgrade(make_engine(store_target), "0013")
    reopened = open_store(store_target, data_dir=tmp_path / "data")
    try:
        assert reopened.migration.before == "0013"
        stored = _person(reopened)
        assert (stored.insurance_card, stored.household_size, stored.household_income) == (
            None, None, None,
        )  # fmt: skip
        id_card = _items(reopened, registered.admission_id)["id_card"]
        # a copy kept before sides were recorded is not claimed to show both
        assert id_card.copy_kept and not id_card.both_sides_copied
        with reopened.read() as session:
            row = session.get(Admission, registered.admission_id)
            assert (row.admission_number, row.filled_by_kind, row.card_number) == (
                "ZY001",
                None,
                None,
            )
        record_paperwork(reopened, "ZY001", filler=Filler(SELF), account=None, clerk="王")
    finally:
        reopened.close()


def test_a_year_end_claim_is_paid_into_the_account_recorded_with_the_stay(store):
    from app.services.paid_later import year_end_claims
    from tests.printing.paper_cases import CARD as PAID_INTO
    from tests.printing.paper_cases import add_sites, weihai_year_end

    add_sites(store)
    weihai_year_end(store, person(5, "weihai"), Filler(SELF), "测试5")
    claims = year_end_claims(
        store, "weihai", 2026, clerk="王", site_code="WH01", now=datetime(2027, 1, 5, 9)
    )
    assert [(c.account_name, c.bank, c.card_number) for c in claims] == [
        ("测试5", "威海市商业银行", PAID_INTO)
    ]
