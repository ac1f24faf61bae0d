"""One form for amounts, dates and claim JSON: what is refused, and the message that says why.

Amounts: ASCII digits, at most one ``.`` and two decimals; no sign, exponent, underscore,
thousands separator, full-width or other-script digit. Dates: ``YYYY-MM-DD`` within
1900–2099. Claim JSON: no key twice, no NaN, no deep nesting (exit 2, never a traceback).
"""

import json
from datetime import date
from decimal import Decimal

import pytest

from app.money import AmountError, parse_amount
from app.settlement import ClaimError, parse_request
from tests.test_settle_contract import CONTRACT_CLAIM, run_settle


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("12５0", "第3个字符“５”是全角数字，请用半角数字"),
        ("-1.00", "金额不能为负数（第1个字符“-”）"),
        ("-0", "金额不能为负数（第1个字符“-”）"),
        ("+5", "第1个字符“+”"),
        ("1e5", "第2个字符“e”：不接受科学计数法"),
        ("1E+2", "第2个字符“E”"),
        ("1_000", "第2个字符“_”"),
        ("1,000.00", "第2个字符“,”"),
        ("١٢٣", "第1个字符“١”不是半角阿拉伯数字"),
        ("१२", "第1个字符“१”不是半角阿拉伯数字"),
        ("12．50", "第3个字符“．”是全角句号"),
        ("1\u200b0", "第2个字符（U+200B）"),
        ("1.2.3", "第4个字符“.”：只能有一个小数点"),
        ("Infinity", "第1个字符“I”不是数字"),
        ("100.005", "金额最多两位小数"),
        (".5", "小数点前须有数字"),
        ("5.", "小数点后须有数字"),
        (Decimal("-0.00"), "金额不能为负数"),
        (Decimal("1E+2"), "科学计数法"),
        (-3, "金额不能为负数"),
    ],
)
def test_an_amount_in_any_other_form_names_the_wrong_character(typed, reason):
    with pytest.raises(AmountError) as refused:
        parse_amount(typed)
    assert reason in refused.value.reason


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("1200.50", "1200.50"), (" 7 ", "7.00"), ("0", "0.00"), (15, "15.00"), ("0.5", "0.50")],
)
def test_the_one_form_is_accepted(typed, amount):
    assert parse_amount(typed) == Decimal(amount)


def claim(**changes) -> dict:
    return {**CONTRACT_CLAIM, **changes}


@pytest.mark.parametrize(
    "sent",
    [
        *("20260510", "2026-W19-1", "2026-05-10T00:00", "2026/05/10", "２026-05-10", "2026-5-10"),
        *("0001-01-01", "1899-12-31", "2100-01-01", "9999-12-31", " "),
    ],
)
def test_a_claim_date_other_than_iso_in_range_is_refused(sent):
    with pytest.raises(ClaimError) as refused:
        parse_request(claim(date=sent))
    assert refused.value.field.startswith("date")


def test_the_refusal_names_the_field_and_the_character():
    with pytest.raises(ClaimError) as refused:
        parse_request(claim(total="52０00.00"))
    assert str(refused.value) == ("字段 total（医疗总费用）：第3个字符“０”是全角数字，请用半角数字")


def test_a_year_to_date_layer_amount_gets_the_same_check():
    ytd = {"inpatient": {"base": "0", "assistance": "0", "layers": {"tehui": "1e3"}}}
    with pytest.raises(ClaimError) as refused:
        parse_request(claim(year_to_date=ytd))
    assert refused.value.field == "year_to_date.inpatient.layers.tehui"
    assert "科学计数法" in refused.value.message


def test_settle_refuses_a_key_given_twice():
    text = json.dumps(claim())[:-1] + ', "total": "1.00"}'
    done = run_settle(text)
    assert (done.returncode, done.stdout) == (2, "")
    assert "total" in done.stderr and "两次" in done.stderr
    assert "Traceback" not in done.stderr


def test_settle_refuses_deep_nesting_without_a_traceback():
    done = run_settle("[" * 100_000 + "]" * 100_000)
    assert (done.returncode, done.stdout) == (2, "")
    assert "嵌套" in done.stderr
    assert "Traceback" not in done.stderr
    without = {k: v for k, v in claim().items() if k != "year_to_date"}
    deep = json.dumps(without)[:-1] + ', "year_to_date": ' + "[" * 500 + "]" * 500 + "}"
    done = run_settle(deep)
    assert (done.returncode, "嵌套" in done.stderr, "Traceback" in done.stderr) == (2, True, False)


@pytest.mark.parametrize(
    ("total", "wrong"),
    [("NaN", "NaN"), ("Infinity", "Infinity"), ("5.2e4", "“e”"), ("-1", "“-”")],
)
def test_settle_refuses_amounts_sent_as_odd_json_numbers(total, wrong):
    text = json.dumps(claim(total="X")).replace('"X"', total)
    done = run_settle(text)
    assert (done.returncode, done.stdout) == (2, "")
    assert wrong in done.stderr


def test_settle_reads_a_plain_json_number_amount_without_a_float():
    text = json.dumps(claim(total="X")).replace('"X"', "52000.10")
    done = run_settle(text)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["base"] == "15000.10"


def test_settle_names_a_full_width_digit_in_chinese():
    done = run_settle(json.dumps(claim(total="52００0.00"), ensure_ascii=False))
    assert done.returncode == 2
    assert "医疗总费用" in done.stderr and "第3个字符“０”是全角数字，请用半角数字" in done.stderr


def test_dates_in_range_still_work_for_the_typed_api():
    from app.services.people import parse_date

    assert parse_date("1958-04-09", "birth_date") == date(1958, 4, 9)
    assert parse_date(date(1958, 4, 9), "birth_date") == date(1958, 4, 9)
    assert parse_date("", "birth_date") is None
