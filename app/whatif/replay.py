"""Replay a year's settlements under a draft policy (威海 五(一): 科学测算 of the fund).

Each non-voided settlement of the year under the draft's policy id is taken in the order it was
settled, its claim (as stored, the ``settle`` contract's input) settled again by the same
calculator under the draft, with the person's year-to-date made of the draft's own results for
their earlier settlements in the replay. What other sites paid the person (the centre's
year-to-date file, ``paid_elsewhere``) counts from the start of the year in both, as it is.
"Today" is what was settled: the stored results, untouched. Claims paid after discharge (事后报销,
not returned; a 威海 year-end sum is its settlements) share the caps and deductibles at the
window, so each is replayed too, in its place in time (when it was taken in), as a case.
"""

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from sqlalchemy import select

from app.money import ZERO, D
from app.policy.funds import fund_of, layer_funds
from app.policy.loader import LoadedPolicy
from app.settlement import PoolToDate, YearToDate, settle
from app.settlement.claim import parse_request
from app.vocabulary import FUNDS
from db.models import PaidLaterClaim, Person, Settlement
from db.store import Store
from db.sync_models import PaidElsewhere


@dataclass
class Side:
    """One side's year (today's settlements, or the draft's): money in yuan."""

    assistance: Decimal = ZERO
    patient_pays: Decimal = ZERO
    by_fund: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(FUNDS, ZERO))
    by_month: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    by_category: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    capped: set[int] = field(default_factory=set)  # people who reached a cap

    def add(
        self,
        case: "CaseChange",
        result: dict,
        person_id: int,
        funds: Mapping[str, str] = MappingProxyType({}),
    ) -> None:
        """``funds``: the policy's (``layer_funds``), for a result stored before layers named
        their fund."""
        amount = D(result["assistance"])
        self.assistance += amount
        self.patient_pays += D(result["patient_pays"])
        for layer in result.get("layers", ()):
            fund = fund_of(layer, funds)
            self.by_fund[fund] = self.by_fund.get(fund, ZERO) + D(layer["amount"])
        self.by_month[case.month] += amount
        self.by_category[case.category] += amount
        left = result.get("cap_remaining")
        if left is not None and D(left) == ZERO:
            self.capped.add(person_id)


@dataclass(frozen=True)
class CaseChange:
    slip_number: str
    person_name: str
    category: str
    month: str
    today: Decimal  # assistance as settled
    draft: Decimal  # assistance under the draft
    today_pays: Decimal  # what the patient paid
    draft_pays: Decimal

    @property
    def difference(self) -> Decimal:
        return self.draft - self.today


@dataclass
class WhatIf:
    policy_id: str
    policy_title: str
    draft_path: str
    year: int
    today: Side
    draft: Side
    cases: list[CaseChange]

    @property
    def difference(self) -> Decimal:
        return self.draft.assistance - self.today.assistance

    def largest_changes(self, count: int = 10) -> list[CaseChange]:
        changed = [case for case in self.cases if case.difference]
        return sorted(changed, key=lambda case: (-abs(case.difference), case.slip_number))[:count]


class _Accounts:
    """Per person and pool: the base, assistance and layers of the draft's results so far."""

    def __init__(self, start: dict[int, dict[str, PoolToDate]]):
        self._pools: dict[int, dict[str, PoolToDate]] = defaultdict(dict, start)

    def year_to_date(self, person_id: int) -> YearToDate:
        pools = self._pools[person_id]
        return YearToDate(
            **{pool: pools.get(pool, PoolToDate()) for pool in ("inpatient", "outpatient")}
        )

    def add(self, person_id: int, result: dict) -> None:
        if not result["eligible"] or result["pool"] is None:
            return  # as at the window: a refused claim counts towards nothing
        pool = result["pool"]
        before = self._pools[person_id].get(pool, PoolToDate())
        layers = dict(before.layers)
        for layer in result["layers"]:
            layers[layer["code"]] = layers.get(layer["code"], ZERO) + D(layer["amount"])
        self._pools[person_id][pool] = PoolToDate(
            before.base + D(result["base"]),
            before.assistance + D(result["assistance"]),
            MappingProxyType(layers),
        )


