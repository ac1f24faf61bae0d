"""A bundle's files are written without waiting for the disk, then made durable before the
rename (``app.bundle.durable``; the case files while the reports are made, then the rest):
whatever fails on the way, nothing that looks like a bundle is left and nothing is marked
claimed."""

import errno

import pytest

from app.bundle import durable, safe_write
from app.bundle.contents import write_unsynced
from app.bundle.manifest import verify_bundle
from app.bundle.safe_write import TargetError
from app.services import ServiceError
from tests.bundle.test_export import claimed, export

BUNDLE = "TEZ01-taierzhuang-2026Q3"


def test_the_staging_copy_is_synced_in_two_parts_both_before_the_rename(
    quarter, tmp_path, monkeypatch
):
    usb = tmp_path / "usb"
    usb.mkdir()
    real_sync = safe_write.sync_all
    seen = []

    def sync_all(root, paths):
        paths = list(paths)
        on_stick = sorted(p.name for p in usb.iterdir())
        seen.append((on_stick, root, paths, (root / "manifest.json").exists()))
        real_sync(root, paths)

    monkeypatch.setattr(safe_write, "sync_all", sync_all)
    report = export(quarter, usb)
    # The case files first (the reports are made meanwhile), then what was written after them.
    assert len(seen) == 2
    (first_listed, root, first, manifest_then), (last_listed, last_root, last, manifest_later) = (
        seen
    )
    assert root == last_root and root.name.startswith(".未完成请勿使用-")
    assert first_listed == last_listed == [root.name]  # neither after the rename
    assert not manifest_then and manifest_later

    def names(paths):
        return {p.relative_to(root).as_posix() for p in paths if p.is_relative_to(root)}

    assert "cases" in names(first) and "report.pdf" not in names(first)
    assert {"manifest.json", "report.pdf", "report.xlsx", "."} <= names(last)
    on_target = {p.relative_to(report.path).as_posix() for p in report.path.rglob("*")}
    assert on_target <= names(first) | names(last)  # every file and folder of the bundle


def test_without_syncfs_every_file_and_folder_is_fsynced(quarter, tmp_path, monkeypatch):
    synced = []
    real_fsync = durable.fsync_path
    monkeypatch.setattr(durable, "_syncfs", None)
    monkeypatch.setattr(durable, "fsync_path", lambda path: (synced.append(path), real_fsync(path)))
    usb = tmp_path / "usb"
    usb.mkdir()
    report = export(quarter, usb)
    assert verify_bundle(report.path).ok
    names = {path.name for path in synced}
    assert {"manifest.json", "report.pdf", "report.xlsx", "slip.pdf", "cases"} <= names
    assert len(synced) >= len(list(report.path.rglob("*")))


def test_a_failed_sync_leaves_no_bundle_and_nothing_claimed(quarter, tmp_path, monkeypatch):
    def stick_pulled(_root, _paths):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(safe_write, "sync_all", stick_pulled)
    usb = tmp_path / "usb"
    usb.mkdir()
    with pytest.raises(TargetError, match="读写目标设备出错"):
        export(quarter, usb)
    assert list(usb.iterdir()) == []
    assert set(claimed(quarter.store).values()) == {None}
    monkeypatch.undo()
    assert [p.name for p in export(quarter, usb).path.parent.iterdir()] == [BUNDLE]


def test_a_copy_the_target_altered_is_caught_by_the_read_back(quarter, tmp_path):
    scan = f"cases/{quarter.slips[2]}/admission-id_card.png"

    def garbling(path, data):
        write_unsynced(path, data)
        if path.as_posix().endswith(scan):
            path.write_bytes(path.read_bytes()[:-1] + b"?")

    usb = tmp_path / "usb"
    usb.mkdir()
    with pytest.raises(TargetError, match=f"回读校验失败：{scan}"):
        export(quarter, usb, write_file=garbling)
    assert list(usb.iterdir()) == []
    assert set(claimed(quarter.store).values()) == {None}


def test_a_scan_grown_since_it_was_kept_stops_the_export_and_names_it(quarter, tmp_path):
    slip = quarter.slips[1]
    kept = quarter.scans[slip]
    stored = next(
        p
        for p in (tmp_path / "data" / "scans").rglob("*")
        if p.is_file() and p.read_bytes() == kept
    )
    stored.write_bytes(kept + b"extra")
    usb = tmp_path / "usb"
    usb.mkdir()
    with pytest.raises(ServiceError, match=f"结算单 {slip} 的扫描件.*已损坏"):
        export(quarter, usb)
    assert list(usb.iterdir()) == []
    assert set(claimed(quarter.store).values()) == {None}


def test_on_a_network_share_every_file_is_fsynced_not_one_syncfs(quarter, tmp_path, monkeypatch):
    synced = []
    real_fsync = durable.fsync_path
    monkeypatch.setattr(durable, "file_system_type", lambda _path: "cifs")
    monkeypatch.setattr(durable, "fsync_path", lambda path: (synced.append(path), real_fsync(path)))
    share = tmp_path / "share"
    share.mkdir()
    report = export(quarter, share)
    assert verify_bundle(report.path).ok
    assert len(synced) >= len(list(report.path.rglob("*")))
