"""Printing fixtures: one settled case per policy through the real calculator, and readers that
take a PDF back apart with real tools (pdftotext, pdftoppm + zbarimg)."""

import subprocess
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest

from app.printing.from_contract import slip_from_contract
from app.printing.records import Patient, Site
from app.settlement import settle_json

DISCHARGE = {
    "date": "2026-05-10",
    "visit": "inpatient",
    "insurance": "resident",
    "facility": "county",
    "total": "52000.00",
    "out_of_catalog": "2000.00",
    "basic_insurance": "30000.00",
    "critical_illness": "5000.00",
    "other_compensation": "0.00",
}


@dataclass(frozen=True)
class Case:
    """A discharge to settle under one policy, with its expected key amounts worked by hand."""

    policy: str
    claim: dict
    patient: Patient
    slip_number: str
    assistance: str
    paid_at_window: str
    patient_pays: str
    capitals: tuple[str, ...]
    hospital_reduction: str = "0.00"  # 医院减免: printed apart, never claimed
    advanced: str = ""  # 医院垫付 where it differs from paid_at_window


# Hand arithmetic (bill 52000, out-of-catalogue 2000, basic 30000, critical 5000):
CASES = {
    # base 52000−2000−30000−5000 = 15000; ×70% = 10500, but the annual cap is 10000.
    # patient pays 52000−30000−5000−10000 = 7000.
    "taierzhuang": Case(
        "taierzhuang",
        dict(DISCHARGE, policy="taierzhuang", category="minimum_living"),
        Patient("测试甲", "男", "370405195003150018", "低保对象"),
        "TEZ01-2026-000123",
        "10000.00",
        "10000.00",
        "7000.00",
        ("壹万元整", "柒仟元整"),
    ),
    # base 15000 × 70% (低保) = 10500; patient 52000−35000−10500 = 6500.
    "lanxi": Case(
        "lanxi",
        dict(DISCHARGE, policy="lanxi", category="minimum_living"),
        Patient("测试乙", "女", "330781196807120026", "低保对象"),
        "LX01-2026-000007",
        "10500.00",
        "10500.00",
        "6500.00",
        ("壹万零伍佰元整", "陆仟伍佰元整"),
    ),
    # total 62000: base 25000; 低收入 gets nothing below 20000 and 60% above:
    # 5000 × 60% = 3000, paid at year end, so 0 at the window; patient 62000−35000 = 27000.
    "weihai": Case(
        "weihai",
        dict(DISCHARGE, policy="weihai", category="low_income", total="62000.00"),
        Patient("测试丙", "男", "371002197001010011", "低收入救助对象"),
        "WH01-2026-000042",
        "3000.00",
        "0.00",
        "27000.00",
        ("叁仟元整", "零元整", "贰万柒仟元整"),
    ),
    # 靖江 keeps out-of-catalogue costs in the base: 52000−30000−5000 = 17000;
    # grassroots + resident insurance 80%: 13600; patient 52000−35000−13600 = 3400.
    "jingjiang": Case(
        "jingjiang",
        dict(DISCHARGE, policy="jingjiang", category="registered_poor", facility="grassroots"),
        Patient("测试丁", "女", "321282198502020047", "建档立卡贫困人口"),
        "JJ01-2026-000315",
        "13600.00",
        "13600.00",
        "3400.00",
        ("壹万叁仟陆佰元整", "叁仟肆佰元整"),
    ),
    # example county: deductible 5000; 特惠保 50% of 10000 = 5000; assistance 70% of the
    # 10000 left = 7000; hospital 10% of 3000 = 300; backstop 0 (4700 ≤ 10% of 52000).
    # total 12300; patient 52000−35000−12300 = 4700. The hospital's own 300 is not
    # advanced: the window claims 12300 − 300 = 12000.
    "hunan": Case(
        "hunan",
        dict(DISCHARGE, policy="hunan", category="registered_poor"),
        Patient("测试戊", "男", "430521195509090035", "建档立卡贫困人口"),
        "HN01-2026-000500",
        "12300.00",
        "12300.00",
        "4700.00",
        ("壹万贰仟叁佰元整", "叁佰元整", "壹万贰仟元整", "肆仟柒佰元整"),
        hospital_reduction="300.00",
        advanced="12000.00",
    ),
}
SITE = Site("示例县人民医院", "H4305210001", "二级甲等")


@pytest.fixture(params=sorted(CASES))
def case(request) -> Case:
    return CASES[request.param]


@pytest.fixture
def make_slip(policies):
    def make(case: Case, **changes):
        claim = dict(case.claim, **changes.pop("claim", {}))
        loaded = policies[case.policy]
        fields = dict(
            document_id=f"JS-{case.slip_number}",
            slip_number=case.slip_number,
            site=SITE,
            patient=case.patient,
            admission_number="ZY2026-0815",
            department="普通内科",
            diagnosis="社区获得性肺炎",
            admitted_on=date(2026, 4, 28),
            discharged_on=date(2026, 5, 10),
            clerk="窗口甲",
            settled_at=datetime(2026, 5, 10, 14, 32),
        )
        fields.update(changes)
        return slip_from_contract(
            claim=claim,
            result=settle_json(claim, policies),
            policy=loaded.definition,
            policy_sha256=loaded.sha256,
            **fields,
        )

    return make


def pdf_pages_text(pdf: bytes, tmp_path: Path) -> list[str]:
    """Each page's text as pdftotext reads it, with all whitespace removed."""
    path = tmp_path / "read.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return ["".join(page.split()) for page in out.split("\f") if page.strip()]


def decode_barcodes(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    """Per page, the Code 128 symbols zbarimg reads from a 150 dpi rendering."""
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(path), str(tmp_path / "scan")], check=True)
    pages = []
    for image in sorted(tmp_path.glob("scan-*.png")):
        result = subprocess.run(
            ["zbarimg", "-q", "--raw", "-Sdisable", "-Scode128.enable", str(image)],
            capture_output=True,
            text=True,
        )
        pages.append(result.stdout.split())
    return pages


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def read_text(tmp_path):
    return lambda pdf: pdf_pages_text(pdf, tmp_path)


@pytest.fixture
def read_barcodes(tmp_path):
    return lambda pdf: decode_barcodes(pdf, tmp_path)
