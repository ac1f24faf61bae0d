"""Exporting a quarter to a folder and to a ZIP, verifying, tampering, failing mid-way, retrying."""

import errno
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.bundle import safe_write
from app.bundle.export import export_bundle
from app.bundle.manifest import verify_bundle
from app.bundle.safe_write import TargetError
from app.services import ServiceError
from db.audit_chain import walk_chain
from db.models import AuditEvent, Settlement
from db.sync_models import OutboxEntry


def claimed(store) -> dict[str, str | None]:
    with store.read() as session:
        return {s.slip_number: s.claimed_bundle for s in session.scalars(select(Settlement))}


def database_sums(store, slips) -> dict[str, Decimal]:
    with store.read() as session:
        rows = [s for s in session.scalars(select(Settlement)) if s.slip_number in slips]
    counted = [s for s in rows if not s.voided]
    return {
        "assistance": sum((s.assistance for s in counted), Decimal(0)),
        "paid_at_window": sum((s.paid_at_window for s in counted), Decimal(0)),
        "total": sum((s.total for s in counted), Decimal(0)),
        "count": len(counted),
    }


def export(quarter, target, **options):
    return export_bundle(
        quarter.store, quarter.policies, period_text="2026Q3", target_dir=target, **options
    )


def test_export_to_a_folder_lists_every_case_and_marks_claims(quarter, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    report = export(quarter, usb)
    assert report.path == usb / "TEZ01-taierzhuang-2026Q3"
    assert verify_bundle(report.path).ok
    manifest = json.loads((report.path / "manifest.json").read_text("utf-8"))
    listed = {s["slip_number"]: s["voided"] for s in manifest["settlements"]}
    # nine July-September settlements, the voided one listed as voided, June's left out
    assert listed == {slip: slip == quarter.voided for slip in quarter.slips}
    sums = database_sums(quarter.store, quarter.slips)
    assert Decimal(manifest["totals"]["assistance"]) == sums["assistance"]
    assert manifest["totals"]["count"] == sums["count"] == 8
    for slip in quarter.slips:
        assert (report.path / "cases" / slip / "slip.pdf").read_bytes().startswith(b"%PDF")
        assert (report.path / "cases" / slip / "admission-id_card.png").read_bytes() == (
            quarter.scans[slip]
        )
    marks = claimed(quarter.store)
    for slip in quarter.slips:
        expected = None if slip == quarter.voided else "TEZ01-taierzhuang-2026Q3"
        assert marks[slip] == expected
    assert marks[quarter.june_slip] is None
    assert not [p.name for p in usb.iterdir() if p.name.startswith(".")]


def test_the_claims_are_audited_sealed_and_queued_once_each(quarter, tmp_path):
    before = _claim_events(quarter.store)
    with quarter.store.read() as session:
        last_seq = session.scalar(select(func.max(OutboxEntry.seq)))
    export(quarter, tmp_path)
    bundle = "TEZ01-taierzhuang-2026Q3"
    claimed_slips = sorted(slip for slip in quarter.slips if slip != quarter.voided)
    events = _claim_events(quarter.store)[len(before) :]
    assert sorted(entity_id for entity_id, _ in events) == claimed_slips
    assert {changes for _, changes in events} == {json.dumps({"claimed_bundle": [None, bundle]})}
    with quarter.store.engine.connect() as connection:
        report = walk_chain(connection, quarter.store.audit_key)
    assert report.ok, report.problems
    with quarter.store.read() as session:
        queued = [
            json.loads(entry.body)["row"]
            for entry in session.scalars(select(OutboxEntry).where(OutboxEntry.seq > last_seq))
        ]
    assert sorted(row["slip_number"] for row in queued) == claimed_slips
    assert {row["claimed_bundle"] for row in queued} == {bundle}
    export(quarter, tmp_path)  # claimed already: nothing more to record
    assert len(_claim_events(quarter.store)) == len(before) + len(claimed_slips)


def _claim_events(store) -> list[tuple[str, str]]:
    with store.read() as session:
        return [
            (event.entity_id, event.changes_json)
            for event in session.scalars(
                select(AuditEvent).where(AuditEvent.action == "claim").order_by(AuditEvent.id)
            )
        ]


def test_zip_export_is_repeatable_and_says_what_changed(quarter, add_case, tmp_path):
    first = export(quarter, tmp_path, as_zip=True)
    first_bytes = first.path.read_bytes()
    assert verify_bundle(first.path).ok
    again = export(quarter, tmp_path, as_zip=True)
    assert again.previous == "same" and again.changes == ()
    assert again.path.read_bytes() == first_bytes

    late = add_case(30, datetime(2026, 9, 20, 8, 0))
    changed = export(quarter, tmp_path, as_zip=True)
    assert changed.previous == "changed"
    assert f"新增结算：{late}" in changed.changes
    assert any(change.startswith("合计救助金额：") for change in changed.changes)
    assert verify_bundle(changed.path).ok


def test_verify_names_an_altered_file_a_missing_file_and_a_wrong_total(quarter, tmp_path):
    report = export(quarter, tmp_path)
    slip = quarter.slips[2]
    scan = report.path / "cases" / slip / "admission-id_card.png"
    scan.write_bytes(scan.read_bytes() + b"!")
    (report.path / "cases" / quarter.slips[3] / "slip.pdf").unlink()
    manifest_path = report.path / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    manifest["totals"]["assistance"] = str(Decimal(manifest["totals"]["assistance"]) + 1)
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")

    problems = verify_bundle(report.path).problems
    assert f"文件已被改动：cases/{slip}/admission-id_card.png" in problems
    assert f"缺少文件：cases/{quarter.slips[3]}/slip.pdf" in problems
    assert any(p.startswith("清单合计与逐笔结算不符") for p in problems)
    assert any(p.startswith("报表合计与清单不符：救助金额") for p in problems)


def failing_after(writes: int):
    """A target that takes ``writes`` files and then reports a full disk."""
    done = []

    def write(path, data):
        if len(done) >= writes:
            raise OSError(errno.ENOSPC, "No space left on device")
        safe_write.write_synced(path, data)
        done.append(path)

    return write


def test_a_target_failing_mid_way_leaves_nothing_complete_and_the_retry_works(quarter, tmp_path):
    target = tmp_path / "share"
    target.mkdir()
    # a folder bundle fails on its sixth file; a ZIP bundle is one file and fails on it
    for as_zip, writes in ((False, 5), (True, 0)):
        with pytest.raises(TargetError, match="空间不足"):
            export(quarter, target, as_zip=as_zip, write_file=failing_after(writes))
        assert list(target.iterdir()) == []
        assert set(claimed(quarter.store).values()) == {None}

    report = export(quarter, target)
    assert verify_bundle(report.path).ok
    assert [p.name for p in target.iterdir()] == ["TEZ01-taierzhuang-2026Q3"]


def test_a_rename_held_by_a_virus_scanner_is_retried(quarter, tmp_path, monkeypatch):
    real_replace = safe_write.os.replace
    refusals = []

    def held_twice(source, target):
        if len(refusals) < 2:
            refusals.append(source)
            raise PermissionError(errno.EACCES, "being scanned")
        real_replace(source, target)

    monkeypatch.setattr(safe_write, "RENAME_PAUSE_SECONDS", 0)
    monkeypatch.setattr(safe_write.os, "replace", held_twice)
    report = export(quarter, tmp_path)
    assert len(refusals) == 2
    assert verify_bundle(report.path).ok


def test_a_removed_stick_is_reported_plainly(quarter, tmp_path):
    gone = tmp_path / "usb-removed"
    with pytest.raises(TargetError, match="U盘是否已拔出"):
        export(quarter, gone)
    assert set(claimed(quarter.store).values()) == {None}


def test_a_period_in_the_wrong_form_names_the_field(quarter, tmp_path):
    with pytest.raises(ServiceError) as caught:
        export_bundle(quarter.store, quarter.policies, period_text="2026-07", target_dir=tmp_path)
    assert caught.value.field == "period"
    assert "2026Q3" in caught.value.message


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice 未安装")
def test_the_xlsx_opens_in_libreoffice_with_the_database_totals(quarter, tmp_path):
    report = export(quarter, tmp_path)
    out = tmp_path / "csv"
    done = subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(out),
            str(report.path / "report.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    import csv

    rows = list(csv.reader((out / "report.csv").read_text("utf-8").splitlines()))
    titles, last = rows[0], rows[-1]
    assert last[0] == "合计（不含作废）"
    assert len(rows) == 1 + len(quarter.slips) + 1
    sums = database_sums(quarter.store, quarter.slips)
    column = {title: index for index, title in enumerate(titles)}
    for title, key in (
        ("救助金额", "assistance"),
        ("窗口支付合计", "paid_at_window"),
        # 台儿庄 has no hospital reduction: everything paid at the window is claimed.
        ("医院垫付（申报）", "paid_at_window"),
        ("医疗总费用", "total"),
    ):
        assert Decimal(last[column[title]].replace(",", "")) == sums[key], title


def test_command_line_export_and_verify(quarter, tmp_path):
    db = str(quarter.store.engine.url.database)
    quarter.store.close()
    target = tmp_path / "out"
    target.mkdir()
    run = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=120
    )
    done = run("export-bundle", "--db", db, "--period", "2026Q3", "--to", str(target), "--zip")
    assert done.returncode == 0, done.stderr
    assert "作废 1 笔" in done.stdout
    bundle = target / "TEZ01-taierzhuang-2026Q3.zip"
    assert run("verify-bundle", str(bundle)).returncode == 0
    bundle.write_bytes(bundle.read_bytes()[:-40])
    broken = run("verify-bundle", str(bundle))
    assert broken.returncode == 1


def reseal(bundle, name):
    """Make the manifest vouch for ``name`` as it is now (or drop it if deleted): what someone
    who edits a bundle by hand would do to get past the hash check."""
    from app.bundle.manifest import file_entry

    manifest_path = bundle / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    entries = [e for e in manifest["files"] if e["path"] != name]
    if (bundle / name).exists():
        entries.append(file_entry(name, (bundle / name).read_bytes()))
    manifest["files"] = sorted(entries, key=lambda e: e["path"])
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")


def test_a_report_row_changed_and_resealed_is_refused(quarter, tmp_path):
    from openpyxl import load_workbook

    report = export(quarter, tmp_path)
    xlsx = report.path / "report.xlsx"
    book = load_workbook(xlsx)
    sheet = book["明细"]
    titles = [cell.value for cell in sheet[1]]
    sheet.cell(row=3, column=titles.index("救助金额") + 1).value = Decimal("9999.99")
    book.save(xlsx)
    reseal(report.path, "report.xlsx")

    problems = verify_bundle(report.path).problems
    slip = sheet.cell(row=3, column=2).value
    assert any(p.startswith("报表明细逐行相加与合计行不符：救助金额") for p in problems), problems
    assert any(p.startswith(f"报表明细与清单不符：结算单 {slip} 救助金额") for p in problems)


def test_a_slip_deleted_and_resealed_is_refused(quarter, tmp_path):
    report = export(quarter, tmp_path)
    slip = quarter.slips[4]
    (report.path / "cases" / slip / "slip.pdf").unlink()
    reseal(report.path, f"cases/{slip}/slip.pdf")

    problems = verify_bundle(report.path).problems
    assert f"缺少结算单：清单中的结算 {slip} 没有 cases/{slip}/slip.pdf" in problems


def test_a_report_row_removed_and_resealed_is_refused(quarter, tmp_path):
    from openpyxl import load_workbook

    report = export(quarter, tmp_path)
    xlsx = report.path / "report.xlsx"
    book = load_workbook(xlsx)
    sheet = book["明细"]
    slip = sheet.cell(row=2, column=2).value
    sheet.delete_rows(2)
    book.save(xlsx)
    reseal(report.path, "report.xlsx")

    problems = verify_bundle(report.path).problems
    assert f"报表明细缺少清单中的结算：{slip}" in problems, problems


def add_second_site(quarter, *, make_current):
    from app.services import save_site

    save_site(
        quarter.store,
        code="TEZ02",
        name="台儿庄区人民医院东院区",
        facility="county",
        default_policy="taierzhuang",
        clerk="管理员",
        make_current=make_current,
    )


def test_export_for_a_named_site_of_a_hospital_with_several(quarter, tmp_path):
    add_second_site(quarter, make_current=True)  # the window now works for the east site
    report = export(quarter, tmp_path, site_code="TEZ01")
    assert report.path == tmp_path / "TEZ01-taierzhuang-2026Q3"
    assert report.cases == len(quarter.slips)
    assert verify_bundle(report.path).ok


def test_an_empty_period_is_refused_and_nothing_is_written(quarter, tmp_path):
    add_second_site(quarter, make_current=False)
    target = tmp_path / "usb"
    target.mkdir()
    with pytest.raises(ServiceError) as refused:
        export(quarter, target, site_code="TEZ02")
    assert refused.value.field == "period"
    assert "没有结算" in str(refused.value)
    with pytest.raises(ServiceError) as unknown:
        export(quarter, target, site_code="NOPE9")
    assert unknown.value.field == "site" and "NOPE9" in str(unknown.value)
    with pytest.raises(ServiceError):
        export_bundle(quarter.store, quarter.policies, period_text="2025Q1", target_dir=target)
    assert list(target.iterdir()) == []


def test_an_empty_bundle_is_refused_by_verify(quarter, tmp_path):
    report = export(quarter, tmp_path)
    manifest_path = report.path / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    manifest["settlements"] = []
    manifest["totals"] = {**manifest["totals"], "count": 0}
    manifest["files"] = [e for e in manifest["files"] if not e["path"].startswith("cases/")]
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    shutil.rmtree(report.path / "cases")

    problems = verify_bundle(report.path).problems
    assert "申报包中没有任何结算（空申报期）" in problems


def test_command_line_export_for_a_site_and_an_empty_period(quarter, tmp_path):
    add_second_site(quarter, make_current=False)
    db = str(quarter.store.engine.url.database)
    quarter.store.close()
    target = tmp_path / "out"
    target.mkdir()
    run = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=120
    )
    base = ("export-bundle", "--db", db, "--period", "2026Q3", "--to", str(target))
    empty = run(*base, "--site", "TEZ02")
    assert empty.returncode == 1
    assert "没有结算" in empty.stderr
    assert list(target.iterdir()) == []
    done = run(*base, "--site", "TEZ01")
    assert done.returncode == 0, done.stderr
    assert (target / "TEZ01-taierzhuang-2026Q3").is_dir()


