"""How fast are settlement slips made, and how big is one?

Prints slips per second of ``render_slip`` (fonts already registered and parsed) for one slip
of each policy, settled by the real calculator, next to a baseline measured in the same run:
a bare ReportLab canvas drawing exactly the same text runs (same fonts, sizes and positions,
recorded from one real render) with no layout, font check, table rules or barcode. It also
prints the size of one slip PDF (both copies, A4) and of the baseline's PDF.

    python bench/slips.py [--seconds 2]
"""

import argparse
import io
import sys
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from app.policy import load_policies
from app.printing import typeset
from app.printing.from_contract import slip_from_contract
from app.printing.records import Patient, Site, SlipData
from app.printing.slip import render_slip
from app.settlement import settle_json

CLAIMS = [
    ("taierzhuang", "minimum_living", "county", "TEZ01"),
    ("lanxi", "illness_poverty", "county", "LX01"),
    ("weihai", "low_income", "grassroots", "WH01"),
    ("jingjiang", "registered_poor", "grassroots", "JJ01"),
    ("hunan", "registered_poor", "county", "HN01"),
]


def sample_slips() -> list[SlipData]:
    policies = load_policies()
    slips = []
    for number, (policy, category, facility, site) in enumerate(CLAIMS, 1):
        claim = {
            "policy": policy, "date": "2026-05-10", "category": category,
            "visit": "inpatient", "insurance": "resident", "facility": facility,
            "total": "52000.00", "out_of_catalog": "2000.00", "basic_insurance": "30000.00",
            "critical_illness": "5000.00", "other_compensation": "0.00",
        }  # fmt: skip
        slip_number = f"{site}-2026-{number:06d}"
        slips.append(
            slip_from_contract(
                claim=claim,
                result=settle_json(claim, policies),
                policy=policies[policy].definition,
                policy_sha256=policies[policy].sha256,
                document_id=slip_number,
                slip_number=slip_number,
                site=Site("示例县人民医院", site, "二级"),
                patient=Patient("测试甲", "男", "370405195003150018", "低保对象"),
                admission_number="ZY2026-0815",
                department="普通内科",
                diagnosis="社区获得性肺炎",
                admitted_on=date(2026, 4, 28),
                discharged_on=date(2026, 5, 10),
                clerk="窗口甲",
                settled_at=datetime(2026, 5, 10, 14, 32),
            )
        )
    return slips


def recorded_text(slip: SlipData) -> list[tuple]:
    """Every text run one real render draws: (font, size, x, y, text), in page coordinates
    relative to its frame (the baseline draws them on a plain A4 landscape page)."""
    runs: list[tuple] = []
    original = Canvas.drawString

    def record(canvas, x, y, text, *args, **kwargs):
        runs.append((canvas._fontname, canvas._fontsize, x, y, text))
        return original(canvas, x, y, text, *args, **kwargs)

    Canvas.drawString = record
    try:
        render_slip(slip)
    finally:
        Canvas.drawString = original
    return runs


def bare_canvas(runs: list[tuple]) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=landscape(A4), invariant=1, pageCompression=1)
    for font, size, x, y, text in runs:
        canvas.setFont(font, size)
        canvas.drawString(x, y, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def rate(func, seconds: float) -> float:
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        func()
        count += 1
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()

    slips = sample_slips()
    typeset.register_fonts()
    render_slip(slips[0])  # warm-up: parses both fonts' tables once
    runs = [recorded_text(slip) for slip in slips]

    def all_slips() -> None:
        for slip in slips:
            render_slip(slip)

    def all_bare() -> None:
        for recorded in runs:
            bare_canvas(recorded)

    slips_rate = rate(all_slips, args.seconds) * len(slips)
    bare_rate = rate(all_bare, args.seconds) * len(slips)
    print(f"slips (A4, two copies, {len(slips)} policies): {slips_rate:8.1f} per second")
    print(
        f"bare canvas, same text runs:           {bare_rate:8.1f} per second "
        f"(slip takes {bare_rate / slips_rate:.1f}x as long)"
    )
    print(f"text runs per slip: {sum(map(len, runs)) / len(runs):.0f}")
    for slip in (slips[0], slips[-1]):
        size = len(render_slip(slip))
        print(f"one slip PDF ({slip.policy.policy_id}, A4, both copies): {size / 1024:.1f} KiB")
    print(f"bare canvas PDF of the same text: {len(bare_canvas(runs[0])) / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
