"""Issue 16 point 8: each seed's form printed from a real store (a SQLite file, cases entered
through the services) with the fields the seeds ask for, read back with pdftotext."""

import dataclasses
from datetime import datetime
from decimal import Decimal

import pytest

from app.applicant import GUARDIAN, Filler
from app.printing.forms import print_form
from app.services import (
    Amounts,
    DischargeInput,
    ItemUpdate,
    checklist,
    register_admission,
    save_site,
    settle_discharge,
    update_item,
)
from app.services.paid_later import BankAccount
from app.services.paperwork import record_paperwork
from db import open_store
from tests.store.helpers import admission, person, tick_all

CARD = "6222020200112233446"
SITES = {
    "HN01": ("hunan", "county", "湖南示例县人民医院"),
    "JJ01": ("jingjiang", "grassroots", "靖江市西来镇卫生院"),
    "WH01": ("weihai", "grassroots", "威海经区医院"),
    "LX01": ("lanxi", "county", "兰溪市人民医院"),
}


@pytest.fixture
def store(tmp_path):
    opened = open_store(str(tmp_path / "desk.sqlite3"), data_dir=tmp_path / "data")
    for code, (policy, facility, name) in SITES.items():
        save_site(
            opened, code=code, name=name, facility=facility, default_policy=policy,
            clerk="管理员", make_current=False,
        )  # fmt: skip
    yield opened
    opened.close()


def _register(store, site, who, number, admitted_at, **overrides):
    form = admission(who, number, admitted_at, **overrides)
    now = admitted_at.replace(hour=admitted_at.hour + 1)
    return register_admission(store, form, clerk="窗口甲", site_code=site, now=now).admission_id


def _print(store, form, number, site):
    with store.read() as session:
        return print_form(session, form, number, site_code=site)


def test_hunan_referral_prints_the_stored_insurance_card(store, read_text):
    who = dataclasses.replace(person(7, "hunan"), insurance_card="h4301 0200 0123")
    _register(store, "HN01", who, "HN-0001", datetime(2026, 5, 8, 9), category="registered_poor")
    pages = read_text(_print(store, "referral", "HN-0001", "HN01"))
    assert len(pages) == 3
    for page in pages:
        # beside 社保卡号（医保卡号）, as on the card: no spaces, upper case
        assert "社保卡号" in page and "(医保卡号)" in page
        assert page.count("H430102000123") == 1


def _jingjiang_referral(store, *, both_sides: bool, account: bool = True) -> None:
    who = person(3, "jingjiang", sex="M")
    admission_id = _register(
        store, "JJ01", who, "JJ-0001", datetime(2026, 11, 2, 9),
        category="registered_poor", facility="outside", referral_approved=True,
        referral_number="ZZ-2026-17", referral_from="靖江市人民医院",
        referral_to="省级示例医院", referral_at=datetime(2026, 11, 1, 15),
    )  # fmt: skip
    with store.read() as session:
        items = {item.document_code: item for item in checklist(session, admission_id)}
    # the ID card copied on both sides; the bank card on one side only
    update_item(
        store,
        items["id_card"].id,
        ItemUpdate(copy_kept=True, both_sides_copied=both_sides),
        clerk="窗口甲",
    )
    update_item(store, items["bank_card"].id, ItemUpdate(copy_kept=True), clerk="窗口甲")
    if account:
        record_paperwork(
            store, "JJ-0001", filler=Filler("self"),
            account=BankAccount(who.name, "靖江农村商业银行", CARD), clerk="窗口甲",
            site_code="JJ01",
        )  # fmt: skip


