"""The public ``settle`` contract as one function: JSON object in, JSON object out."""

import json
from collections.abc import Callable, Mapping

from app.national_codes import contract_codes
from app.policy.loader import LoadedPolicy
from app.settlement.calculator import check_year_to_date, settle
from app.settlement.claim import ClaimError, parse_request

# The contract's deepest value is year_to_date.<pool>.layers.<code>: four levels. Anything far
# deeper is refused before it reaches code that could recurse on it.
MAX_DEPTH = 16


def read_claim_json(text: str) -> object:
    """Decode a claim sent as JSON text; raise ``ClaimError`` for anything not plain JSON.

    A key given twice, ``NaN``/``Infinity``, or nesting deeper than ``MAX_DEPTH`` is refused
    rather than silently resolved. Numbers with a fraction or exponent stay the text they were
    written as, so an amount sent as a number meets the same check as one sent as a string
    and never passes through a float.
    """
    try:
        data = json.loads(
            text,
            parse_float=str,
            parse_constant=_refuse_constant,
            object_pairs_hook=_refuse_duplicate_keys,
        )
    except json.JSONDecodeError as exc:
        raise ClaimError(
            "(整体)", f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）"
        ) from None
    except RecursionError:
        raise ClaimError("(整体)", f"JSON 嵌套层数过深（最多 {MAX_DEPTH} 层）") from None
    _check_depth(data)
    return data


def _refuse_constant(name: str) -> object:
    raise ClaimError("(整体)", f'JSON 中不能有 {name}，金额请写成字符串，如 "1200.50"')


def _refuse_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    data: dict = {}
    for key, value in pairs:
        if key in data:
            raise ClaimError(key, "在 JSON 中出现了两次，请只保留一个")
        data[key] = value
    return data


def _check_depth(data: object) -> None:
    # Iterative on purpose: the value may already be too deep to recurse through.
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise ClaimError("(整体)", f"JSON 嵌套层数过深（最多 {MAX_DEPTH} 层）")
            children = value.values() if isinstance(value, dict) else value
            pending.extend((child, depth + 1) for child in children)


def settle_json(
    data: object,
    policies: Mapping[str, LoadedPolicy],
    check_policy: Callable[[LoadedPolicy], None] | None = None,
) -> dict:
    """Settle one contract claim; raises ``ClaimError`` naming the bad field.

    ``check_policy(loaded)`` is called with the claim's policy before it is used and raises to
    refuse it (the ``settle`` command passes the check against the approved list).
    """
    claim, year_to_date = parse_request(data)
    loaded = policies.get(claim.policy)
    if loaded is None:
        known = ", ".join(sorted(policies))
        raise ClaimError("policy", f"没有编号为“{claim.policy}”的政策，可选：{known}")
    if check_policy is not None:
        check_policy(loaded)
    check_year_to_date(loaded.definition, claim, year_to_date)
    result = settle(loaded.definition, claim, year_to_date).to_json()
    # Beside our codes, the national ones (app.national_codes); every other key is unchanged.
    request = data if isinstance(data, Mapping) else {}
    result["national_codes"] = contract_codes(loaded.definition, request, result["layers"])
    return result
