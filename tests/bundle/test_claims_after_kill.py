"""A bundle that landed is marked claimed, one that did not is not, whenever the exporting
process is killed; staging copies a kill leaves are refused by verify-bundle and cleaned by the
next export to the same target."""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.bundle.export import PENDING, export_bundle, reconcile_claims
from app.bundle.manifest import verify_bundle
from app.bundle.safe_write import leftover_of
from app.cli import main
from db import open_store
from db.models import Setting, Settlement

REPO = Path(__file__).resolve().parents[2]
BUNDLE = "TEZ01-taierzhuang-2026Q3"
KILLS = 6

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def start_child(db: Path, target: Path, mode: str) -> subprocess.Popen:
    child = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("export_child.py")),
            *(str(db), str(target)),
            mode,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        text=True,
    )
    assert child.stdout.readline() == "READY\n", child.stderr.read()
    return child


def killed_child(db: Path, target: Path, mode: str) -> None:
    child = start_child(db, target, mode)
    out, err = child.communicate(timeout=300)
    assert child.returncode == -signal.SIGKILL, err
    assert "EXPORTED" not in out


def claims(store) -> dict[str, str | None]:
    with store.read() as session:
        return {s.slip_number: s.claimed_bundle for s in session.scalars(select(Settlement))}


def pending(store) -> list[str]:
    with store.read() as session:
        return list(session.scalars(select(Setting.key).where(Setting.key.like(f"{PENDING}%"))))


def assert_claims_match_target(store, quarter, target: Path) -> None:
    """Claimed in the bundle exactly when the bundle on the target lists the settlement."""
    manifest_file = target / BUNDLE / "manifest.json"
    listed = set()
    if manifest_file.exists():
        manifest = json.loads(manifest_file.read_text("utf-8"))
        listed = {s["slip_number"] for s in manifest["settlements"] if not s["voided"]}
    marks = claims(store)
    for slip in [*quarter.slips, quarter.june_slip]:
        assert marks[slip] == (BUNDLE if slip in listed else None), slip


def test_a_kill_between_the_rename_and_the_commit_is_reconciled_as_claimed(quarter, tmp_path):
    db = Path(quarter.store.engine.url.database)
    quarter.store.close()
    usb = tmp_path / "usb"
    usb.mkdir()
    killed_child(db, usb, "after-rename")
    assert verify_bundle(usb / BUNDLE).ok  # the bundle landed whole …
    store = open_store(db)
    try:
        assert set(claims(store).values()) == {None}  # … but the kill came before the marks
        assert len(pending(store)) == 1
        done = reconcile_claims(store)
        assert done == [f"上次导出的申报包 {usb / BUNDLE} 已完整写入：其中的结算已标记为已申报"]
        assert pending(store) == []
        assert_claims_match_target(store, quarter, usb)
        assert claims(store)[quarter.slips[0]] == BUNDLE
    finally:
        store.close()


def test_a_kill_before_the_bundle_landed_leaves_nothing_claimed(quarter, tmp_path):
    db = Path(quarter.store.engine.url.database)
    quarter.store.close()
    usb = tmp_path / "usb"
    usb.mkdir()
    killed_child(db, usb, "mid-write:4")
    store = open_store(db)
    try:
        assert reconcile_claims(store) == []
        assert set(claims(store).values()) == {None}
    finally:
        store.close()


def test_staging_leftovers_are_refused_by_verify_and_cleaned_by_the_next_export(
    quarter, tmp_path, capsys
):
    db = Path(quarter.store.engine.url.database)
    quarter.store.close()
    usb = tmp_path / "usb"
    usb.mkdir()
    other = usb / ".未完成请勿使用-0123abcd-LX01-lanxi-2026Q3"  # another bundle's, just now
    other.mkdir()
    killed_child(db, usb, "mid-write:6")
    leftovers = [p for p in usb.iterdir() if p != other]
    assert len(leftovers) == 1
    staging = leftovers[0]
    assert leftover_of(staging) == BUNDLE
    assert staging.name.startswith(".未完成请勿使用-")  # nothing that reads as a bundle
    assert not staging.name.startswith(BUNDLE) and not staging.name.startswith(f".{BUNDLE}")

    assert main(["verify-bundle", str(staging)]) == 1
    err = capsys.readouterr().err
    assert "这不是申报包，而是一次未完成（或被替换）的导出留下的临时副本" in err

    store = open_store(db)
    try:
        report = export_bundle(store, quarter.policies, period_text="2026Q3", target_dir=usb)
        assert verify_bundle(report.path).ok
        assert sorted(p.name for p in usb.iterdir()) == sorted([BUNDLE, other.name])
        assert_claims_match_target(store, quarter, usb)
    finally:
        store.close()


@pytest.mark.slow
def test_claims_match_the_target_whenever_the_export_is_killed(quarter, tmp_path):
    db = Path(quarter.store.engine.url.database)
    quarter.store.close()
    usb = tmp_path / "usb"
    usb.mkdir()
    chance = random.Random(20260601)
    for _round in range(KILLS):
        child = start_child(db, usb, "run")
        time.sleep(chance.uniform(0.0, 1.5))  # a random moment: the test asserts no timing
        child.send_signal(signal.SIGKILL)
        _out, err = child.communicate(timeout=300)
        assert child.returncode in (0, -signal.SIGKILL), err
        store = open_store(db)
        try:
            reconcile_claims(store)
            assert pending(store) == []
            assert_claims_match_target(store, quarter, usb)
        finally:
            store.close()
    store = open_store(db)
    try:
        report = export_bundle(store, quarter.policies, period_text="2026Q3", target_dir=usb)
        assert [p.name for p in usb.iterdir()] == [BUNDLE]
        assert verify_bundle(report.path).ok
        assert_claims_match_target(store, quarter, usb)
    finally:
        store.close()


def test_the_window_start_reconciles_a_killed_export(quarter, tmp_path):
    from app.desk import Desk

    db = Path(quarter.store.engine.url.database)
    quarter.store.close()
    usb = tmp_path / "usb"
    usb.mkdir()
    killed_child(db, usb, "after-rename")
    desk = Desk.open(str(db), "王")
    try:
        notes = desk.startup_checks()
        assert f"上次导出的申报包 {usb / BUNDLE} 已完整写入：其中的结算已标记为已申报" in (
            notes.problems
        )
        assert pending(desk.store) == []
        assert_claims_match_target(desk.store, quarter, usb)
    finally:
        desk.close()
