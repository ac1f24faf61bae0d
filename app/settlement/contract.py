"""The public ``settle`` contract as one function: JSON object in, JSON object out."""

from collections.abc import Mapping

from app.policy.loader import LoadedPolicy
from app.settlement.calculator import check_year_to_date, settle
from app.settlement.claim import ClaimError, parse_request


def settle_json(data: object, policies: Mapping[str, LoadedPolicy]) -> dict:
    """Settle one contract claim; raises ``ClaimError`` naming the bad field."""
    claim, year_to_date = parse_request(data)
    loaded = policies.get(claim.policy)
    if loaded is None:
        known = ", ".join(sorted(policies))
        raise ClaimError("policy（政策）", f"没有编号为“{claim.policy}”的政策，可选：{known}")
    check_year_to_date(loaded.definition, claim, year_to_date)
    return settle(loaded.definition, claim, year_to_date).to_json()
