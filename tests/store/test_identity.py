from datetime import date

import pytest

from app.identity import (
    IdentityError,
    birth_date_mismatch,
    make_resident_id,
    parse_resident_id,
    sex_mismatch,
)


def test_valid_number_gives_birth_date_and_sex():
    number = make_resident_id("370405", date(1950, 12, 31), 7, "M")
    parsed = parse_resident_id(f" {number[:6]} {number[6:]} ".lower())
    assert parsed.number == number
    assert parsed.birth_date == date(1950, 12, 31)
    assert parsed.sex == "M"


def test_county_code_newer_than_birth_year_is_accepted():
    # 台儿庄区 got 370405 in 1983; people born before carry it all the same.
    number = make_resident_id("370405", date(1941, 1, 5), 3, "F")
    assert parse_resident_id(number).sex == "F"


@pytest.mark.parametrize(
    ("mangle", "words"),
    [
        (lambda n: n[:17] + ("0" if n[17] != "0" else "1"), "校验位"),
        (lambda n: n[:10], "18位"),
        (lambda n: make_resident_id("999999", date(1960, 5, 1), 3, "F"), "地区代码"),
    ],
)
def test_bad_numbers_say_why(mangle, words):
    number = make_resident_id("330781", date(1960, 5, 1), 3, "F")
    with pytest.raises(IdentityError) as caught:
        parse_resident_id(mangle(number))
    assert words in caught.value.reason


def test_typed_sex_and_birth_date_are_cross_checked():
    parsed = parse_resident_id(make_resident_id("330781", date(1960, 5, 1), 3, "F"))
    assert sex_mismatch(parsed, "女") is None
    assert "女" in sex_mismatch(parsed, "男")
    assert birth_date_mismatch(parsed, date(1960, 5, 1)) is None
    assert "1960-05-01" in birth_date_mismatch(parsed, date(1960, 5, 2))
