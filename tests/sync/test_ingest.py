"""Central ingest: a package is taken in once, checked against its hash and sequence numbers,
and held back (with its window's later ones) while an earlier package is missing."""

import gzip
import os
import shutil
import time
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

import app.sync.push
from app.services import Amounts, OutpatientInput, settle_outpatient
from app.sync import ingest, run_once
from app.sync.central_ingest import IngestError
from app.sync.package import PackageError, PackageName, decode, encode
from db.models import Settlement
from tests.store.helpers import person


def _visits(window, count, first=1):
    for n in range(first, first + count):
        form = OutpatientInput(
            person=person(n),
            visit_date=date(2026, 5, 1),
            visit="outpatient_general",
            category="minimum_living",
            insurance="resident",
            amounts=Amounts("300.00", basic_insurance="100.00"),
            off_roster_reason="名册尚未下发",
        )
        settle_outpatient(window, form, clerk="王", now=datetime(2026, 5, 2))


@pytest.fixture
def three_packages(make_window, central_folder, monkeypatch):
    """A window that sent its 3 visits (2 changes each: the new person, the settlement) as 3
    packages of 2 changes; returns the package files in order."""
    monkeypatch.setattr(app.sync.push, "MAX_CHANGES", 2)
    window = make_window("LX01")
    _visits(window, 3)
    assert run_once(window, central_folder).ok
    return sorted((central_folder / "inbox" / "LX01").iterdir())


def _settlements(store):
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(Settlement))


def test_a_package_sent_again_is_taken_in_once(central_store, central_folder, three_packages):
    first = ingest(central_store, central_folder)
    assert (len(first.packages), first.changes, first.problems) == (3, 6, [])
    # The window wrote them again (it crashed before marking them sent): same names.
    for path in three_packages:
        data = path.read_bytes()
        path.unlink()
        path.write_bytes(data)
    again = ingest(central_store, central_folder)
    assert (again.packages, again.already, again.problems) == ([], 3, [])
    assert _settlements(central_store) == 3


def test_a_missing_package_holds_back_the_later_ones(
    central_store, central_folder, three_packages, tmp_path
):
    aside = tmp_path / three_packages[0].name
    shutil.move(three_packages[0], aside)
    held = ingest(central_store, central_folder)
    assert held.packages == []
    [problem] = held.problems
    window = three_packages[0].name.split("-")[1]
    assert problem.startswith(f"窗口 {window}（站点 LX01）缺少序号 1–2 的变更包：")
    assert "及其后共 2 个包暂不导入" in problem
    shutil.move(aside, three_packages[0])
    filled = ingest(central_store, central_folder)
    assert (len(filled.packages), filled.problems) == (3, [])
    assert _settlements(central_store) == 3


def test_a_damaged_package_is_refused_with_its_name(central_store, central_folder, three_packages):
    second = three_packages[1]
    original = second.read_bytes()
    text = gzip.decompress(original).replace(b"300.00", b"900.00")
    second.write_bytes(gzip.compress(text))
    report = ingest(central_store, central_folder)
    assert len(report.packages) == 1
    [problem] = report.problems
    assert problem.startswith(f"LX01/{second.name}：{second.name}：内容的 SHA-256 与文件头不符")
    assert problem.endswith("该窗口的此包及其后 1 个包暂不导入")
    second.write_bytes(original)
    assert len(ingest(central_store, central_folder).packages) == 2
    assert _settlements(central_store) == 3


def test_staging_files_are_ignored_then_cleared_and_strangers_reported(
    central_store, central_folder, three_packages
):
    inbox = central_folder / "inbox" / "LX01"
    stale = inbox / f".{three_packages[0].name}.partial-0badf00d"
    fresh = inbox / f".{three_packages[1].name}.partial-12345678"
    stale.write_bytes(b"half a pack")
    fresh.write_bytes(b"being written")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    (inbox / "说明.txt").write_text("不是变更包", encoding="utf-8")
    report = ingest(central_store, central_folder)
    assert len(report.packages) == 3
    assert report.cleaned == [stale.name]
    assert report.problems == [
        "LX01/说明.txt：不是本站点的变更包文件名（站点-窗口-起始序号-结束序号.jsonl.gz），已跳过"
    ]
    assert fresh.exists() and not stale.exists()


