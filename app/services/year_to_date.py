"""What a person's earlier settlements this calendar year already used, per pool and layer."""

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from types import MappingProxyType
from typing import NamedTuple

from sqlalchemy import Integer, String, bindparam, func, literal_column, null, select, union_all
from sqlalchemy.orm import Session

from app.money import ZERO, D
from app.policy import LoadedPolicy
from app.settlement import PoolToDate, YearToDate, layer_codes
from app.vocabulary import POOLS
from db.models import AuditEvent, PaidLaterClaim, Person, Settlement
from db.prepared import Prepared
from db.sync_models import PaidElsewhere

# Where a year-to-date row comes from (the first column of the look-up).
SETTLED, PAID_LATER, PAID_ELSEWHERE = 0, 1, 2


def year_to_date(session: Session, person_id: int, policy_id: str, year: int) -> YearToDate:
    """Sum the person's non-voided, eligible settlements under ``policy_id`` in ``year`` (yuan).

    Ineligible results (an excluded cause, say) paid nothing and are not counted towards
    the year's deductible either. Claims paid after discharge (事后报销) share the caps: each
    live one counts like a settlement (a year-end sum does not: its settlements are already
    counted). Sync (issue 7): what other sites paid, from the centre's year-to-date file,
    counts too.
    """
    who = {"person": person_id, "policy": policy_id, "year": year}
    base: dict[str, Decimal] = defaultdict(lambda: ZERO)
    assistance: dict[str, Decimal] = defaultdict(lambda: ZERO)
    layers: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for source, pool, pool_base, pool_assistance, detail in _query().rows(session, who):
        detail = json.loads(detail)
        if source == PAID_ELSEWHERE:
            pool_layers = detail.items()  # the centre's file: {code: amount}
        else:
            if source == PAID_LATER:  # pool and amounts as computed at intake
                if not detail["eligible"] or detail["pool"] is None:
                    continue
                pool, pool_base = detail["pool"], D(detail["base"])
                pool_assistance = D(detail["assistance"])
            pool_layers = ((layer["code"], layer["amount"]) for layer in detail.get("layers", ()))
        base[pool] += pool_base
        assistance[pool] += pool_assistance
        for code, amount in pool_layers:
            layers[pool][code] += D(amount)
    return YearToDate(
        **{
            pool: PoolToDate(base[pool], assistance[pool], MappingProxyType(dict(layers[pool])))
            for pool in ("inpatient", "outpatient")
        }
    )


def counted_after(
    session: Session, person_id: int, policy_id: str, year: int, number: str
) -> tuple[list[str], list[str]]:
    """The live settlements and 事后报销 claims of the person's year made after the record
    ``number`` (newest first): each was computed with that record in its year-to-date
    (deductible, tiers, caps), so that record may be voided or returned only after them, or
    the same band is paid twice.

    Made after means in the order the database took them: by the audit event each was created
    with (one sequence for both kinds and for every desk on a shared database, where the
    desks' clocks may disagree); a record without one (put back from the centre after a
    restore) by when it was made, then by number."""
    records = _made(session, person_id, policy_id, year)
    mine = next((r for r in records if r.number == number), None)
    if mine is None:
        return [], []
    later = sorted((r for r in records if r is not mine and r.after(mine)), reverse=True)
    return [r.number for r in later if r.settled], [r.number for r in later if not r.settled]


class _Made(NamedTuple):
    """A live record of the person's year, as ``counted_after`` orders it (the fields'
    order is the sort's: event, then time, then number)."""

    created: int  # the id of the audit event it was created with; -1 if it has none
    at: datetime
    number: str
    settled: bool  # a settlement (else a 事后报销 claim)

    def after(self, other: "_Made") -> bool:
        if self.created >= 0 and other.created >= 0:
            return self.created > other.created
        return (self.at, self.number) > (other.at, other.number)


