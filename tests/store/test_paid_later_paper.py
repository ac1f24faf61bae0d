"""The paper and files of claims paid after discharge, read back with real tools: the 受理回执
and the 公示 list as PDFs (pdftotext, barcode decoded with zbarimg), the payment batch opened
by LibreOffice and its totals checked; and 威海's year end from the window's settlements."""

import csv
import shutil
import subprocess
import time
from datetime import datetime
from decimal import Decimal

import pytest

from app.bundle.payment_batch import csv_total, write_batch
from app.printing.paid_later import publicity_data, receipt_data
from app.printing.receipt import render_publicity, render_receipt
from app.services import Amounts, DischargeInput, register_admission, settle_discharge
from app.services.paid_later import (
    BankAccount,
    create_batch,
    get_batch,
    get_claim,
    review_claim,
    set_bank_account,
    year_end_claims,
)
from tests.store.helpers import admission, person, tick_all
from tests.store.test_paid_later import (
    CALENDAR,
    CARD,
    CLERK,
    JINGJIANG_REFERRAL,
    SUPERVISOR,
    intake,
)

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("zbarimg") is None,
    reason="poppler-utils / zbar-tools 未安装",
)


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return "".join(out.stdout.decode("utf-8").split())


def _barcodes(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(path), str(tmp_path / "scan")], check=True)
    found = []
    for image in sorted(tmp_path.glob("scan-*.png")):
        result = subprocess.run(
            ["zbarimg", "-q", "--raw", "-Sdisable", "-Scode128.enable", str(image)],
            capture_output=True,
            text=True,
        )
        found += result.stdout.split()
    return found


def _jingjiang_claim(store, make_site, sequence=1, **kw):
    make_site(code="JJ01", policy="jingjiang", facility="grassroots", name="靖江某镇卫生院")
    return intake(
        store,
        person(sequence, "jingjiang"),
        policy="jingjiang",
        facility="county",
        materials=JINGJIANG_REFERRAL,
        **kw,
    )


@needs_poppler
def test_the_receipt_names_the_claim_its_materials_and_pay_date(store, make_site, tmp_path):
    claim = _jingjiang_claim(store, make_site)
    with store.read() as session:
        data = receipt_data(session, get_claim(session, claim.claim_number))
    pdf = render_receipt(data)
    (tmp_path / "receipt.pdf").write_bytes(pdf)
    text = _text(pdf, tmp_path)
    for expected in (
        "事后报销受理回执",
        claim.claim_number,
        "2026-03-24前打卡支付",
        "救助对象本人身份证正反两面复印件（第二十四条(一)）",
        "转诊手续",
        "第二十三条",
        "5600.00",
        "尾号3446",
    ):
        assert expected in text, expected
    assert _barcodes(pdf, tmp_path) == [claim.claim_number]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice 未安装")
