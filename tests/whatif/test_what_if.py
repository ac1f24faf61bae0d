"""What-if on the demo store: a draft that raises one rate, replayed over the year; totals
equal to settling every case again by hand through the settle contract; nothing in the store
changes; the XLSX and the PDF carry the same figures."""

import hashlib
import io
import json
import subprocess
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.cli import main
from app.demo import build_demo
from app.policy import load_policies
from app.policy.loader import load_draft_file
from app.services.year_to_date import to_contract
from app.settlement import PoolToDate, YearToDate, layer_codes, settle_json
from app.vocabulary import POOLS
from app.whatif import replay_year
from app.whatif.report_pdf import whatif_pdf
from app.whatif.report_xlsx import whatif_xlsx
from db import open_store
from db.models import Settlement

POLICIES = Path(__file__).resolve().parents[2] / "policies"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("whatif") / "demo.sqlite3"
    store = open_store(str(path))
    build_demo(store, today=date(2026, 11, 20))
    store.close()
    return path


def _draft(tmp_path, policy_id: str, old: str, new: str) -> Path:
    text = (POLICIES / f"{policy_id}.toml").read_text("utf-8")
    assert text.count(old) == 1
    draft = tmp_path / "DRAFT.toml"
    draft.write_text(text.replace(old, new), "utf-8")
    return draft


def _by_hand(store, draft_path: Path, year: int) -> tuple[Decimal, Decimal, dict]:
    """Every case settled again through the contract, its year-to-date the draft's earlier
    results for the same person (all layers listed, as the contract asks)."""
    loaded = load_draft_file(draft_path)
    policies = {**load_policies(), loaded.id: loaded}
    with store.read() as session:
        rows = session.scalars(
            select(Settlement)
            .where(Settlement.policy_id == loaded.id, Settlement.year == year)
            .where(Settlement.voided.is_(False))
            .order_by(Settlement.settled_at, Settlement.id)
        ).all()
        claims = [(s.person_id, json.loads(s.claim_json), s.assistance) for s in rows]
    earlier: dict[int, list[dict]] = defaultdict(list)
    total, today, per_slip = Decimal(0), Decimal(0), {}
    for person_id, claim, stored in claims:
        pools = {}
        for pool in POOLS:
            mine = [r for r in earlier[person_id] if r["eligible"] and r["pool"] == pool]
            layers: dict[str, Decimal] = defaultdict(Decimal)
            for result in mine:
                for layer in result["layers"]:
                    layers[layer["code"]] += Decimal(layer["amount"])
            pools[pool] = PoolToDate(
                sum((Decimal(r["base"]) for r in mine), Decimal(0)),
                sum((Decimal(r["assistance"]) for r in mine), Decimal(0)),
                dict(layers),
            )
        version = loaded.definition.version_on(date.fromisoformat(claim["date"]))
        codes = {pool: layer_codes(version, pool) for pool in POOLS}
        claim["year_to_date"] = to_contract(YearToDate(**pools), codes)
        result = settle_json(claim, policies)
        earlier[person_id].append(result)
        total += Decimal(result["assistance"])
        today += stored
        per_slip[len(per_slip)] = result["assistance"]
    return today, total, per_slip


@pytest.mark.parametrize(
    ("policy_id", "old", "new"),
    [
        ("lanxi", 'rate = 0.70, clause = "三(二)1"', 'rate = 0.80, clause = "三(二)1"'),
        (
            "hunan",
            'rate = 0.70, clause = "二(五)；示例县参数"',
            'rate = 0.75, clause = "二(五)；示例县参数"',
        ),
    ],
)
def test_draft_totals_equal_settling_every_case_again_by_hand(demo, tmp_path, policy_id, old, new):
    draft = _draft(tmp_path, policy_id, old, new)
    before = hashlib.sha256(demo.read_bytes()).hexdigest()
    store = open_store(str(demo))
    try:
        run = replay_year(store, load_draft_file(draft), 2026)
        today, drafted, _ = _by_hand(store, draft, 2026)
    finally:
        store.close()
    assert run.cases
    assert run.today.assistance == today
    assert run.draft.assistance == drafted
    assert run.draft.assistance != run.today.assistance  # the draft changes something
    assert sum(run.draft.by_fund.values()) == run.draft.assistance
    assert sum(run.draft.by_month.values()) == run.draft.assistance
    assert sum(run.draft.by_category.values()) == run.draft.assistance
    assert hashlib.sha256(demo.read_bytes()).hexdigest() == before  # nothing written


