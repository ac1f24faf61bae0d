"""Year-to-date paid at other sites, as last pulled from the centre, for ``year_to_date``."""

import json
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.money import D
from db.models import Person
from db.sync_models import PaidElsewhere


def add_paid_elsewhere(
    session: Session,
    person_id: int,
    policy_id: str,
    year: int,
    base: dict[str, Decimal],
    assistance: dict[str, Decimal],
    layers: dict[str, dict[str, Decimal]],
) -> None:
    """Add to the per-pool sums (yuan, Decimal; ``year_to_date``'s defaultdicts) what the
    centre's last year-to-date file says other sites paid the person under ``policy_id``."""
    id_number = select(Person.id_number).where(Person.id == person_id).scalar_subquery()
    query = select(PaidElsewhere).where(
        PaidElsewhere.id_number == id_number,
        PaidElsewhere.policy_id == policy_id,
        PaidElsewhere.year == year,
    )
    for row in session.scalars(query):
        base[row.pool] += row.base
        assistance[row.pool] += row.assistance
        for code, amount in json.loads(row.layers_json).items():
            layers[row.pool][code] += D(amount)
