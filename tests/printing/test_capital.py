"""Capital figures (人民币大写) as the People's Bank rules write them."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.printing.capital import capital_figures

DIGITS = "零壹贰叁肆伍陆柒捌玖"


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("10500.00", "壹万零伍佰元整"),  # one 零 for the empty thousands place
        ("0.05", "伍分"),
        ("1200.50", "壹仟贰佰元伍角"),  # no 整 needed after 角
        ("0", "零元整"),
        ("0.00", "零元整"),
        ("100.05", "壹佰元零伍分"),  # 零 where 角 is empty but 分 is not
        ("10.00", "壹拾元整"),  # 壹拾, not 拾, on money
        ("80000.00", "捌万元整"),
        ("1001.01", "壹仟零壹元零壹分"),
    ],
)
def test_hand_written_examples(amount, words):
    assert capital_figures(Decimal(amount)) == words


@pytest.mark.parametrize("bad", [Decimal("-1.00"), Decimal("1.005")])
def test_negative_or_sub_fen_amounts_are_refused(bad):
    with pytest.raises(ValueError):
        capital_figures(bad)


fen_amounts = st.integers(min_value=0, max_value=99_999_999_99).map(lambda fen: Decimal(fen) / 100)


@given(fen_amounts)
def test_整_exactly_when_no_jiao_and_no_fen(amount):
    words = capital_figures(amount)
    cents = int(amount * 100) % 100
    assert words.endswith("整") == (cents == 0)
    assert ("角" in words) == (cents // 10 != 0)
    assert ("分" in words) == (cents % 10 != 0)
    assert all(char in DIGITS + "拾佰仟万亿元角分整" for char in words)


def read_back(words: str) -> Decimal:
    """An independent reader of capital figures, written for this test."""
    units = {"拾": 10, "佰": 100, "仟": 1000}
    total, section, digit = 0, 0, 0
    jiao = fen = 0
    for char in words:
        if char in DIGITS:
            digit = DIGITS.index(char)
        elif char in units:
            section += digit * units[char]
            digit = 0
        elif char == "亿":
            total = (total + section + digit) * 100_000_000
            section = digit = 0
        elif char == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        elif char == "元":
            total += section + digit
            section = digit = 0
        elif char == "角":
            jiao, digit = digit, 0
        elif char == "分":
            fen, digit = digit, 0
    return Decimal(total) + Decimal(jiao) / 10 + Decimal(fen) / 100


@given(fen_amounts)
def test_reads_back_to_the_same_amount(amount):
    assert read_back(capital_figures(amount)) == amount
