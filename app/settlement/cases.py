"""Policy test cases: policies/tests/<id>.toml, each case a contract claim and what to expect.

Like OpenFisca's YAML tests, a county that edits a policy file runs these to check it:
``python -m app policy test [ID]``. Expected values are compared key by key with the result;
``null`` is written as the string "null" (TOML has no null); each expected layer is compared
on the keys it names. Two extra keys are allowed:
``clauses`` (each must appear among the steps' clauses) and ``reason_contains``.

A case may also carry ``county_changes``: parameters a county would edit, as
``"rules.<layer>.<key>"`` or ``"caps.<code>.<key>"`` = value, applied to every version of the
shipped file before settling. That checks a county's edited copy (a deductible on 医疗救助, say)
without shipping a second policy.
"""

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from app.paths import policies_dir
from app.policy.loader import LoadedPolicy, policy_from_data, read_policy_data
from app.settlement.contract import settle_json


@dataclass(frozen=True)
class PolicyCase:
    policy: str
    name: str
    arithmetic: str
    claim: dict
    expected: dict
    file: Path
    county_changes: Mapping = field(default_factory=lambda: MappingProxyType({}))


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
        data = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
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
                    county_changes=MappingProxyType(dict(entry.get("county_changes", {}))),
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
        elif key == "layers":
            differences += _compare_layers(want, result["layers"])
        elif _normalise(want) != result[key]:
            differences.append(f"{key}: 应为 {_normalise(want)!r}，实际为 {result[key]!r}")
    return differences


def _compare_layers(expected: list, layers: list) -> list[str]:
    """Each expected layer's keys against the result's (a case may leave out fund, caps…)."""
    if len(expected) != len(layers):
        return [f"layers: 应有 {len(expected)} 层，实际为 {len(layers)} 层：{layers!r}"]
    return [
        f"layers[{i}].{key}: 应为 {_normalise(want)!r}，实际为 {layer.get(key)!r}"
        for i, (wanted, layer) in enumerate(zip(expected, layers, strict=True))
        for key, want in wanted.items()
        if _normalise(want) != layer.get(key)
    ]


_ENTRY_KEYS = {"rules": "layer", "caps": "code"}


def with_county_changes(loaded: LoadedPolicy, changes: Mapping) -> LoadedPolicy:
    """The shipped policy as a county would edit it (see the module docstring)."""
    data = read_policy_data(loaded.path)
    for dotted, value in changes.items():
        section, _, rest = dotted.partition(".")
        code, _, key = rest.partition(".")
        if section not in _ENTRY_KEYS or not code or not key:
            raise ValueError(
                f"county_changes 的键“{dotted}”应为 rules.<层>.<项> 或 caps.<代码>.<项>"
            )
        entries = [
            entry
            for version in data["versions"]
            for entry in version.get(section, ())
            if entry.get(_ENTRY_KEYS[section]) == code
        ]
        if not entries:
            raise ValueError(f"county_changes：{loaded.path.name} 中没有 {section}.{code}")
        for entry in entries:
            entry[key] = value
    definition = policy_from_data(data, loaded.path)
    return replace(loaded, definition=definition, sha256="county-changes")


def run_case(case: PolicyCase, policies: Mapping[str, LoadedPolicy]) -> CaseOutcome:
    if case.county_changes and case.policy in policies:
        edited = with_county_changes(policies[case.policy], case.county_changes)
        policies = {**policies, case.policy: edited}
    result = settle_json(case.claim, policies)
    return CaseOutcome(case, tuple(compare(case.expected, result)))
