"""Claims paid after discharge (事后报销) in a claim bundle: those the bank paid within the
period, apart from the window's settlements, with what each fund bears.

The bundle gets ``paid_later.xlsx`` (one row per claim, a column per fund, a totals row) and
its manifest a ``paid_later`` section (the claims and the per-fund totals); the window's
report and totals are unchanged, so a bank payment never alters what the window advanced.
"""

import io
import json
from decimal import Decimal

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.bundle.period import ClaimPeriod
from app.money import ZERO, fmt
from app.sheet_cells import as_text
from app.vocabulary import ASSISTANCE_FUND, FUND_NAMES, HOSPITAL_FUND
from db.models import PaidLaterClaim

XLSX = "paid_later.xlsx"
KINDS = {
    "referred": "转诊住院",
    "out_of_area": "区（县）外住院",
    "manual": "手工结报",
    "year_end": "年底统一救助",
}


def paid_in_period(
    session: Session, site_code: str, policy_id: str, period: ClaimPeriod
) -> list[PaidLaterClaim]:
    query = (
        select(PaidLaterClaim)
        .where(
            PaidLaterClaim.site_code == site_code,
            PaidLaterClaim.policy_id == policy_id,
            PaidLaterClaim.status == "paid",
            PaidLaterClaim.paid_at >= period.start,
            PaidLaterClaim.paid_at < period.after_last,
        )
        .order_by(PaidLaterClaim.paid_at, PaidLaterClaim.claim_number)
    )
    return list(session.scalars(query))


def funds_of(claim: PaidLaterClaim) -> dict[str, Decimal]:
    """What each fund paid of the claim (the hospital's own reduction is never paid)."""
    result = json.loads(claim.result_json)
    funds: dict[str, Decimal] = {}
    for layer in result.get("layers", ()):
        if layer["fund"] != HOSPITAL_FUND:
            funds[layer["fund"]] = funds.get(layer["fund"], ZERO) + Decimal(layer["amount"])
    return funds or {ASSISTANCE_FUND: claim.payable}


def summary(claims: list[PaidLaterClaim]) -> dict:
    by_fund: dict[str, Decimal] = {}
    rows = []
    for claim in claims:
        funds = funds_of(claim)
        for fund, amount in funds.items():
            by_fund[fund] = by_fund.get(fund, ZERO) + amount
        rows.append(
            {
                "claim_number": claim.claim_number,
                "kind": claim.kind,
                "paid_at": claim.paid_at.isoformat(),
                "payable": fmt(claim.payable),
                "by_fund": {fund: fmt(amount) for fund, amount in sorted(funds.items())},
            }
        )
    return {
        "count": len(claims),
        "total": fmt(sum((claim.payable for claim in claims), ZERO)),
        "by_fund": {fund: fmt(amount) for fund, amount in sorted(by_fund.items())},
        "claims": rows,
    }


def paid_later_xlsx(claims: list[PaidLaterClaim], title: str) -> bytes:
    funds = sorted({fund for claim in claims for fund in funds_of(claim)})
    book = Workbook()
    sheet = book.active
    sheet.title = "事后报销"
    sheet.append([title])
    sheet.append(
        ["报销单号", "姓名", "类别", "就诊医院", "入院日期", "出院日期", "支付日期"]
        + [FUND_NAMES.get(fund, fund) for fund in funds]
        + ["合计"]
    )
    sums = dict.fromkeys(funds, ZERO)
    for claim in claims:
        paid = funds_of(claim)
        for fund in funds:
            sums[fund] += paid.get(fund, ZERO)
        sheet.append(
            [
                claim.claim_number,
                claim.person.name,
                KINDS.get(claim.kind, claim.kind),
                claim.hospital,
                claim.admitted_on.isoformat(),
                claim.discharged_on.isoformat(),
                claim.paid_at.date().isoformat(),
            ]
            + [paid.get(fund, ZERO) for fund in funds]
            + [claim.payable]
        )
        for cell in sheet[sheet.max_row][:7]:
            as_text(cell)
    sheet.append(
        ["合计", f"{len(claims)}笔", None, None, None, None, None]
        + [sums[fund] for fund in funds]
        + [sum((claim.payable for claim in claims), ZERO)]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
