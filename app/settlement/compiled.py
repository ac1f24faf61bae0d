"""A plan compiled to one Python function: the settlement of one kind of claim, written out.

What a claim meets depends only on its kind (``app.settlement.plan``), so the rules, tiers and
caps it passes through are known before its amounts are. ``compile_plan`` writes the function
that does exactly the Decimal operations ``app.settlement.calculator.settle_by_rules`` does for
that plan, in the same order, with the same steps, but with the loops unrolled and the policy's
figures bound as names: reading the plan cost more than the arithmetic (issue 18, point 3). The
text is kept on the function (``source``) so a reader can see what runs for a kind of claim.
"""

from collections.abc import Callable
from decimal import ROUND_HALF_UP
from typing import TYPE_CHECKING

from app.money import FEN, ZERO
from app.settlement.parts import backstop
from app.settlement.result import Layers, Result, Steps
from app.settlement.words import (
    base_words,
    cap_words,
    deductible_words,
    excluded_words,
    tier_words,
    unexcluded_words,
)

if TYPE_CHECKING:
    from app.settlement.plan import Plan, RulePlan

_POOLS = {"inpatient": "year_to_date.inpatient", "outpatient": "year_to_date.outpatient"}


class _Source:
    """The function's lines and the values its names stand for."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict = {
            "ZERO": ZERO,
            "FEN": FEN,
            "ROUND_HALF_UP": ROUND_HALF_UP,
            "new": tuple.__new__,
            "Result": Result,
            "Layers": Layers,
            "Steps": Steps,
            "base_words": base_words,
            "excluded_words": excluded_words,
            "unexcluded_words": unexcluded_words,
            "backstop": backstop,
            "cap_words": cap_words,
            "deductible_words": deductible_words,
            "tier_words": tier_words,
        }
        self._bound: dict[int, str] = {}

    def add(self, line: str, indent: int = 1) -> None:
        self.lines.append("    " * indent + line)

    def value(self, value: object, hint: str) -> str:
        """A name (or literal) standing for ``value`` in the function's text."""
        if value is None or isinstance(value, str | bool | int):
            return repr(value)
        name = self._bound.get(id(value))
        if name is None:
            name = self._bound[id(value)] = f"{hint}_{len(self._bound)}"
            self.names[name] = value
        return name


def compile_plan(plan: "Plan") -> Callable:
    """The function ``(policy, claim, year_to_date) -> Result`` of an eligible plan."""
    src = _Source()
    src.add("def settle_planned(policy, claim, year_to_date):", 0)
    src.add(
        "compensated = claim.basic_insurance + claim.critical_illness + claim.other_compensation"
    )
    _base(src, plan)
    src.add(f"to_date = {_POOLS[plan.pool]}")
    used = {}  # cap code -> the name of what this year used of it, this claim included
    for code, pools, layer in plan.caps:
        used[code] = f"used_{len(used)}"
        terms = ["ZERO"]
        for pool in pools:
            if layer is None:
                terms.append(f"{_POOLS[pool]}.assistance")
            else:
                terms.append(f"{_POOLS[pool]}.layers.get({layer!r}, ZERO)")
        src.add(f"{used[code]} = {' + '.join(terms)}")
    src.add("paid = ZERO")
    for index, planned in enumerate(plan.rules):
        _rule(src, index, planned, used)
    _layers(src, plan, used)
    src.add(f"steps.append({src.value(plan.mode_step, 'mode_step')})")
    at_window = "paid" if plan.instant else "ZERO"
    src.add("return new(Result, (")
    for field in (
        "policy.id",
        repr(plan.version_text),
        "True",
        "None",
        repr(plan.pool),
        "base_amount",
        "paid",
        f"new(Layers, [{', '.join(f'layer_{i}' for i in range(len(plan.rules)))}])",
        repr(plan.mode),
        at_window,
        f"claim.total - compensated - {at_window}",
        "cap_left",
        "new(Steps, steps)",
        f"{at_window} - reduction",
        "reduction",
        "cap_name",
    ):
        src.add(f"{field},", 2)
    src.add("))")
    text = "\n".join(src.lines) + "\n"
    names = src.names
    exec(compile(text, f"<plan of {plan.version_text}>", "exec"), names)
    function = names["settle_planned"]
    function.source = text
    return function


def _base(src: _Source, plan: "Plan") -> None:
    """The base and its steps (``steps``), as ``app.settlement.parts.base`` makes them."""
    rule = plan.version.base
    src.add("raw = claim.total - compensated")
    if not rule.includes_out_of_catalog:
        src.add("raw -= claim.out_of_catalog")
    if rule.excluded is not None:
        src.add("raw -= claim.excluded")
    src.add("base_amount = raw if raw > ZERO else ZERO")
    src.add(f"words = (base_words, {src.value(rule, 'base_rule')}, claim, raw, base_amount)")
    src.add("if claim.excluded > ZERO:")
    if rule.excluded is not None:
        excluded = f"(excluded_words, {rule.excluded.text!r}, claim.excluded)"
        src.add(
            f"steps = [({rule.excluded.clause!r}, {excluded}, claim.excluded),"
            f" ({rule.clause!r}, words, base_amount)]",
            2,
        )
    else:
        src.add(
            f"steps = [({rule.clause!r}, (unexcluded_words, words, claim.excluded), base_amount)]",
            2,
        )
    src.add("else:")
    src.add(f"steps = [({rule.clause!r}, words, base_amount)]", 2)


