"""Loads policies/*.toml into immutable ``PolicyDef`` objects, reporting every error found.

An error names the file, the key path inside it and the reason, in Chinese, e.g.
``policies/lanxi.toml: versions[0].rules[1].tiers[0].rate: 比率必须在0到1之间``.
"""

import hashlib
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from app.paths import policies_dir
from app.policy.checks import check_policy
from app.policy.schema import PolicyDef
from app.policy.shape import build


@dataclass(frozen=True)
class PolicyError:
    file: str
    path: str
    reason: str

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.path}: {self.reason}"
            if self.path
            else f"{self.file}: {self.reason}"
        )


class PolicyLoadError(Exception):
    def __init__(self, errors: list[PolicyError]):
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


@dataclass(frozen=True)
class LoadedPolicy:
    """A validated policy and the SHA-256 of the file it came from (kept with settlements)."""

    definition: PolicyDef
    path: Path
    sha256: str

    @property
    def id(self) -> str:
        return self.definition.id


def _display_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def parse_policy_bytes(raw: bytes, path: Path) -> PolicyDef:
    """Validate one policy file's bytes; raise ``PolicyLoadError`` with every problem found."""
    name = _display_name(path)
    try:
        data = tomllib.loads(raw.decode("utf-8"), parse_float=Decimal)
    except UnicodeDecodeError:
        raise PolicyLoadError([PolicyError(name, "", "文件不是 UTF-8 编码")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyLoadError([PolicyError(name, "", f"TOML 语法错误：{exc}")]) from None
    return policy_from_data(data, path)


def read_policy_data(path: Path) -> dict:
    """A policy file's TOML as plain data, decimals kept exact (for edited copies in tests)."""
    return tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def policy_from_data(data: dict, path: Path, expected_id: str | None = None) -> PolicyDef:
    """Validate a policy's parsed TOML; raise ``PolicyLoadError`` with every problem found.
    Its ``id`` must be ``expected_id``, by default the file's name."""
    name = _display_name(path)
    policy, problems = build(PolicyDef, data)
    if not problems:
        problems = check_policy(policy, expected_id or path.stem)
    if problems:
        raise PolicyLoadError([PolicyError(name, key, reason) for key, reason in problems])
    return policy


def load_policy_file(path: Path) -> LoadedPolicy:
    raw = path.read_bytes()
    definition = parse_policy_bytes(raw, path)
    return LoadedPolicy(definition, path, hashlib.sha256(raw).hexdigest())


def load_draft_file(path: Path) -> LoadedPolicy:
    """A draft of a policy (what-if): checked like an installed file, except that its name
    need not be its ``id`` (DRAFT.toml may hold the next version of lanxi)."""
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        data = None
    policy_id = data.get("id") if isinstance(data, dict) else None
    if not isinstance(policy_id, str) or not policy_id:
        return load_policy_file(path)  # the same messages as for an installed file
    definition = policy_from_data(data, path, expected_id=policy_id)
    return LoadedPolicy(definition, path, hashlib.sha256(raw).hexdigest())


def load_policies(directory: Path | None = None) -> dict[str, LoadedPolicy]:
    """Every policy in the folder by id; raises one ``PolicyLoadError`` listing all errors."""
    directory = directory or policies_dir()
    loaded: dict[str, LoadedPolicy] = {}
    errors: list[PolicyError] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            policy = load_policy_file(path)
        except PolicyLoadError as exc:
            errors.extend(exc.errors)
            continue
        loaded[policy.id] = policy
    if errors:
        raise PolicyLoadError(errors)
    return loaded
