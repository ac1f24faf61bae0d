"""A result's steps and layers are kept as bare tuples (app.settlement.result.Steps, Layers) and
read as ``Step``s and ``Layer``s: indexing, slicing, iterating, comparing, hashing and pickling
must behave as a tuple of them."""

import pickle
from dataclasses import replace
from datetime import date
from decimal import Decimal

from app.policy import load_policies
from app.settlement import Claim, PoolToDate, YearToDate, settle
from app.settlement.result import Layer, Step

CLAIM = Claim(
    policy="hunan",
    date=date(2026, 5, 10),
    category="registered_poor",
    visit="inpatient",
    insurance="resident",
    facility="county",
    referral_approved=False,
    cause=None,
    total=Decimal("52000.00"),
    out_of_catalog=Decimal("2000.00"),
    basic_insurance=Decimal("30000.00"),
    critical_illness=Decimal("5000.00"),
    other_compensation=Decimal("0.00"),
)
YEAR = YearToDate(inpatient=PoolToDate(base=Decimal("0.00"), assistance=Decimal("0.00")))


def hunan(claim: Claim = CLAIM):
    return settle(load_policies()["hunan"].definition, claim, YEAR)


def test_steps_read_as_steps_with_their_words_written():
    steps = hunan().steps
    assert len(steps) > 5
    as_list = list(steps)
    assert all(type(step) is Step for step in as_list)
    assert steps[0] == as_list[0] and steps[-1] == as_list[-1]
    assert list(steps[1:3]) == as_list[1:3]
    assert steps[0].text.startswith("救助基数 = 总费用 52000.00 − 目录外费用 2000.00")
    assert [step.to_json() for step in steps] == hunan().to_json()["steps"]


def test_results_compare_by_their_steps_words_and_amounts():
    first, again = hunan(), hunan()
    assert first == again and hash(first.steps) == hash(again.steps)
    assert first.steps == tuple(again.steps)  # a tuple of Steps with the same words is equal
    other = hunan(replace(CLAIM, total=Decimal("52000.01")))
    assert other.steps != first.steps and other != first


def test_a_result_survives_pickling_with_its_steps():
    result = hunan()
    back = pickle.loads(pickle.dumps(result))
    assert back == result
    assert back.to_json() == result.to_json()


def test_layers_read_as_layers_in_the_order_paid():
    result = hunan()
    layers = list(result.layers)
    assert all(type(layer) is Layer for layer in layers)
    assert [layer.code for layer in layers] == [
        layer["code"] for layer in result.to_json()["layers"]
    ]
    assert len(layers) > 1 and result.layers[0] == layers[0]
    assert sum((layer.amount for layer in result.layers), Decimal(0)) == result.assistance
    assert result.layers == tuple(hunan().layers)
