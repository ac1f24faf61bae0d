"""A window restored from a backup never reuses an outbox number or slip number that already
left it: it learns them from its sent log (beside the database, untouched by restore) and the
central folder, continues after them, and says so; the centre ends with the window's figures."""

import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.backup import backup_now
from app.services import Amounts, OutpatientInput, save_site, settle_outpatient
from app.sync import ingest, run_once, set_central_folder
from app.sync.package import PackageName, encode
from app.sync.push import SyncError, publish_package
from db import open_store
from db.models import PaidLaterClaim, PaymentLine, Settlement
from tests.store.helpers import person

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 5, 2, 9)


def _visit(window, n, total):
    form = OutpatientInput(
        person=person(n),
        visit_date=date(2026, 5, 1),
        visit="outpatient_general",
        category="minimum_living",
        insurance="resident",
        amounts=Amounts(total, basic_insurance="100.00"),
        off_roster_reason="名册尚未下发",
    )
    return settle_outpatient(window, form, clerk="王", now=NOW).slip_number


def _new_window(path):
    """A window's store at ``path`` (data folder beside it, as the restore command's) with its
    兰溪 site."""
    window = open_store(path)
    save_site(
        window,
        code="LX01",
        name="测试医院",
        facility="county",
        default_policy="lanxi",
        clerk="管理员",
    )
    return window


def _claim(window, n):
    """A 事后报销 claim of person ``n``'s stay elsewhere, taken in at the window."""
    from tests.store.test_paid_later import intake

    materials = ("invoice", "discharge_summary", "cost_list")
    return intake(window, person(n), policy="lanxi", facility="county", materials=materials)


def _figures(store):
    with store.read() as session:
        return {
            row.slip_number: (row.total, row.assistance)
            for row in session.scalars(select(Settlement))
        }


