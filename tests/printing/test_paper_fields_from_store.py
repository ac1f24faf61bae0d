"""Issue 16 point 8: each seed's form printed from a real store (a SQLite file, cases entered
through the services) with the fields the seeds ask for, read back with pdftotext."""

import dataclasses
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.applicant import GUARDIAN, Filler
from app.printing.forms import print_form
from db import open_store
from db.models import Person
from tests.printing.paper_cases import (
    CARD,
    add_sites,
    jingjiang_referral,
    register,
    weihai_year_end,
)
from tests.store.helpers import person


@pytest.fixture
def store(tmp_path):
    opened = open_store(str(tmp_path / "desk.sqlite3"), data_dir=tmp_path / "data")
    add_sites(opened)
    yield opened
    opened.close()


def _print(store, form, number, site):
    with store.read() as session:
        return print_form(session, form, number, site_code=site)


def test_hunan_referral_prints_the_stored_insurance_card(store, read_text):
    who = dataclasses.replace(person(7, "hunan"), insurance_card="h4301 0200 0123")
    register(store, "HN01", who, "HN-0001", datetime(2026, 5, 8, 9), category="registered_poor")
    pages = read_text(_print(store, "referral", "HN-0001", "HN01"))
    assert len(pages) == 3
    for page in pages:
        # beside 社保卡号（医保卡号）, as on the card: no spaces, upper case
        assert "社保卡号" in page and "(医保卡号)" in page
        assert page.count("H430102000123") == 1


def test_jingjiang_materials_sheet_prints_times_route_approval_and_account(store, read_text):
    jingjiang_referral(store, both_sides=True)
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
    jingjiang_referral(store, both_sides=False, account=False)
    page = read_text(_print(store, "materials", "JJ-0001", "JJ01"))[0]
    assert "打卡账户（未登记，请填写）依据第二十三条" in page
    assert _item_rows(page)["救助对象本人身份证正反两面复印件"].count("✓") == 1


def test_a_policy_asking_for_none_of_them_prints_none(store, read_text):
    register(store, "LX01", person(4, "lanxi"), "LX-0001", datetime(2026, 5, 8, 9))
    page = read_text(_print(store, "materials", "LX-0001", "LX01"))[0]
    for absent in ("备案时间", "转入医院", "打卡账户", "书面同意", "正反两面"):
        assert absent not in page, absent


def test_weihai_application_prints_filler_household_and_account(store, read_text):
    who = dataclasses.replace(person(5, "weihai"), household_size="4", household_income="31200.00")
    weihai_year_end(store, who, Filler(GUARDIAN, "测试监护", "父亲"), "测试监护")
    pages = read_text(_print(store, "application", "WH-0001", "WH01"))
    assert len(pages) == 3
    for page in pages:
        assert "家庭人口4人家庭年收入31200.00元" in page
        assert "✓监护人" in page and "✓本人" not in page and "✓直系亲属" not in page
        assert "代填人测试监护与申请人关系父亲" in page
        assert f"发放账户（四）户名：测试监护开户银行：威海市商业银行卡号：{CARD}" in page


def test_the_stored_income_is_exact(store):
    who = dataclasses.replace(person(6, "weihai"), household_income="0.10")
    register(store, "WH01", who, "WH-0002", datetime(2026, 4, 28, 9), category="low_income",
              insurance="employee")  # fmt: skip
    with store.read() as session:
        assert session.scalars(select(Person.household_income)).one() == Decimal("0.10")