def test_command_writes_xlsx_and_pdf_with_the_same_totals(demo, tmp_path, capsys):
    draft = _draft(
        tmp_path, "lanxi", 'rate = 0.70, clause = "三(二)1"', 'rate = 0.80, clause = "三(二)1"'
    )
    out = tmp_path / "out"
    out.mkdir()
    code = main(
        [
            "--db",
            str(demo),
            "what-if",
            "--policy-file",
            str(draft),
            "--year",
            "2026",
            "--out",
            str(out),
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    store = open_store(str(demo))
    try:
        run = replay_year(store, load_draft_file(draft), 2026)
    finally:
        store.close()
    assert f"现行 {run.today.assistance} 元，草案 {run.draft.assistance} 元" in printed
    book = load_workbook(io.BytesIO((out / "what-if.xlsx").read_bytes()))
    summary = {row[0]: row[1:] for row in book["汇总"].iter_rows(min_row=3, values_only=True)}
    assert Decimal(str(summary["救助合计"][0])) == run.today.assistance
    assert Decimal(str(summary["救助合计"][1])) == run.draft.assistance
    assert book["按月"]._charts and book["按类别"]._charts
    text = subprocess.run(
        ["pdftotext", "-layout", str(out / "what-if.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(run.draft.assistance) in text and str(run.today.assistance) in text
    assert "第 1 页 共" in text or "第1页共" in text.replace(" ", "")
    fonts = subprocess.run(
        ["pdffonts", str(out / "what-if.pdf")], capture_output=True, text=True
    ).stdout
    assert "Helvetica" not in fonts
    assert whatif_pdf(run)[:4] == b"%PDF" and whatif_xlsx(run)[:2] == b"PK"


def test_a_broken_draft_is_refused_naming_the_key(demo, tmp_path, capsys):
    draft = _draft(
        tmp_path, "lanxi", 'rate = 0.70, clause = "三(二)1"', 'rate = 1.70, clause = "三(二)1"'
    )
    code = main(["--db", str(demo), "what-if", "--policy-file", str(draft), "--year", "2026"])
    assert code == 2
    assert "rate" in capsys.readouterr().err


def test_a_fund_the_draft_pays_and_today_does_not_is_reported(demo, tmp_path):
    """Today's 0.00 for a fund the draft pays (a layer added, or results stored before layers
    named their fund) was printed as the integer 0, which the money format refused."""
    draft = _draft(
        tmp_path, "lanxi", 'rate = 0.70, clause = "三(二)1"', 'rate = 0.80, clause = "三(二)1"'
    )
    store = open_store(str(demo))
    try:
        run = replay_year(store, load_draft_file(draft), 2026)
    finally:
        store.close()
    run.today.by_fund["insurer"] = Decimal("0.00")
    run.draft.by_fund["insurer"] = Decimal("12.34")
    pdf = tmp_path / "what-if.pdf"
    pdf.write_bytes(whatif_pdf(run))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    line = next(row for row in text.splitlines() if "商业保险" in row)
    assert "0.00" in line and "12.34" in line
    book = load_workbook(io.BytesIO(whatif_xlsx(run)))
    rows = {row[0]: row[1:3] for row in book["汇总"].iter_rows(min_row=3, values_only=True)}
    insurer = next(values for name, values in rows.items() if name and "商业保险" in name)
    assert [Decimal(str(v)) for v in insurer] == [Decimal("0"), Decimal("12.34")]