def test_a_report_pdf_that_disagrees_with_the_xlsx_is_refused(quarter, tmp_path):
    from app.bundle.cases import collect_cases
    from app.bundle.period import parse_period
    from app.bundle.report_pdf import ReportHeading, report_pdf

    report = export(quarter, tmp_path)
    manifest = json.loads((report.path / "manifest.json").read_text("utf-8"))
    with quarter.store.read() as session:
        cases = collect_cases(session, "TEZ01", "taierzhuang", parse_period("2026Q3", "quarter"))
    changed = cases[1]
    slip = changed.slip_number
    amounts = {**changed.amounts, "assistance": Decimal("9999.99")}
    cases[1] = replace(changed, amounts=amounts)
    heading = ReportHeading(
        "台儿庄区人民医院", "TEZ01", "t", "n", "2026Q3", manifest["bundle_id"], "v"
    )
    (report.path / "report.pdf").write_bytes(report_pdf(cases, heading))
    reseal(report.path, "report.pdf")

    problems = verify_bundle(report.path).problems
    assert any(p.startswith(f"报表 PDF 与 XLSX 不符：结算单 {slip} 救助金额") for p in problems), (
        problems
    )
    assert any(p.startswith("报表 PDF 与 XLSX 不符：合计（不含作废）救助金额") for p in problems)