def _made(session: Session, person_id: int, policy_id: str, year: int) -> list[_Made]:
    settlement, claim = Settlement, PaidLaterClaim
    settled = session.execute(
        select(
            _created("settlement", settlement.slip_number),
            settlement.settled_at,
            settlement.slip_number,
        ).where(
            settlement.person_id == person_id,
            settlement.policy_id == policy_id,
            settlement.year == year,
            settlement.voided.is_(False),
        )
    )
    claimed = session.execute(
        select(
            _created("paid_later_claim", claim.claim_number),
            claim.received_at,
            claim.claim_number,
        ).where(
            claim.person_id == person_id,
            claim.policy_id == policy_id,
            claim.year == year,
            claim.status != "returned",
            claim.kind != "year_end",  # a year-end sum counts nothing of its own
        )
    )
    return [
        _Made(-1 if created is None else created, at, number, kind)
        for kind, rows in ((True, settled), (False, claimed))
        for created, at, number in rows
    ]


def _created(entity: str, number):
    return (
        select(func.min(AuditEvent.id))
        .where(
            AuditEvent.entity == entity,
            AuditEvent.entity_id == number,
            AuditEvent.action == "create",
        )
        .scalar_subquery()
    )


def named_records(slips: list[str], claims: list[str]) -> str:
    """``counted_after``'s records as a message names them ("结算 …，事后报销 …")."""
    kinds = (("结算", slips), ("事后报销", claims))
    return "，".join(f"{kind} {'、'.join(numbers)}" for kind, numbers in kinds if numbers)


@cache
def _query() -> Prepared:
    """The three sources in one statement, built once and compiled once per dialect: building
    it, three round trips through the session and SQLAlchemy's work on each cost several times
    the query (issue 18, point 4).

    Rows are (source, pool, base, assistance, detail): a settlement's and another site's pool
    and amounts come from their columns (Money: Decimal, exact), their layers from ``detail``;
    a 事后报销 claim's all come from its result (``detail``), as computed at intake.
    """
    person, policy, year = bindparam("person"), bindparam("policy"), bindparam("year")
    settlement = Settlement.__table__
    settled = select(
        _source(SETTLED).label("source"),
        settlement.c.pool,
        settlement.c.base,
        settlement.c.assistance,
        settlement.c.result_json.label("detail"),
    ).where(
        settlement.c.person_id == person,
        settlement.c.policy_id == policy,
        settlement.c.year == year,
        settlement.c.voided.is_(False),
        settlement.c.eligible.is_(True),
    )
    claim = PaidLaterClaim.__table__
    paid_later = select(_source(PAID_LATER), null(), null(), null(), claim.c.result_json).where(
        claim.c.person_id == person,
        claim.c.policy_id == policy,
        claim.c.year == year,
        # Written into the statement, not bound: SQLite prepares a statement again on every
        # run when a bound value could decide whether a partial index (the live-claim one,
        # status <> 'returned') applies, which cost ten times the query.
        claim.c.status != literal_column("'returned'", String),
        claim.c.kind != literal_column("'year_end'", String),
    )
    people, elsewhere = Person.__table__, PaidElsewhere.__table__
    id_number = select(people.c.id_number).where(people.c.id == person).scalar_subquery()
    paid_elsewhere = select(
        _source(PAID_ELSEWHERE),
        elsewhere.c.pool,
        elsewhere.c.base,
        elsewhere.c.assistance,
        elsewhere.c.layers_json,
    ).where(
        elsewhere.c.id_number == id_number,
        elsewhere.c.policy_id == policy,
        elsewhere.c.year == year,
    )
    # Not ordered: the sums do not depend on the order, and sorting cost as much as the query.
    return Prepared(union_all(settled, paid_later, paid_elsewhere), "YearToDateRow")


def _source(number: int):
    """A source's number written into the statement (not bound: PostgreSQL must see its type)."""
    return literal_column(str(number), Integer)


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
