"""湖南's monitored indicators (三(三)): 次均住院费用, 住院可报比例, 自费比例, per month.

次均住院费用 = inpatient total ÷ inpatient settlements; 住院可报比例 = (basic insurance + critical
illness + assistance) ÷ total; 自费比例 = out-of-catalogue ÷ total. Ratios are Decimal fractions
rounded half-up to 0.0001 (0.01 %), the average to the fen."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.bundle.cases import BundleCase
from app.money import ZERO, round_fen

RATIO = Decimal("0.0001")


@dataclass(frozen=True)
class MonthIndicators:
    month: str
    inpatient_count: int
    average_cost: Decimal
    payable_ratio: Decimal
    self_pay_ratio: Decimal


def _ratio(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole).quantize(RATIO, rounding=ROUND_HALF_UP) if whole else ZERO


def monthly_indicators(cases: list[BundleCase]) -> list[MonthIndicators]:
    months: dict[str, list[BundleCase]] = defaultdict(list)
    for case in cases:
        if not case.voided and case.visit == "inpatient":
            months[case.month].append(case)
    rows = []
    for month, group in sorted(months.items()):
        total = sum((c.amounts["total"] for c in group), ZERO)
        payable = sum(
            (
                c.amounts["basic_insurance"]
                + c.amounts["critical_illness"]
                + c.amounts["assistance"]
                for c in group
            ),
            ZERO,
        )
        out_of_catalog = sum((c.amounts["out_of_catalog"] for c in group), ZERO)
        rows.append(
            MonthIndicators(
                month,
                len(group),
                round_fen(total / len(group)),
                _ratio(payable, total),
                _ratio(out_of_catalog, total),
            )
        )
    return rows