def _rule(src: _Source, index: int, planned: "RulePlan", used: dict[str, str]) -> None:
    """One rule's amount (``amount_<index>``) and its steps, as ``settle_by_rules`` makes them."""
    rule = planned.rule
    src.add(f"# {rule.name!r}")  # repr: a name is never more than a comment
    src.add("remaining = base_amount - paid")
    rule_name = src.value(rule, "rule")
    if planned.backstop:
        src.add(
            f"exact = backstop({rule_name}, claim, compensated, base_amount, paid, remaining, steps)"
        )
    else:
        if planned.before:  # app.settlement.parts.reached_layer, written out
            src.add("start = to_date.base")
            for code in planned.before:
                src.add(f"start -= to_date.layers.get({code!r}, ZERO)")
            src.add("if not start > ZERO:")
            src.add("start = ZERO", 2)
        else:
            src.add("start = to_date.base")
        src.add("end = start + remaining")
        if planned.deductible_clause is not None:
            deductible = src.value(rule.deductible, "deductible")
            src.add(f"below = (end if end < {deductible} else {deductible}) - start")
            src.add("if below < ZERO:")
            src.add("below = ZERO", 2)
            words = f"(deductible_words, {rule_name}, {planned.first!r}, start, end, below)"
            src.add(f"steps.append(({planned.deductible_clause!r}, {words}, ZERO))")
        src.add("exact = ZERO")
        for tier in planned.tiers:
            lower = src.value(tier.lower, "lower")
            rate = src.value(tier.rate, "rate")
            if tier.upper is None:
                top = "end"
            else:
                upper = src.value(tier.upper, "upper")
                src.add(f"top = end if end < {upper} else {upper}")
                top = "top"
            src.add(f"part = {top} - (start if start > {lower} else {lower})")
            src.add("if part > ZERO:")
            src.add(f"contribution = part * {rate}", 2)
            src.add("exact += contribution", 2)
            words = f"(tier_words, {tier.head!r}, part, {rate}, contribution)"
            rounded = "contribution.quantize(FEN, ROUND_HALF_UP)"
            src.add(f"steps.append(({tier.clause!r}, {words}, {rounded}))", 2)
    for cap in planned.caps:
        src.add(f"left = {src.value(cap.amount, 'cap_amount')} - {used[cap.code]}")
        src.add("if left < ZERO:")
        src.add("left = ZERO", 2)
        src.add("if exact > left:")
        src.add("exact = left", 2)
        words = f"(cap_words, {src.value(cap, 'cap')}, {used[cap.code]}, left, {rule.name!r})"
        src.add(f"steps.append(({cap.clause!r}, {words}, left))", 2)
    amount = f"amount_{index}"
    src.add(f"{amount} = exact.quantize(FEN, ROUND_HALF_UP)")
    src.add(f"steps.append(({rule.clause!r}, {planned.total_words!r}, {amount}))")
    src.add(f"paid += {amount}")
    for code in planned.counts_toward:
        src.add(f"{used[code]} += {amount}")


def _layers(src: _Source, plan: "Plan", used: dict[str, str]) -> None:
    """Each layer with what is left under its tightest cap, the hospital's own reduction and
    the tightest cap of the 医疗救助 fund's layers (``cap_left``, ``cap_name``)."""
    src.add("reduction = ZERO")
    assisting_seen = False
    src.add("cap_left = cap_name = None")
    for index, planned in enumerate(plan.rules):
        rule = planned.rule
        amount = f"amount_{index}"
        if plan.instant and planned.hospital:
            src.add(f"reduction += {amount}")
        head = f"{rule.layer!r}, {rule.name!r}, {amount}, {rule.fund!r}"
        if not planned.caps:
            src.add(f"layer_{index} = ({head}, None)")
            continue
        tight, tight_name = f"tight_{index}", f"tight_name_{index}"
        for number, cap in enumerate(planned.caps):
            left = tight if number == 0 else "left"
            src.add(f"{left} = {src.value(cap.amount, 'cap_amount')} - {used[cap.code]}")
            src.add(f"if {left} < ZERO:")
            src.add(f"{left} = ZERO", 2)
            if number == 0:
                src.add(f"{tight_name} = {cap.name!r}")
            else:
                src.add(f"if left < {tight}:")
                src.add(f"{tight} = left", 2)
                src.add(f"{tight_name} = {cap.name!r}", 2)
        src.add(f"layer_{index} = ({head}, {tight})")
        if planned.assisting:
            if assisting_seen:
                src.add(f"if {tight} < cap_left:")
                src.add(f"cap_left, cap_name = {tight}, {tight_name}", 2)
            else:
                src.add(f"cap_left, cap_name = {tight}, {tight_name}")
            assisting_seen = True