def _restore(backup, path):
    done = subprocess.run(
        [sys.executable, "-m", "app", "restore", str(backup), "--db", str(path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_settlements_after_a_restore_reach_the_centre_under_new_numbers(
    central_store, central_folder, tmp_path
):
    path = tmp_path / "window" / "desk.sqlite3"
    window = _new_window(path)
    set_central_folder(window, central_folder)
    first = _visit(window, 1, "300.00")
    assert run_once(window, now=NOW).ok
    backup = backup_now(path, tmp_path / "backups", NOW)
    lost = _visit(window, 2, "500.00")  # sent, then lost with the restore
    assert run_once(window, now=NOW).ok
    window.close()

    said = _restore(backup, path)
    assert "序号衔接：" in said
    assert "结算单号 LX01-2026-000002 已发送给中心" in said
    # What the restore took is put back from the window's own packages in the central folder.
    assert "已发送给中心的 2 条变更（序号 3–4" in said and "放回本机" in said
    window = open_store(path)
    assert _figures(window)[lost] == (Decimal("500.00"), Decimal("400.00"))
    try:
        again = _visit(window, 3, "800.00")
        assert again not in (first, lost)
        report = run_once(window, now=NOW)
        assert report.ok, report.error
        ingested = ingest(central_store, central_folder, now=NOW)
        assert ingested.problems == []
        mine = _figures(window)
    finally:
        window.close()
    centre = _figures(central_store)
    # Every settlement of the window is at the centre with its own figures, the one the
    # restore took (and the window got back) included, once.
    assert centre == mine and lost in mine
    assert sum(t for t, _ in centre.values()) == Decimal("1600.00")


def test_changes_queued_in_the_backup_and_sent_since_are_not_sent_twice(
    central_store, central_folder, tmp_path
):
    path = tmp_path / "window" / "desk.sqlite3"
    window = _new_window(path)
    _visit(window, 1, "300.00")
    backup = backup_now(path, tmp_path / "backups", NOW)  # the visit still queued in it
    assert run_once(window, central_folder, now=NOW).ok
    window.close()
    _restore(backup, path)
    window = open_store(path)
    try:
        _visit(window, 2, "500.00")
        report = run_once(window, central_folder, now=NOW)
        assert report.ok, report.error
        assert any("中心已收到，不再重复发送" in note for note in report.notes), report.notes
        ingested = ingest(central_store, central_folder, now=NOW)
        assert ingested.problems == []
        assert _figures(central_store) == _figures(window)
    finally:
        window.close()


def test_a_payment_batch_sent_before_a_restore_is_back_and_never_batched_again(
    central_store, central_folder, tmp_path
):
    from app.services.errors import ServiceError
    from app.services.paid_later import BankResult, create_batch, mark_results, review_claim

    path = tmp_path / "window" / "desk.sqlite3"
    window = _new_window(path)
    set_central_folder(window, central_folder)
    claim = _claim(window, 1)
    review_claim(window, claim.claim_number, supervisor="李主管", approve=True)
    assert run_once(window, now=NOW).ok
    backup = backup_now(path, tmp_path / "backups", NOW)  # the claim approved, not yet batched
    sent = create_batch(window, clerk="王").batch_number  # handed to the bank, then lost
    assert run_once(window, now=NOW).ok
    window.close()

    _restore(backup, path)
    window = open_store(path)
    try:
        # The list the bank holds is back, so its claim is not put on a second list.
        with pytest.raises(ServiceError, match="代发清单为空"):
            create_batch(window, clerk="王")
        mark_results(window, sent, [BankResult(claim.claim_number, True)], clerk="王")
        later = _claim(window, 2)
        review_claim(window, later.claim_number, supervisor="李主管", approve=True)
        assert create_batch(window, clerk="王").batch_number not in (sent, None)
        assert run_once(window, now=NOW).ok
        assert ingest(central_store, central_folder, now=NOW).problems == []
    finally:
        window.close()
    with central_store.read() as session:
        [paid] = session.scalars(
            select(PaymentLine)
            .join(PaidLaterClaim)
            .where(PaidLaterClaim.claim_number == claim.claim_number)
        )
        assert paid.result == "paid"


def test_a_restore_while_the_share_is_away_neither_resends_nor_forgets_what_was_sent(
    central_store, central_folder, tmp_path
):
    from app.services.errors import ServiceError
    from app.services.paid_later import (
        BankResult,
        create_batch,
        get_batch,
        mark_results,
        review_claim,
    )

    path = tmp_path / "window" / "desk.sqlite3"
    window = _new_window(path)
    set_central_folder(window, central_folder)
    first = _claim(window, 1)
    review_claim(window, first.claim_number, supervisor="李主管", approve=True)
    queued = _visit(window, 2, "400.00")  # in the backup, still queued there
    backup = backup_now(path, tmp_path / "backups", NOW)
    assert run_once(window, now=NOW).ok
    second = _claim(window, 3)
    sent = create_batch(window, clerk="王").batch_number  # the first claim, at the bank
    assert run_once(window, now=NOW).ok
    window.close()

    away = central_folder.with_name("away")
    central_folder.rename(away)
    said = _restore(backup, path)
    assert "尚未放回本机，连通后下次同步时自动放回" in said
    assert "用了已发送过的序号" not in said  # the queued visit was sent: not renumbered
    window = open_store(path)
    try:
        with pytest.raises(ServiceError, match="暂不能生成代发清单。请先连通中心文件夹并同步一次"):
            create_batch(window, clerk="王")
        # Nor is a claim taken in meanwhile: it could be one the restore lost (paid twice).
        with pytest.raises(ServiceError, match="为免重复支付，暂不能受理事后报销"):
            _claim(window, 4)
        with pytest.raises(ServiceError, match="为免重复支付，暂不能结算"):
            _visit(window, 5, "300.00")  # nor settled at the window, for the same reason

        away.rename(central_folder)
        report = run_once(window, now=NOW)
        assert report.ok, report.error
        assert any("放回本机" in note for note in report.notes), report.notes
        # Put back: the next claim's number goes on after the ones the restore had lost.
        third = _claim(window, 4)
        assert third.claim_number not in (first.claim_number, second.claim_number)
        mark_results(window, sent, [BankResult(first.claim_number, True)], clerk="王")
        review_claim(window, third.claim_number, supervisor="李主管", approve=True)
        again = create_batch(window, clerk="王").batch_number
        assert again != sent
        with window.read() as session:
            listed = [line.claim.claim_number for line in get_batch(session, again).lines]
        assert listed == [third.claim_number]
        assert run_once(window, now=NOW).ok
        ingested = ingest(central_store, central_folder, now=NOW)
        assert ingested.problems == [] and ingested.set_aside == []
        mine = _figures(window)
    finally:
        window.close()
    assert queued in mine and _figures(central_store) == mine


def test_what_cannot_be_read_back_stays_owed_until_it_can_and_blocks_batches(
    central_store, central_folder, tmp_path
):
    from app.services.errors import ServiceError
    from app.services.paid_later import create_batch, review_claim

    path = tmp_path / "window" / "desk.sqlite3"
    window = _new_window(path)
    set_central_folder(window, central_folder)
    claim = _claim(window, 1)
    review_claim(window, claim.claim_number, supervisor="李主管", approve=True)
    assert run_once(window, now=NOW).ok
    backup = backup_now(path, tmp_path / "backups", NOW)
    create_batch(window, clerk="王")  # at the bank, then lost with the restore
    report = run_once(window, now=NOW)
    assert report.ok
    window.close()
    [package] = [central_folder / "inbox" / "LX01" / name for name in report.packages]
    aside = package.rename(tmp_path / package.name)  # moved away from the share

    said = _restore(backup, path)
    assert "读不到" in said and "暂未放回本机" in said
    window = open_store(path)
    try:
        with pytest.raises(ServiceError, match="尚未放回本机"):
            create_batch(window, clerk="王")
        again = run_once(window, now=NOW)  # still unreadable: still owed
        assert any("读不到" in note for note in again.notes), again.notes
        with pytest.raises(ServiceError, match="尚未放回本机"):
            create_batch(window, clerk="王")
        aside.rename(package)
        back = run_once(window, now=NOW)
        assert any("放回本机" in note for note in back.notes), back.notes
        with pytest.raises(ServiceError, match="代发清单为空"):  # the claim is on its list
            create_batch(window, clerk="王")
    finally:
        window.close()


def test_a_package_name_taken_with_other_changes_is_an_error_not_sent(tmp_path):
    name = PackageName("LX01", "0123456789ab", 1, 1)
    there, _ = encode(name, {}, ['{"seq":1,"entity":"person"}'])
    ours, _ = encode(name, {}, ['{"seq":1,"entity":"settlement"}'])
    (tmp_path / name.file_name).write_bytes(there)
    publish_package(tmp_path, name, there)  # the same changes: a complete earlier attempt
    with pytest.raises(SyncError, match=r"已有同名变更包.*内容与本机的不同"):
        publish_package(tmp_path, name, ours)
    assert (tmp_path / name.file_name).read_bytes() == there


def test_settlements_handed_in_stay_claimed_after_restoring_an_older_backup(tmp_path):
    from app.bundle.export import export_bundle
    from app.policy import load_policies
    from app.services import void_settlement
    from app.services.errors import ServiceError

    path = tmp_path / "window" / "desk.sqlite3"
    window = _new_window(path)
    slip = _visit(window, 1, "300.00")
    backup = backup_now(path, tmp_path / "backups", NOW)  # before the export, never synced
    usb = tmp_path / "usb"
    usb.mkdir()
    export_bundle(window, load_policies(), period_text="2026Q2", target_dir=usb, clerk="王")
    window.close()

    said = _restore(backup, path)
    assert "申报标记：申报包 LX01-lanxi-2026Q2 已申报的 1 笔结算" in said
    window = open_store(path)
    try:
        with pytest.raises(ServiceError, match="已在申报包 LX01-lanxi-2026Q2 中申报，不能作废"):
            void_settlement(window, slip, reason="录错", clerk="王")
    finally:
        window.close()


def test_a_restore_is_told_apart_from_a_rewritten_audit_chain(
    central_store, central_folder, tmp_path
):
    path = tmp_path / "window" / "desk.sqlite3"
    window = _new_window(path)
    set_central_folder(window, central_folder)
    _visit(window, 1, "300.00")
    backup = backup_now(path, tmp_path / "backups", NOW)
    _visit(window, 2, "500.00")  # its audit records go with the restore
    assert run_once(window, now=NOW).ok
    assert ingest(central_store, central_folder, now=NOW).audit_breaks == []
    window.close()

    _restore(backup, path)
    verified = subprocess.run(
        [sys.executable, "-m", "app", "audit", "verify", "--db", str(path)],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    assert "从备份恢复：审计链退回到链位置" in verified.stdout and "随备份丢失" in verified.stdout
    window = open_store(path)
    try:
        _visit(window, 3, "800.00")
        assert run_once(window, now=NOW).ok
        report = ingest(central_store, central_folder, now=NOW)
    finally:
        window.close()
    assert report.problems == [] and report.audit_breaks == []
    (told,) = report.restores
    assert "【恢复备份】" in told and "从备份恢复（窗口声明）" in told


def test_a_stay_registered_again_before_the_put_back_is_named_in_chinese(central_folder, tmp_path):
    """Registered again while the restore was owed (the share away), the lost admission's
    number is taken: the put-back says so in Chinese, no SQL, and stays owed."""
    from app.services import register_admission
    from tests.store.helpers import admission

    path = tmp_path / "window" / "desk.sqlite3"
    window = _new_window(path)
    set_central_folder(window, central_folder)
    backup = backup_now(path, tmp_path / "backups", NOW)
    register_admission(window, admission(person(1), number="ZY-1"), clerk="王", now=NOW)
    assert run_once(window, now=NOW).ok
    window.close()

    away = central_folder.with_name("away")
    central_folder.rename(away)
    _restore(backup, path)
    window = open_store(path)
    try:
        # the hospital's 住院号 ZY-1 given to the next patient, the lost one not in sight
        register_admission(window, admission(person(2), number="ZY-1"), clerk="王", now=NOW)
        away.rename(central_folder)
        report = run_once(window, now=NOW)
        [note] = [note for note in report.notes if "未能放回本机" in note]
        assert "住院号与已有的住院登记重复" in note and "不能结算" in note
        assert "SQL" not in note and "sqlalche" not in note
    finally:
        window.close()
