"""Policies: declarative rule files under policies/, loaded and validated."""

from app.policy.loader import (
    LoadedPolicy,
    PolicyError,
    PolicyLoadError,
    load_policies,
    load_policy_file,
)
from app.policy.schema import PolicyDef, VersionDef

__all__ = [
    "LoadedPolicy",
    "PolicyDef",
    "PolicyError",
    "PolicyLoadError",
    "VersionDef",
    "load_policies",
    "load_policy_file",
]
