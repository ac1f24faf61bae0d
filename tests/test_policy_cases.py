"""Every hand-worked policy case in policies/tests/*.toml, one pytest test each.

The same cases run with ``python -m app policy test [ID]``; here each becomes its own test,
named "<policy>: <name>", and a failure prints every difference from the expected result.
"""

from collections import Counter

import pytest

from app.policy import load_policies
from app.settlement.cases import PolicyCase, load_cases, run_case

POLICY_IDS = ("taierzhuang", "lanxi", "weihai", "jingjiang", "hunan")
MIN_CASES_PER_POLICY = 8

CASES = load_cases()


@pytest.fixture(scope="module")
def policies():
    return load_policies()


@pytest.mark.parametrize("case", CASES, ids=[f"{case.policy}: {case.name}" for case in CASES])
def test_policy_case(case: PolicyCase, policies) -> None:
    outcome = run_case(case, policies)
    report = "\n".join([f"{case.file.name}: {case.name}", *(f"  {d}" for d in outcome.differences)])
    print(report)
    assert not outcome.differences, report


def test_every_case_names_a_known_policy(policies) -> None:
    assert {case.policy for case in CASES} <= set(policies)


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_each_policy_has_enough_cases(policy_id: str) -> None:
    counts = Counter(case.policy for case in CASES)
    assert counts[policy_id] >= MIN_CASES_PER_POLICY, (
        f"{policy_id}: 只有 {counts[policy_id]} 个用例，至少需要 {MIN_CASES_PER_POLICY} 个"
    )


def test_case_names_are_unique_within_each_policy() -> None:
    names = Counter((case.policy, case.name) for case in CASES)
    duplicates = [f"{policy}: {name}" for (policy, name), n in names.items() if n > 1]
    assert not duplicates, duplicates


def test_every_case_shows_its_arithmetic() -> None:
    missing = [f"{case.policy}: {case.name}" for case in CASES if not case.arithmetic.strip()]
    assert not missing, missing
