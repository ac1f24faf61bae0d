"""Lines broken as Chinese print breaks them, and never through a figure: a closing mark
after a number moves the whole number down with it (救助比例6 / 0%：, read as 6 %)."""

import re
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.printing.typeset import register_fonts, text_width, wrap

SIZE = 9
RUN = re.compile(r"[!-~]+")  # a run of Latin letters, digits and signs


@pytest.fixture(autouse=True, scope="module")
def fonts():
    register_fonts()


def test_a_rate_before_a_colon_moves_down_whole():
    text = "兰溪三(二)2：因病致贫人员救助比例60%：10455.18 × 60% = 6273.11"
    head = "兰溪三(二)2：因病致贫人员救助比例60%"
    # just too narrow for the colon after 60%: the break falls before it
    lines = wrap(text, SIZE, text_width(head, SIZE) + 0.5)
    assert lines[0].endswith("比例") and lines[1].startswith("60%：")


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(
        st.sampled_from(["救助", "比例", "60%", "10455.18", "：", "，", "（", "）", "元", "；"]),
        min_size=1,
        max_size=30,
    ),
    width_chars=st.integers(min_value=4, max_value=30),
)
def test_no_figure_is_cut_where_it_fits_on_a_line(pieces, width_chars):
    text = "".join(pieces)
    width = width_chars * text_width("救", SIZE)
    lines = wrap(text, SIZE, width)
    assert "".join(lines) == text  # nothing lost or added
    for before, after in pairwise(lines):
        if before[-1:].isascii() and after[:1].isascii():
            joined = RUN.findall(before)[-1] + RUN.findall(after)[0]
            assert text_width(joined, SIZE) > width, (before, after)
