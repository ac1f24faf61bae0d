"""A 湖南 month claimed fund by fund: the advance split into 扶贫特惠保, 医疗救助 and 财政兜底,
and the hospital's own reduction shown apart and never claimed (issue 12, point 8)."""

import io
import json
import subprocess
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.bundle.export import export_bundle
from app.bundle.manifest import verify_bundle
from app.policy import load_policies
from app.services import Amounts, DischargeInput, register_admission, save_site, settle_discharge
from db import open_store
from tests.store.helpers import admission, person, tick_all


@pytest.fixture
def hunan_month(tmp_path):
    policies = load_policies()
    store = open_store(str(tmp_path / "desk.sqlite3"))
    save_site(
        store,
        code="HN01",
        name="示例县人民医院",
        facility="county",
        default_policy="hunan",
        clerk="管理员",
    )
    # (total, basic insurance, facility, referral approved)
    stays = [
        ("100000.00", "60000.00", "county", False),  # 12500 / 12250 / 525 / 0
        ("50000.00", "10000.00", "county", False),  # 17500 / 15750 / 675 / 1075
        ("100000.00", "60000.00", "outside", True),  # office: nothing advanced
    ]
    for sequence, (total, basic, facility, referral) in enumerate(stays, start=1):
        admitted = datetime(2026, 5, 2 * sequence, 9, 0)
        form = admission(
            person(sequence, policy="hunan"),
            number=f"ZY{sequence:03d}",
            admitted_at=admitted,
            category="registered_poor",
            facility=facility,
            referral_approved=referral,
            referral_number="ZZ2026-0001" if referral else None,
        )
        done = register_admission(store, form, clerk="王", policies=policies, now=admitted)
        tick_all(store, done.admission_id)
        discharged = admitted + timedelta(days=5)
        critical = "10000.00" if total == "100000.00" else "0.00"
        settle_discharge(
            store,
            DischargeInput(
                done.admission_id,
                discharged,
                Amounts(total=total, basic_insurance=basic, critical_illness=critical),
            ),
            clerk="王",
            policies=policies,
            now=discharged,
        )
    yield store, policies
    store.close()


def test_hunan_bundle_claims_each_fund_and_not_the_hospital_reduction(hunan_month, tmp_path):
    store, policies = hunan_month
    target = tmp_path / "usb"
    target.mkdir()
    report = export_bundle(store, policies, period_text="2026-05", target_dir=target)
    assert verify_bundle(report.path).ok
    manifest = json.loads((report.path / "manifest.json").read_text("utf-8"))
    totals = manifest["totals"]
    # Worked by hand (policies/tests/hunan.toml, the first two cases); the referred stay is
    # settled at the insurance centre and advances nothing.
    assert totals["by_fund"] == {
        "medical_assistance": "28000.00",  # 12250 + 15750
        "insurer": "30000.00",  # 特惠保 12500 + 17500
        "fiscal": "1075.00",
    }
    assert totals["hospital_reduction"] == "1200.00"  # 525 + 675, the hospital's own
    assert totals["advanced"] == "59075.00"
    assert sum(Decimal(v) for v in totals["by_fund"].values()) == Decimal(totals["advanced"])
    assert Decimal(totals["paid_at_window"]) == Decimal("60275.00")  # advanced + reduction
    assert "hospital" not in totals["by_fund"]

    book = load_workbook(io.BytesIO((report.path / "report.xlsx").read_bytes()))
    funds = {row[0]: row[1] for row in book["按资金汇总"].iter_rows(min_row=2, values_only=True)}
    assert funds["医疗救助资金"] == 28000
    assert funds["合计申报（医院垫付）"] == 59075
    assert funds["医院减免（医院自担，不申报）"] == 1200
    detail = list(book["明细"].iter_rows(values_only=True))
    column = {title: index for index, title in enumerate(detail[0])}
    assert detail[-1][column["医院垫付（申报）"]] == 59075
    assert detail[-1][column["申报：商业保险（承办保险公司）"]] == 30000


