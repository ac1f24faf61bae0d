"""How fast is the calculator, and what does loading the policies cost?

Prints settlements per second of ``settle`` (policies already loaded) over a mix of claims for
all five policies, next to a baseline measured in the same run: the bare Decimal arithmetic of
one tier (base × rate, capped, rounded) that any calculator must at least do. It also prints
the cost of loading and validating all policy files next to merely parsing their TOML.

    python bench/settle.py [--seconds 2]
"""

import argparse
import sys
import time
import tomllib
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.paths import policies_dir
from app.policy import load_policies
from app.settlement import Claim, PoolToDate, YearToDate, settle

CLAIMS = [
    ("taierzhuang", "minimum_living", "inpatient", "resident", "county"),
    ("lanxi", "illness_poverty", "inpatient", "employee", "county"),
    ("weihai", "low_income", "inpatient", "resident", "grassroots"),
    ("jingjiang", "registered_poor", "outpatient_special", "resident", "grassroots"),
    ("hunan", "registered_poor", "inpatient", "resident", "county"),
]


def sample_claims() -> list[Claim]:
    return [
        Claim(
            policy=policy,
            date=date(2026, 5, 10),
            category=category,
            visit=visit,
            insurance=insurance,
            facility=facility,
            referral_approved=False,
            cause=None,
            total=Decimal("52000.00"),
            out_of_catalog=Decimal("2000.00"),
            basic_insurance=Decimal("30000.00"),
            critical_illness=Decimal("5000.00"),
            other_compensation=Decimal("0.00"),
        )
        for policy, category, visit, insurance, facility in CLAIMS
    ]


def rate(func, seconds: float) -> float:
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(100):
            func()
        count += 100
    return count / elapsed


def best_of(func, repeats: int = 5) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()

    policies = load_policies()
    claims = sample_claims()
    year_to_date = YearToDate(
        inpatient=PoolToDate(base=Decimal("8000.00"), assistance=Decimal("5600.00"))
    )
    index = iter(range(10**12))

    def one_settlement():
        claim = claims[next(index) % len(claims)]
        settle(policies[claim.policy].definition, claim, year_to_date)

    cap, fen = Decimal("80000"), Decimal("0.01")

    def bare_arithmetic():
        base = Decimal("52000.00") - Decimal("2000.00") - Decimal("30000.00") - Decimal("5000.00")
        min(base * Decimal("0.70"), cap - Decimal("5600.00")).quantize(fen, ROUND_HALF_UP)

    calculator = rate(one_settlement, args.seconds)
    baseline = rate(bare_arithmetic, args.seconds)
    print(f"calculator: {calculator:12,.0f} settlements/s (5 policies, steps included)")
    print(f"baseline:   {baseline:12,.0f} bare tier computations/s")
    print(f"ratio:      calculator runs at {calculator / baseline:.3f} × the bare arithmetic")

    files = sorted(policies_dir().glob("*.toml"))
    load = best_of(load_policies)
    parse = best_of(
        lambda: [tomllib.loads(p.read_text("utf-8"), parse_float=Decimal) for p in files]
    )
    print(f"load + validate {len(files)} policies: {load * 1000:8.2f} ms")
    print(f"TOML parse only (baseline):   {parse * 1000:8.2f} ms")
    print(f"ratio:      validation costs {load / parse:.2f} × the bare parse")


if __name__ == "__main__":
    main()