def test_the_payment_batch_opens_in_libreoffice_with_its_totals(store, make_site, tmp_path):
    make_site(code="JJ01", policy="jingjiang", facility="grassroots")
    numbers = []
    for sequence, total in ((11, "20000.00"), (12, "15000.50"), (13, "31000.00")):
        claim = intake(
            store,
            person(sequence, "jingjiang"),
            policy="jingjiang",
            facility="county",
            materials=JINGJIANG_REFERRAL,
            total=total,
        )
        review_claim(store, claim.claim_number, supervisor=SUPERVISOR, approve=True)
        numbers.append(claim.claim_number)
    batch = create_batch(store, clerk=CLERK)
    # 70 % of (total - 12000): 5600.00 + 2100.35 + 13300.00
    assert batch.total == Decimal("21000.35")
    with store.read() as session:
        folder = write_batch(get_batch(session, batch.batch_number), tmp_path)
    name = f"代发清单-{batch.batch_number}"
    assert csv_total((folder / f"{name}.csv").read_bytes()) == (3, Decimal("21000.35"))
    out = tmp_path / "converted"
    done = subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(out),
            str(folder / f"{name}.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader((out / f"{name}.csv").read_text("utf-8").splitlines()))
    assert rows[1] == ["序号", "户名", "开户银行", "银行卡号", "金额", "报销单号"]
    lines = rows[2:-1]
    assert [row[3] for row in lines] == [CARD] * 3  # still the whole card number, as text
    assert [row[5] for row in lines] == numbers
    amounts = [Decimal(row[4].replace(",", "")) for row in lines]
    assert sum(amounts) == Decimal(rows[-1][4].replace(",", "")) == Decimal("21000.35")
    assert rows[-1][:2] == ["合计", "3笔"]


def _weihai_stay(store, who, number, when, total, basic, category="low_income"):
    form = admission(who, number=number, admitted_at=when, category=category)
    admission_id = register_admission(store, form, clerk=CLERK, now=when).admission_id
    tick_all(store, admission_id)
    out = when.replace(day=when.day + 6)
    return settle_discharge(
        store,
        DischargeInput(admission_id, out, Amounts(total, "0", basic)),
        clerk=CLERK,
        now=datetime(2026, 12, 1),
    )


@needs_poppler
def test_a_weihai_year_end_list_from_the_window_settlements(store, make_site, tmp_path):
    make_site(code="WH01", policy="weihai", facility="county", name="威海某医院")
    zhang = person(21, "weihai", name="张三丰")
    li = person(22, "weihai", name="李四")
    s1 = _weihai_stay(store, zhang, "ZY1", datetime(2026, 3, 1, 8), "30000.00", "18000.00")
    s2 = _weihai_stay(store, zhang, "ZY2", datetime(2026, 8, 1, 8), "25000.00", "11000.00")
    s3 = _weihai_stay(store, li, "ZY3", datetime(2026, 5, 1, 8), "50000.00", "20000.00")
    # 二(二)2: nothing below 20000 of the year's base, 60 % above it; the year counted over
    # both of 张's stays (12000 + 14000): 6000 × 60 % = 3600; 李: (30000 - 20000) × 60 %
    assert [s.assistance for s in (s1, s2, s3)] == [
        Decimal("0.00"),
        Decimal("3600.00"),
        Decimal("6000.00"),
    ]
    # a key class settles at the window and is not in the year-end list
    _weihai_stay(
        store,
        person(23, "weihai"),
        "ZY4",
        datetime(2026, 5, 1, 8),
        "8000.00",
        "5000.00",
        category="minimum_living",
    )
    assert [s.paid_at_window for s in (s1, s2, s3)] == [Decimal("0.00")] * 3
    made = year_end_claims(
        store, "weihai", 2026, clerk=CLERK, calendar=CALENDAR, now=datetime(2026, 12, 1, 9)
    )
    assert [c.payable for c in made] == [s1.assistance + s2.assistance, s3.assistance]
    assert year_end_claims(store, "weihai", 2026, clerk=CLERK, calendar=CALENDAR) == []
    with store.read() as session:
        data = publicity_data(session, "weihai", 2026)
    assert [(r.name, r.category) for r in data.rows] == [
        ("张**", "低收入救助对象"),
        ("李*", "低收入救助对象"),
    ]
    pdf = render_publicity(data)
    (tmp_path / "publicity.pdf").write_bytes(pdf)
    text = _text(pdf, tmp_path)
    assert "2026年度年底统一救助公示名单" in text and "张**" in text and "张三丰" not in text
    assert "公示期3天" in text and str(s1.assistance + s2.assistance) in text

    # after approval they go into a payment batch once their accounts are on file
    for claim in made:
        review_claim(store, claim.claim_number, supervisor=SUPERVISOR, approve=True)
    with pytest.raises(Exception, match="银行账户"):
        create_batch(store, clerk=CLERK, site_code="WH01")
    for claim, name in zip(made, ("张三丰", "李四"), strict=True):
        changed = set_bank_account(
            store, claim.claim_number, BankAccount(name, "威海农商银行", CARD), clerk=CLERK
        )
        assert changed.status == "received"  # who is paid is approved again, by a supervisor
    with pytest.raises(Exception, match="代发清单为空"):
        create_batch(store, clerk=CLERK, site_code="WH01")
    for claim in made:
        review_claim(store, claim.claim_number, supervisor=SUPERVISOR, approve=True)
    batch = create_batch(store, clerk=CLERK, site_code="WH01")
    assert batch.total == sum((c.payable for c in made), Decimal(0))


def test_claim_bundles_carry_the_claims_paid_in_the_period_apart_per_fund(
    store, make_site, tmp_path, policies
):
    import json as _json

    from openpyxl import load_workbook

    from app.bundle.export import export_bundle
    from app.bundle.manifest import verify_bundle
    from app.services.paid_later import BankResult, mark_results

    claim = _jingjiang_claim(store, make_site)
    review_claim(store, claim.claim_number, supervisor=SUPERVISOR, approve=True)
    batch = create_batch(store, clerk=CLERK, now=datetime(2026, 3, 18, 9))
    mark_results(
        store,
        batch.batch_number,
        [BankResult(claim.claim_number, True)],
        clerk=CLERK,
        now=datetime(2026, 4, 2, 10),
    )
    # a window settlement of the same site in March and in April (靖江 claims by month)
    for number, day in (("ZY1", 3), ("ZY2", 4)):
        who = person(30 + day, "jingjiang")
        form = admission(who, number=number, admitted_at=datetime(2026, day, 1, 8))
        admission_id = register_admission(
            store, form, clerk=CLERK, now=datetime(2026, day, 1, 8)
        ).admission_id
        tick_all(store, admission_id)
        settle_discharge(
            store,
            DischargeInput(
                admission_id, datetime(2026, day, 5, 9), Amounts("5000.00", "0", "3000.00")
            ),
            clerk=CLERK,
            now=datetime(2026, day, 5, 10),
        )
    march = export_bundle(store, policies, period_text="2026-03", target_dir=tmp_path)
    manifest = _json.loads((march.path / "manifest.json").read_text("utf-8"))
    assert "paid_later" not in manifest  # received in March, paid in April
    april = export_bundle(store, policies, period_text="2026-04", target_dir=tmp_path)
    manifest = _json.loads((april.path / "manifest.json").read_text("utf-8"))
    later = manifest["paid_later"]
    assert (later["count"], later["total"]) == (1, "5600.00")
    assert later["by_fund"] == {"medical_assistance": "5600.00"}
    assert later["claims"][0]["claim_number"] == claim.claim_number
    # the window's own totals do not include it
    assert manifest["totals"]["count"] == 1
    assert manifest["totals"]["assistance"] == str(april.totals.sums["assistance"])
    assert Decimal(manifest["totals"]["assistance"]) < Decimal("5600.00")
    sheet = load_workbook(april.path / "paid_later.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][0] == claim.claim_number and rows[-1][0] == "合计"
    assert Decimal(str(rows[-1][-1])) == Decimal("5600.00")
    assert verify_bundle(april.path).problems == ()


def test_a_stay_in_a_year_end_claim_is_voided_only_after_the_claim_is_returned(store, make_site):
    from app.services import void_settlement

    make_site(code="WH01", policy="weihai", facility="county")
    who = person(24, "weihai")
    when = datetime(2026, 3, 1, 8)
    # (40000 − 10000 − 20000) × 60 % = 6000, 低收入, paid at the year end
    first = _weihai_stay(store, who, "ZY1", when, "40000.00", "10000.00")
    (claim,) = year_end_claims(store, "weihai", 2026, clerk=CLERK, calendar=CALENDAR)
    assert claim.payable == first.assistance == Decimal("6000.00")
    with pytest.raises(Exception, match=f"年底统一救助申请 {claim.claim_number}.*退回该申请"):
        void_settlement(store, first.slip_number, reason="总费用录错", clerk=SUPERVISOR)
    review_claim(
        store, claim.claim_number, supervisor=SUPERVISOR, approve=False, reason="总费用录错"
    )
    void_settlement(store, first.slip_number, reason="总费用录错", clerk=SUPERVISOR)
    corrected = settle_discharge(
        store,
        DischargeInput(
            first.admission_id, datetime(2026, 3, 7, 8), Amounts("35000.00", "0", "10000.00")
        ),
        clerk=CLERK,
        now=datetime(2026, 12, 1),
    )
    assert corrected.assistance == Decimal("3000.00")  # (25000 − 20000) × 60 %
    (again,) = year_end_claims(store, "weihai", 2026, clerk=CLERK, calendar=CALENDAR)
    assert again.payable == Decimal("3000.00")
    assert corrected.slip_number in again.claim_json and first.slip_number not in again.claim_json
    # once approved, none of its stays can be voided
    review_claim(store, again.claim_number, supervisor=SUPERVISOR, approve=True)
    with pytest.raises(Exception, match="已审核，不能再作废"):
        void_settlement(store, corrected.slip_number, reason="再改", clerk=SUPERVISOR)


def test_each_site_and_each_later_stay_gets_its_year_end_claim(store, make_site):
    from app.services import save_site

    make_site(code="WH01", policy="weihai", facility="county")
    save_site(
        store,
        code="WH02",
        name="二院区",
        facility="county",
        default_policy="weihai",
        clerk="管理员",
        make_current=False,
    )
    who = person(25, "weihai")

    def stay(site, number, month, total):
        when = datetime(2026, month, 1, 8)
        form = admission(who, number=number, admitted_at=when, category="low_income")
        made = register_admission(store, form, clerk=CLERK, site_code=site, now=when)
        tick_all(store, made.admission_id)
        return settle_discharge(
            store,
            DischargeInput(
                made.admission_id, when.replace(day=10), Amounts(total, "0", "20000.00")
            ),
            clerk=CLERK,
            now=datetime(2026, 12, 20),
        )

    # the year's base counted over both sites: 25000 → 3000; then 10000 more → 6000
    at_one, at_two = stay("WH01", "ZY1", 3, "45000.00"), stay("WH02", "ZY2", 6, "30000.00")
    assert (at_one.assistance, at_two.assistance) == (Decimal("3000.00"), Decimal("6000.00"))
    runs = {
        site: year_end_claims(store, "weihai", 2026, clerk=CLERK, site_code=site, calendar=CALENDAR)
        for site in ("WH01", "WH02")
    }
    assert [c.payable for c in runs["WH01"]] == [Decimal("3000.00")]
    assert [c.payable for c in runs["WH02"]] == [Decimal("6000.00")]
    # a stay settled after the run is paid by a further claim; the earlier ones are not again
    late = stay("WH01", "ZY3", 11, "25000.00")  # 5000 more of base at 60 %
    assert late.assistance == Decimal("3000.00")
    (further,) = year_end_claims(
        store, "weihai", 2026, clerk=CLERK, site_code="WH01", calendar=CALENDAR
    )
    assert further.payable == Decimal("3000.00") and late.slip_number in further.claim_json
    assert year_end_claims(store, "weihai", 2026, clerk=CLERK, site_code="WH01") == []


def test_a_different_list_never_replaces_a_payment_batch_of_the_same_number(
    store, make_site, tmp_path
):
    from app.services import save_site
    from app.services.errors import ServiceError
    from db import open_store

    def one_batch(into, sequence):
        claim = intake(
            into,
            person(sequence, "jingjiang"),
            policy="jingjiang",
            facility="county",
            materials=JINGJIANG_REFERRAL,
        )
        review_claim(into, claim.claim_number, supervisor=SUPERVISOR, approve=True)
        return create_batch(into, clerk=CLERK).batch_number

    def write(into, number):
        with into.read() as session:
            return write_batch(get_batch(session, number), tmp_path / "bank")

    make_site(code="JJ01", policy="jingjiang", facility="grassroots")
    (tmp_path / "bank").mkdir()
    sent = one_batch(store, 14)
    folder = write(store, sent)
    time.sleep(1.1)  # the XLSX carries the second it was written
    assert write(store, sent) == folder  # the same list again: fine
    # A store restored from before that batch numbers its next one the same.
    restored = open_store(tmp_path / "restored.sqlite3", data_dir=tmp_path / "restored")
    try:
        save_site(
            restored,
            code="JJ01",
            name="靖江某镇卫生院",
            facility="grassroots",
            default_policy="jingjiang",
            clerk="管理员",
        )
        other = one_batch(restored, 15)
        assert other == sent
        before = (folder / "manifest.json").read_bytes()
        with pytest.raises(ServiceError, match="已有一份内容不同的代发清单"):
            write(restored, other)
        assert (folder / "manifest.json").read_bytes() == before
    finally:
        restored.close()
