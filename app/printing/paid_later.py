"""The 受理回执 and the 公示 list of claims paid after discharge, from the store
(``app.printing.receipt`` draws them)."""

import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.money import ZERO
from app.printing.receipt import PublicityData, PublicityRow, ReceiptData, mask_name
from app.privacy import mask_id
from app.services.errors import ServiceError
from app.services.paid_later import KIND_NAMES, RETURNED, route_for, year_end_route
from app.services.policies import Policies, find_policy
from app.vocabulary import CATEGORY_NAMES
from db.models import PaidLaterClaim, Site


def publicity_data(
    session: Session, policy_id: str, year: int, *, policies: Policies | None = None, today=None
):
    """The 公示 list of a year's year-end claims (not returned), names masked as the policy's
    ``mask_name`` says."""
    loaded = find_policy(policies, policy_id)
    version = loaded.definition.version_on(date(year, 12, 31))
    route = None if version is None else year_end_route(version)
    if route is None:
        raise ServiceError("policy", f"政策“{loaded.id}”{year}年没有年底统一救助")
    query = (
        select(PaidLaterClaim)
        .where(
            PaidLaterClaim.policy_id == loaded.id,
            PaidLaterClaim.year == year,
            PaidLaterClaim.kind == "year_end",
            PaidLaterClaim.status != RETURNED,
        )
        .order_by(PaidLaterClaim.claim_number)
    )
    rows = []
    total = ZERO
    for claim in session.scalars(query):
        name = claim.person.name
        category = version.categories.get(claim.category)
        rows.append(
            PublicityRow(
                mask_name(name) if route.mask_name else name,
                category.name if category else CATEGORY_NAMES.get(claim.category, claim.category),
                str(claim.payable),
            )
        )
        total += claim.payable
    return PublicityData(
        title=route.name,
        year=year,
        office=route.office,
        clause=route.clause,
        days=route.publicity_days,
        rows=tuple(rows),
        total=str(total),
        printed_on=today or date.today(),
    )


def receipt_data(
    session: Session, claim: PaidLaterClaim, *, policies: Policies | None = None, mask=None
):
    """What the 受理回执 prints for ``claim``."""
    loaded = find_policy(policies, claim.policy_id)
    version = loaded.definition.version_on(claim.discharged_on)
    route = None if version is None else route_for(version, claim.facility, claim.category)
    site = session.get(Site, claim.site_code)
    return ReceiptData(
        claim_number=claim.claim_number,
        site_name=site.name,
        name=claim.person.name,
        id_number=(mask or mask_id)(claim.person.id_number),
        kind=KIND_NAMES[claim.kind],
        route=f"{route.name}，{route.clause}" if route else KIND_NAMES[claim.kind],
        office=route.office if route else site.name,
        hospital=claim.hospital,
        admitted_on=claim.admitted_on,
        discharged_on=claim.discharged_on,
        materials=tuple(f"{m['name']}（{m['clause']}）" for m in json.loads(claim.materials_json)),
        payable=str(claim.payable),
        received_at=claim.received_at,
        received_by=claim.received_by,
        review_due=claim.review_due,
        pay_due=claim.pay_due,
        bank=claim.bank,
        card_tail=claim.card_number[-4:],
    )