def test_a_window_database_cannot_be_the_centre(make_window, central_folder):
    window = make_window("LX01")
    _visits(window, 1)
    assert run_once(window, central_folder).ok
    with pytest.raises(IngestError, match="属于一个结算窗口"):
        ingest(window, central_folder)
    with pytest.raises(IngestError, match="没有 inbox 文件夹"):
        ingest(window, central_folder / "elsewhere")


def test_package_files_are_checked_line_by_line():
    name = PackageName("LX01", "0123456789ab", 7, 8)
    lines = ['{"seq":7,"entity":"person"}', '{"seq":8,"entity":"person"}']
    data, _ = encode(name, {}, lines)
    assert [r["seq"] for r in decode(data, name.file_name).records] == [7, 8]
    with pytest.raises(PackageError, match="不是完整的 gzip 文件"):
        decode(data[: len(data) // 2], name.file_name)
    with pytest.raises(PackageError, match="文件名不是变更包的格式"):
        decode(data, "LX01-0123456789ab-7-8.jsonl.gz")
    with pytest.raises(PackageError, match=r"第1行（文件头）：first_seq 为 7，与文件名不符（6）"):
        decode(data, PackageName("LX01", "0123456789ab", 6, 8).file_name)
    skipped, _ = encode(name, {}, ['{"seq":7}', '{"seq":9}'])
    with pytest.raises(PackageError, match="第3行：序号应为 8，实为 9"):
        decode(skipped, name.file_name)
    short, _ = encode(name, {}, ['{"seq":7}'])
    with pytest.raises(PackageError, match="应有 2 条变更，实有 1 条"):
        decode(short, name.file_name)


def test_scans_attached_at_the_window_reach_the_centre(
    central_store, central_folder, make_window, tmp_path
):
    from app.services import ItemUpdate, checklist, register_admission, update_item
    from db.models import ChecklistItem, Scan
    from tests.store.helpers import admission

    window = make_window("LX01")
    made = register_admission(
        window, admission(person(1)), clerk="王", now=datetime(2026, 3, 1, 10)
    )
    assert run_once(window, central_folder).ok
    assert ingest(central_store, central_folder).problems == []
    # The clerk scans the ID card, and the same file for a second paper, in one package.
    image = tmp_path / "idcard.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x01" * 64)
    with window.read() as session:
        first, second = checklist(session, made.admission_id)[:2]
    for item in (first, second):
        update_item(window, item.id, ItemUpdate(original_sighted=True, scan=image), clerk="王")
    assert run_once(window, central_folder).ok
    report = ingest(central_store, central_folder)
    assert report.problems == [] and len(report.packages) == 1
    with central_store.read() as session:
        (scan,) = session.scalars(select(Scan)).all()
        named = session.scalars(
            select(ChecklistItem.document_code).where(ChecklistItem.scan_sha256 == scan.sha256)
        ).all()
    assert sorted(named) == sorted([first.document_code, second.document_code])


@pytest.mark.parametrize(
    ("database_says", "meaning"),
    [
        ("UNIQUE constraint failed: settlement.slip_number", "结算单号与中心已有的结算单重复"),
        (
            'duplicate key value violates unique constraint "uq_admission_open_per_person"',
            "该人员在本站点已有一笔未出院的住院登记",
        ),
        (
            'duplicate key value violates unique constraint "uq_payment_batch_batch_number"',
            "代发清单号与中心已有的重复",
        ),
    ],
)
def test_a_refusal_by_one_of_our_indexes_says_what_it_means(database_says, meaning):
    from sqlalchemy.exc import IntegrityError

    from app.sync.central_ingest import _refused

    said = _refused(IntegrityError("INSERT …", {}, Exception(database_says)))
    assert said == f"中心数据库拒绝了其中的变更：{meaning}（{database_says}）"