def replay_year(
    store: Store, draft: LoadedPolicy, year: int, site_code: str | None = None
) -> WhatIf:
    """Settle the year again under ``draft`` (nothing is written); see the module's doc."""
    from app.services.policies import installed_policies

    installed = installed_policies().get(draft.id)
    names = _category_names(draft, installed)
    stored_funds = layer_funds((installed or draft).definition)
    query = (
        select(Settlement, Person.name)
        .join(Person, Person.id == Settlement.person_id)
        .where(
            Settlement.policy_id == draft.id,
            Settlement.year == year,
            Settlement.voided.is_(False),
        )
        .order_by(Settlement.settled_at, Settlement.id)
    )
    claims = (
        select(PaidLaterClaim, Person.name)
        .join(Person, Person.id == PaidLaterClaim.person_id)
        .where(
            PaidLaterClaim.policy_id == draft.id,
            PaidLaterClaim.year == year,
            PaidLaterClaim.status != "returned",
            PaidLaterClaim.kind != "year_end",
        )
    )
    if site_code is not None:
        query = query.where(Settlement.site_code == site_code)
        claims = claims.where(PaidLaterClaim.site_code == site_code)
    today, drafted, cases = Side(), Side(), []
    with store.read() as session:
        rows = [
            (s.settled_at, s.slip_number, s, name) for s, name in session.execute(query).all()
        ] + [(c.received_at, c.claim_number, c, name) for c, name in session.execute(claims).all()]
        rows.sort(key=lambda row: (row[0], row[1]))
        accounts = _Accounts(
            _paid_elsewhere(session, draft.id, year, {row[2].person_id for row in rows})
        )
    for when, number, settlement, person_name in rows:
        claim, _stored_ytd = parse_request(json.loads(settlement.claim_json))
        stored = json.loads(settlement.result_json)
        result = settle(
            draft.definition, claim, accounts.year_to_date(settlement.person_id)
        ).to_json()
        accounts.add(settlement.person_id, result)
        case = CaseChange(
            slip_number=number,
            person_name=person_name,
            category=names.get(claim.category, claim.category),
            month=when.strftime("%Y-%m"),
            today=D(stored["assistance"]),
            draft=D(result["assistance"]),
            today_pays=D(stored["patient_pays"]),
            draft_pays=D(result["patient_pays"]),
        )
        cases.append(case)
        today.add(case, stored, settlement.person_id, stored_funds)
        drafted.add(case, result, settlement.person_id)
    return WhatIf(draft.id, draft.definition.title, str(draft.path), year, today, drafted, cases)


def _paid_elsewhere(
    session, policy_id: str, year: int, people: set[int]
) -> dict[int, dict[str, PoolToDate]]:
    """What other sites paid these people this year (the centre's file), as a start."""
    if not people:
        return {}
    numbers = dict(
        session.execute(select(Person.id_number, Person.id).where(Person.id.in_(people))).all()
    )
    query = select(PaidElsewhere).where(
        PaidElsewhere.policy_id == policy_id,
        PaidElsewhere.year == year,
        PaidElsewhere.id_number.in_(numbers),
    )
    start: dict[int, dict[str, PoolToDate]] = defaultdict(dict)
    for row in session.scalars(query):
        person = numbers[row.id_number]
        before = start[person].get(row.pool, PoolToDate())
        layers = dict(before.layers)
        for code, amount in json.loads(row.layers_json).items():
            layers[code] = layers.get(code, ZERO) + D(amount)
        start[person][row.pool] = PoolToDate(
            before.base + row.base, before.assistance + row.assistance, MappingProxyType(layers)
        )
    return start


def _category_names(draft: LoadedPolicy, installed: LoadedPolicy | None) -> dict[str, str]:
    names: dict[str, str] = {}
    for loaded in (installed, draft):
        if loaded is not None:
            for version in loaded.definition.versions:
                names.update({code: c.name for code, c in version.categories.items()})
    return names