def test_report_pdf_lists_funds_and_keeps_the_reduction_out(hunan_month, tmp_path):
    store, policies = hunan_month
    target = tmp_path / "usb"
    target.mkdir()
    report = export_bundle(store, policies, period_text="2026-05", target_dir=target)
    done = subprocess.run(
        ["pdftotext", "-layout", str(report.path / "report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    text = "".join(done.stdout.split())
    assert "按资金申报（医院减免由医院自担，不在申报金额内）" in text
    assert "医疗救助资金28000.00" in text
    assert "财政兜底资金1075.00" in text
    assert "合计申报（医院垫付）59075.00" in text
    assert "医院减免（医院自担，不申报）1200.00" in text


def test_categories_are_named_as_the_policy_file_names_them(tmp_path):
    """湖南's file says 特困人员 where the common name is 特困供养人员: the bundle follows the file."""
    policies = load_policies()
    store = open_store(str(tmp_path / "desk.sqlite3"))
    save_site(
        store, code="HN01", name="示例县人民医院", facility="county", default_policy="hunan",
        clerk="管理员",
    )  # fmt: skip
    admitted = datetime(2026, 5, 2, 9, 0)
    form = admission(person(1, policy="hunan"), "ZY001", admitted, category="destitute")
    done = register_admission(store, form, clerk="王", policies=policies, now=admitted)
    tick_all(store, done.admission_id)
    settle_discharge(
        store,
        DischargeInput(done.admission_id, admitted + timedelta(days=5), Amounts(total="9000.00")),
        clerk="王",
        policies=policies,
        now=admitted + timedelta(days=5),
    )
    target = tmp_path / "usb"
    target.mkdir()
    report = export_bundle(store, policies, period_text="2026-05", target_dir=target)
    store.close()
    named = policies["hunan"].definition.versions[-1].categories["destitute"].name
    assert named == "特困人员"
    book = load_workbook(io.BytesIO((report.path / "report.xlsx").read_bytes()))
    detail = list(book["明细"].iter_rows(values_only=True))
    assert detail[1][detail[0].index("救助类别")] == named
    summary = book["按类别汇总"].iter_rows(min_row=2, values_only=True)
    assert next(summary)[0] == named
    text = subprocess.run(
        ["pdftotext", "-layout", str(report.path / "report.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert named in text and "特困供养人员" not in text


def test_a_slip_that_paid_nothing_at_the_window_is_listed_not_claimed(hunan_month, tmp_path):
    """The referred stay settled at the insurance centre advanced nothing: the bundle lists
    it but claims nothing for it, so it stays free to be voided (it was refused as claimed)."""
    from sqlalchemy import select

    from app.services import void_settlement
    from db.models import Settlement

    store, policies = hunan_month
    target = tmp_path / "usb"
    target.mkdir()
    export_bundle(store, policies, period_text="2026-05", target_dir=target)
    with store.read() as session:
        marks = {
            s.slip_number: (s.paid_at_window, s.claimed_bundle)
            for s in session.scalars(select(Settlement).order_by(Settlement.id))
        }
    paid, office = list(marks)[:2], list(marks)[2]
    assert all(marks[slip][1] is not None for slip in paid)
    assert marks[office] == (Decimal("0.00"), None)
    void_settlement(store, office, reason="改为到医保中心办理", clerk="李主管")


def test_a_hunan_slip_counts_the_assistance_funds_year_beside_its_cap(hunan_month, tmp_path):
    """The year's line summed every fund (特惠保, 医院减免, 财政兜底 too) beside what is left of
    the 医疗救助 cap (28735 beside 46350 of 60000, which no reader could add up): it counts the
    医疗救助 fund's year, so the two add up to the cap; the PDF says so."""
    from sqlalchemy import select

    from app.printing.from_store import slip_data
    from app.printing.slip import render_slip
    from app.services import result_of
    from db.models import Settlement

    store, policies = hunan_month
    who = person(2, policy="hunan")  # the second stay's patient, back in June
    form = admission(
        who, number="ZY009", admitted_at=datetime(2026, 6, 1, 9), category="registered_poor"
    )
    done = register_admission(
        store, form, clerk="王", policies=policies, now=datetime(2026, 6, 1, 9)
    )
    tick_all(store, done.admission_id)
    again = settle_discharge(
        store,
        DischargeInput(
            done.admission_id,
            datetime(2026, 6, 6, 9),
            Amounts(total="40000.00", basic_insurance="8000.00"),
        ),
        clerk="王",
        policies=policies,
        now=datetime(2026, 6, 6, 9),
    )
    with store.read() as session:
        data = slip_data(session, again.slip_number, policies=policies)
        mine = session.scalars(
            select(Settlement).where(Settlement.person_id == again.person_id)
        ).all()
    paid = sum(
        (
            Decimal(part["amount"])
            for row in mine
            for part in result_of(row)["layers"]
            if part["fund"] == "medical_assistance"
        ),
        Decimal(0),
    )
    assert len(mine) == 2 and paid + data.cap_remaining == Decimal("60000")
    pdf = tmp_path / "slip.pdf"
    pdf.write_bytes(render_slip(data, paper="A4"))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.replace(" ", "")
    assert f"本年度住院医疗救助累计（含本次）：{paid}元" in text
    assert f"医疗救助年度限额剩余：{data.cap_remaining}元" in text


def test_results_stored_before_layers_named_their_fund_are_claimed_by_the_policys_funds(
    hunan_month, tmp_path
):
    """A store from the first release holds results whose layers name no fund: they print,
    and the bundle claims each layer from the fund the policy's rule of that layer names
    (before: a KeyError on every reprint and export, or all of it asked of 医疗救助)."""
    from sqlalchemy import select, text

    from app.printing.from_store import slip_data
    from db.models import Settlement

    store, policies = hunan_month
    with store.read() as session:
        slips = session.scalars(select(Settlement.slip_number).order_by(Settlement.id)).all()
        before = [slip_data(session, number, policies=policies) for number in slips]
    with store.write() as session:  # rewritten as the first release stored them
        session.execute(text("DROP TRIGGER settlement_frozen"))  # slips are frozen otherwise
        for row in session.scalars(select(Settlement)):
            result = json.loads(row.result_json)
            for layer in result["layers"]:
                del layer["fund"]
            row.result_json = json.dumps(result, ensure_ascii=False)
    with store.read() as session:
        after = [slip_data(session, number, policies=policies) for number in slips]
    assert [d.year_assistance for d in after] == [d.year_assistance for d in before]
    assert [d.cap_remaining for d in after] == [d.cap_remaining for d in before]
    target = tmp_path / "usb"
    target.mkdir()
    report = export_bundle(store, policies, period_text="2026-05", target_dir=target)
    totals = json.loads((report.path / "manifest.json").read_text("utf-8"))["totals"]
    assert totals["by_fund"] == {
        "medical_assistance": "28000.00",
        "insurer": "30000.00",
        "fiscal": "1075.00",
    }
    assert totals["hospital_reduction"] == "1200.00"
