"""The policies the services settle with, loaded once from policies/ unless handed in."""

from functools import cache

from app.policy import LoadedPolicy, load_policies
from app.services.errors import ServiceError

Policies = dict[str, LoadedPolicy]


@cache
def _installed() -> Policies:
    return load_policies()


def installed_policies() -> Policies:
    return _installed()


def find_policy(policies: Policies | None, policy_id: str) -> LoadedPolicy:
    book = policies if policies is not None else installed_policies()
    loaded = book.get(policy_id)
    if loaded is None:
        known = "、".join(sorted(book)) or "（无）"
        raise ServiceError("policy", f"没有编号为“{policy_id}”的政策（已有：{known}）")
    return loaded
