"""Policy test cases: policies/tests/<id>.toml, each case a contract claim and what to expect.

Like OpenFisca's YAML tests, a county that edits a policy file runs these to check it:
``python -m app policy test [ID]``. Expected values are compared key by key with the result;
``null`` is written as the string "null" (TOML has no null). Two extra keys are allowed:
``clauses`` (each must appear among the steps' clauses) and ``reason_contains``.
"""

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from app.paths import policies_dir
from app.policy.loader import LoadedPolicy
from app.settlement.contract import settle_json


@dataclass(frozen=True)
class PolicyCase:
    policy: str
    name: str
    arithmetic: str
    claim: dict
    expected: dict
    file: Path


@dataclass(frozen=True)
class CaseOutcome:
    case: PolicyCase
    differences: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.differences


def cases_dir() -> Path:
    return policies_dir() / "tests"


def load_cases(policy_id: str | None = None, directory: Path | None = None) -> list[PolicyCase]:
    directory = directory or cases_dir()
    pattern = f"{policy_id}.toml" if policy_id else "*.toml"
    cases = []
    for path in sorted(directory.glob(pattern)):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for entry in data.get("cases", []):
            claim = dict(entry["claim"])
            claim.setdefault("policy", path.stem)
            cases.append(
                PolicyCase(
                    policy=path.stem,
                    name=entry["name"],
                    arithmetic=entry.get("arithmetic", ""),
                    claim=claim,
                    expected=dict(entry["expected"]),
                    file=path,
                )
            )
    return cases


def _normalise(value: object) -> object:
    return None if value == "null" else value


def compare(expected: Mapping, result: Mapping) -> list[str]:
    differences = []
    for key, want in expected.items():
        if key == "clauses":
            seen = {step["clause"] for step in result["steps"]}
            differences += [f"steps 中没有条款 {clause}" for clause in want if clause not in seen]
        elif key == "reason_contains":
            if want not in (result["reason"] or ""):
                differences.append(f"reason 应包含“{want}”，实际为“{result['reason']}”")
        elif key not in result:
            differences.append(f"结果中没有 {key}")
        elif _normalise(want) != result[key]:
            differences.append(f"{key}: 应为 {_normalise(want)!r}，实际为 {result[key]!r}")
    return differences


def run_case(case: PolicyCase, policies: Mapping[str, LoadedPolicy]) -> CaseOutcome:
    result = settle_json(case.claim, policies)
    return CaseOutcome(case, tuple(compare(case.expected, result)))
