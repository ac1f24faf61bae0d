"""What a person's earlier settlements this calendar year already used, per pool and layer."""

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from types import MappingProxyType

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.money import ZERO, D
from app.policy import LoadedPolicy
from app.settlement import PoolToDate, YearToDate, layer_codes
from app.vocabulary import POOLS
from db.models import PaidLaterClaim, Person, Settlement
from db.sync_models import PaidElsewhere


def year_to_date(session: Session, person_id: int, policy_id: str, year: int) -> YearToDate:
    """Sum the person's non-voided, eligible settlements under ``policy_id`` in ``year`` (yuan).

    Ineligible results (an excluded cause, say) paid nothing and are not counted towards
    the year's deductible either.
    """
    who = {"person": person_id, "policy": policy_id, "year": year}
    base: dict[str, Decimal] = defaultdict(lambda: ZERO)
    assistance: dict[str, Decimal] = defaultdict(lambda: ZERO)
    layers: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for pool, pool_base, pool_assistance, result_json in session.execute(_queries()[0], who):
        base[pool] += pool_base
        assistance[pool] += pool_assistance
        for layer in json.loads(result_json).get("layers", ()):
            layers[pool][layer["code"]] += D(layer["amount"])
    # Claims paid after discharge (事后报销) share the caps: each live one counts like a
    # settlement (a year-end sum does not: its settlements are already counted).
    _add_paid_later(session, who, base, assistance, layers)
    # Sync (issue 7): also count what other sites paid, from the centre's year-to-date file.
    _add_paid_elsewhere(session, who, base, assistance, layers)
    return YearToDate(
        **{
            pool: PoolToDate(base[pool], assistance[pool], MappingProxyType(dict(layers[pool])))
            for pool in ("inpatient", "outpatient")
        }
    )


@cache
def _queries():
    """The three look-ups, built once: building them cost more than running them (issue 18)."""
    person, policy, year = bindparam("person"), bindparam("policy"), bindparam("year")
    settled = select(
        Settlement.pool, Settlement.base, Settlement.assistance, Settlement.result_json
    ).where(
        Settlement.person_id == person,
        Settlement.policy_id == policy,
        Settlement.year == year,
        Settlement.voided.is_(False),
        Settlement.eligible.is_(True),
    )
    paid_later = select(PaidLaterClaim.result_json).where(
        PaidLaterClaim.person_id == person,
        PaidLaterClaim.policy_id == policy,
        PaidLaterClaim.year == year,
        PaidLaterClaim.status != "returned",
        PaidLaterClaim.kind != "year_end",
    )
    id_number = select(Person.id_number).where(Person.id == person).scalar_subquery()
    elsewhere = select(
        PaidElsewhere.pool, PaidElsewhere.base, PaidElsewhere.assistance, PaidElsewhere.layers_json
    ).where(
        PaidElsewhere.id_number == id_number,
        PaidElsewhere.policy_id == policy,
        PaidElsewhere.year == year,
    )
    return settled, paid_later, elsewhere


def _add_paid_later(
    session: Session,
    who: dict,
    base: dict[str, Decimal],
    assistance: dict[str, Decimal],
    layers: dict[str, dict[str, Decimal]],
) -> None:
    for (result_json,) in session.execute(_queries()[1], who):
        result = json.loads(result_json)
        if not result["eligible"] or result["pool"] is None:
            continue
        pool = result["pool"]
        base[pool] += D(result["base"])
        assistance[pool] += D(result["assistance"])
        for layer in result.get("layers", ()):
            layers[pool][layer["code"]] += D(layer["amount"])


def _add_paid_elsewhere(
    session: Session,
    who: dict,
    base: dict[str, Decimal],
    assistance: dict[str, Decimal],
    layers: dict[str, dict[str, Decimal]],
) -> None:
    """Add to the per-pool sums (yuan, Decimal) what the centre's last year-to-date file says
    other sites paid the person under the policy (``app.sync`` pulls that file; this only
    reads the table it fills)."""
    for pool, pool_base, pool_assistance, layers_json in session.execute(_queries()[2], who):
        base[pool] += pool_base
        assistance[pool] += pool_assistance
        for code, amount in json.loads(layers_json).items():
            layers[pool][code] += D(amount)


def to_contract(ytd: YearToDate, layer_codes: Mapping[str, Sequence[str]] | None = None) -> dict:
    """The ``year_to_date`` object of the settle contract (money as strings).

    ``layer_codes`` lists each pool's layers: one that paid nothing this year is written 0.00,
    as the contract asks of a layered policy.
    """
    layer_codes = layer_codes or {}
    return {
        pool: {
            "base": str(part.base),
            "assistance": str(part.assistance),
            "layers": {
                **{code: "0.00" for code in layer_codes.get(pool, ())},
                **{code: str(amount) for code, amount in part.layers.items()},
            },
        }
        for pool, part in (("inpatient", ytd.inpatient), ("outpatient", ytd.outpatient))
    }


def contract_year_to_date(
    session: Session, person_id: int, loaded: LoadedPolicy, claim_date: date
) -> dict:
    """The person's year-to-date as the contract asks it for a claim on ``claim_date``."""
    used = year_to_date(session, person_id, loaded.id, claim_date.year)
    version = loaded.definition.version_on(claim_date)
    codes = {} if version is None else {pool: layer_codes(version, pool) for pool in POOLS}
    return to_contract(used, codes)