def test_jingjiang_materials_sheet_prints_times_route_approval_and_account(store, read_text):
    _jingjiang_referral(store, both_sides=True)
    page = read_text(_print(store, "materials", "JJ-0001", "JJ01"))[0]
    # 第二十三条: filed at 10:00 the day of admission, the 72 h counted from the referral
    assert "入院时间2026-11-0209:00备案时间2026-11-0210:00" in page
    assert "72小时内备案（第二十三条），截止2026-11-0415:00：按时备案" in page
    assert "转出医院靖江市人民医院转入医院省级示例医院" in page
    assert "市扶贫办书面同意已同意（转诊单号ZZ-2026-17）依据第十五条" in page
    assert f"户名：测试3开户银行：靖江农村商业银行卡号：{CARD}依据第二十三条" in page
    # 正反两面: ticked for the ID card (both sides recorded), not for the bank card (one side)
    rows = _item_rows(page)
    assert rows["救助对象本人身份证正反两面复印件"].count("✓") == 2  # copy + both sides
    assert rows["银行卡正反两面复印件"].count("✓") == 1  # copy only
    assert "正反两面" in page


def _item_rows(page: str) -> dict[str, str]:
    """What follows each material's name up to the next row number."""
    names = ["救助对象本人身份证正反两面复印件", "银行卡正反两面复印件", "特殊病种门诊病历复印件"]
    rows = {}
    for name in names:
        start = page.index(name) + len(name)
        rows[name] = page[start : page.index("第二十四条", start) + 12]
    return rows


def test_jingjiang_sheet_leaves_the_account_to_fill_and_no_tick_for_one_side(store, read_text):
    _jingjiang_referral(store, both_sides=False, account=False)
    page = read_text(_print(store, "materials", "JJ-0001", "JJ01"))[0]
    assert "打卡账户（未登记，请填写）依据第二十三条" in page
    assert _item_rows(page)["救助对象本人身份证正反两面复印件"].count("✓") == 1


def test_a_policy_asking_for_none_of_them_prints_none(store, read_text):
    _register(store, "LX01", person(4, "lanxi"), "LX-0001", datetime(2026, 5, 8, 9))
    page = read_text(_print(store, "materials", "LX-0001", "LX01"))[0]
    for absent in ("备案时间", "转入医院", "打卡账户", "书面同意", "正反两面"):
        assert absent not in page, absent


def test_weihai_application_prints_filler_household_and_account(store, read_text):
    who = dataclasses.replace(person(5, "weihai"), household_size="4", household_income="31200.00")
    admission_id = _register(
        store, "WH01", who, "WH-0001", datetime(2026, 4, 28, 9),
        category="low_income", insurance="employee",
    )  # fmt: skip
    tick_all(store, admission_id)
    settle_discharge(
        store,
        DischargeInput(
            admission_id,
            datetime(2026, 5, 10, 10),
            Amounts("62000.00", "2000.00", "30000.00", "5000.00"),
        ),
        clerk="窗口甲",
        now=datetime(2026, 5, 10, 10, 30),
    )
    record_paperwork(
        store, "WH-0001", filler=Filler(GUARDIAN, "测试监护", "父亲"),
        account=BankAccount("测试监护", "威海市商业银行", CARD), clerk="窗口甲", site_code="WH01",
    )  # fmt: skip
    pages = read_text(_print(store, "application", "WH-0001", "WH01"))
    assert len(pages) == 3
    for page in pages:
        assert "家庭人口4人家庭年收入31200.00元" in page
        assert "✓监护人" in page and "✓本人" not in page and "✓直系亲属" not in page
        assert "代填人测试监护与申请人关系父亲" in page
        assert f"发放账户（四）户名：测试监护开户银行：威海市商业银行卡号：{CARD}" in page


def test_the_stored_income_is_exact(store):
    who = dataclasses.replace(person(6, "weihai"), household_income="0.10")
    _register(store, "WH01", who, "WH-0002", datetime(2026, 4, 28, 9), category="low_income",
              insurance="employee")  # fmt: skip
    from sqlalchemy import select

    from db.models import Person

    with store.read() as session:
        assert session.scalars(select(Person.household_income)).one() == Decimal("0.10")