def test_copies_kept_on_paper_are_listed_per_case_and_missing_ones_warned(quarter, tmp_path):
    """台儿庄 五(三)1: the claim carries the copies. Scanned ones are in the bundle; those kept on
    paper only are listed per case (paper-copies.txt and the manifest); a copy neither
    scanned nor kept is named in the export's warnings."""
    from datetime import timedelta

    from app.services import (
        Amounts,
        DischargeInput,
        ItemUpdate,
        Override,
        checklist,
        register_admission,
        settle_discharge,
        update_item,
    )
    from tests.store.helpers import admission, person

    store, policies = quarter.store, quarter.policies
    admitted = datetime(2026, 9, 20, 8, 0)
    form = admission(person(40, policy="taierzhuang"), "ZY0040", admitted, facility="county")
    done = register_admission(store, form, clerk="王", policies=policies, now=admitted)
    with store.read() as session:
        items = checklist(session, done.admission_id)
    copies = [item for item in items if item.copy_required]
    lacking = copies[0]
    for item in items:
        kept = item.id != lacking.id
        update_item(store, item.id, ItemUpdate(original_sighted=True, copy_kept=kept), clerk="王")
    late = settle_discharge(
        store,
        DischargeInput(done.admission_id, admitted + timedelta(days=3), Amounts(total="6000.00")),
        clerk="王",
        override=Override("李主任", "复印件次日补交"),
        policies=policies,
        now=admitted + timedelta(days=3),
    )
    usb = tmp_path / "usb"
    usb.mkdir()
    report = export(quarter, usb)
    assert verify_bundle(report.path).ok
    assert report.warnings == (
        f"结算单 {late.slip_number}（{form.person.name}）：{lacking.name} 既未扫描也未留存纸质复印件",
    )
    manifest = json.loads((report.path / "manifest.json").read_text("utf-8"))
    listed = {s["slip_number"]: s["paper_copies"] for s in manifest["settlements"]}
    first = quarter.slips[0]
    with store.read() as session:
        (settled,) = [s for s in session.scalars(select(Settlement)) if s.slip_number == first]
        on_paper = [
            item.name
            for item in checklist(session, settled.admission_id)
            if item.copy_required and item.scan_sha256 is None
        ]
    assert on_paper and listed[first] == on_paper
    text = (report.path / "cases" / first / "paper-copies.txt").read_text("utf-8-sig")
    assert all(name in text for name in on_paper)
    assert "居民身份证" not in "".join(on_paper)  # the scanned ID card is in the bundle instead
    assert listed[late.slip_number] == [c.name for c in copies if c.id != lacking.id]


def test_a_period_whose_settlements_are_all_voided_writes_its_totals_in_fen(quarter, tmp_path):
    from app.services import void_settlement

    void_settlement(quarter.store, quarter.june_slip, reason="录错", clerk="王")
    target = tmp_path / "usb"
    target.mkdir()
    report = export_bundle(
        quarter.store, quarter.policies, period_text="2026Q2", target_dir=target, clerk="王"
    )
    totals = json.loads((report.path / "manifest.json").read_text(encoding="utf-8"))["totals"]
    assert totals["count"] == 0
    money = {key: value for key, value in totals.items() if key not in ("count", "by_fund")}
    assert money and set(money.values()) == {"0.00"}  # as every other amount: never "0"
    assert verify_bundle(report.path).ok
