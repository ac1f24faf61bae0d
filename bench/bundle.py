"""Export throughput of a claim bundle, next to plain copies of the same files.

Builds N settled cases (default 2,000), each with a scanned ID card and its slip archived as
the desk archives it, through the real services in a temporary SQLite store, exports the
quarter as a folder and as a ZIP (each written, synced and read back: the export's own
verification), and in the same run copies the exported folder with ``shutil.copytree``, with
``copytree`` and an fsync of every file (the same durability as the export), and packs it into
an uncompressed ZIP (what ``zip -0`` does). Prints cases per second and MB/s for each and the
ratios; the goal (issue 18) is the folder export within 3× ``copytree``.

The modules an export loads (ReportLab, openpyxl) are imported before the clock starts and
their import time printed apart: a process pays it once, at its first export.

``--cache DIR`` builds the cases once into ``DIR/bundle-<cases>-<scan kb>/`` and copies them into
each run's temporary folder (nothing claimed yet, so every run marks them as the first export).

    python bench/bundle.py [--cases 2000] [--scan-kb 150] [--cache DIR]
    python -m cProfile -s cumtime bench/bundle.py --cases 300   # where the time goes
"""

import argparse
import importlib
import os
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.bundle import safe_write
from app.bundle.export import export_bundle
from app.policy import load_policies
from bench.cases import build_cases
from db import open_store


def timed(func):
    # What earlier steps left for the disk to write is written first: a sync in the step
    # timed (the export's) would otherwise pay for it.
    if hasattr(os, "sync"):
        os.sync()
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def fsync_tree(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            descriptor = os.open(path, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)


def import_export_modules() -> None:
    for module in ("app.bundle.report_pdf", "app.bundle.report_xlsx", "app.printing.slip_archive"):
        importlib.import_module(module)
    from app.printing.typeset import register_fonts

    register_fonts()


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build_store(work: Path, cases: int, scan_kb: int, cache: Path | None) -> None:
    """The settled cases in ``work/data``: built, or copied from ``cache`` (built there once)."""
    built = cache / f"bundle-{cases}-{scan_kb}" if cache else None
    if built is not None and built.is_dir():
        seconds, _ = timed(lambda: shutil.copytree(built, work / "data"))
        print(f"copied {cases} settled cases with scans from {built} in {seconds:.1f} s")
        return
    (work / "data").mkdir()
    store = open_store(str(work / "data" / "desk.sqlite3"))
    seconds, _ = timed(
        lambda: build_cases(
            store,
            cases,
            site_code="TEZ01",
            policy="taierzhuang",
            category="minimum_living",
            scan_kb=scan_kb,
            work=work,
            archive_slips=True,
        )
    )
    store.close()
    print(f"built {cases} settled cases with scans in {seconds:.1f} s")
    if built is not None:
        building = built.with_name(built.name + ".building")
        shutil.rmtree(building, ignore_errors=True)
        shutil.copytree(work / "data", building)
        building.rename(built)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--scan-kb", type=int, default=150)
    parser.add_argument("--cache", type=Path, help="folder to keep the built cases in, reused")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        build_store(work, args.cases, args.scan_kb, args.cache)
        store = open_store(str(work / "data" / "desk.sqlite3"))
        policies = load_policies()
        imports, _ = timed(import_export_modules)
        print(f"modules an export loads imported in {imports:.2f} s (once per process)")
        targets = {
            name: work / name
            for name in ("folder", "unsynced", "zip", "copytree", "copytree_sync", "zip0")
        }
        for target in targets.values():
            target.mkdir()
        export_folder, report = timed(
            lambda: export_bundle(
                store, policies, period_text="2026Q3", target_dir=targets["folder"]
            )
        )

        def export_unsynced():
            # The same export with the wait for the disk taken out (no sync of files or
            # folders): what the export itself costs beside copytree, which never waits.
            with (
                mock.patch.object(safe_write, "sync_all", lambda _root, _paths: None),
                mock.patch.object(safe_write, "fsync_dir", lambda _path: None),
            ):
                return export_bundle(
                    store, policies, period_text="2026Q3", target_dir=targets["unsynced"]
                )

        export_no_sync, _ = timed(export_unsynced)
        export_zip, _ = timed(
            lambda: export_bundle(
                store, policies, period_text="2026Q3", target_dir=targets["zip"], as_zip=True
            )
        )
        copy, _ = timed(lambda: shutil.copytree(report.path, targets["copytree"] / "copy"))

        def copy_and_sync():
            shutil.copytree(report.path, targets["copytree_sync"] / "copy")
            fsync_tree(targets["copytree_sync"] / "copy")

        copy_synced, _ = timed(copy_and_sync)

        def zip_stored():
            with zipfile.ZipFile(targets["zip0"] / "plain.zip", "w", zipfile.ZIP_STORED) as out:
                for path in sorted(report.path.rglob("*")):
                    if path.is_file():
                        out.write(path, path.relative_to(report.path))

        plain_zip, _ = timed(zip_stored)
        store.close()
        megabytes = folder_size(report.path) / 1e6
        print(f"bundle: {report.cases} cases, {megabytes:.1f} MB")
        for name, seconds in (
            ("export-bundle (folder)", export_folder),
            ("export-bundle, no fsync", export_no_sync),
            ("export-bundle (ZIP)", export_zip),
            ("shutil.copytree (baseline)", copy),
            ("copytree + fsync each file", copy_synced),
            ("zip -0 equivalent (baseline)", plain_zip),
        ):
            print(
                f"{name:30s} {seconds:8.2f} s  {report.cases / seconds:10.1f} cases/s"
                f"  {megabytes / seconds:8.1f} MB/s"
            )
        print(
            f"ratio: folder export takes {export_folder / copy:.1f} × copytree"
            f" (goal ≤ 3×), {export_folder / copy_synced:.1f} × copytree + fsync,"
            f" {export_no_sync / copy:.1f} × copytree without its fsync;"
            f" ZIP export takes {export_zip / plain_zip:.1f} × zip -0"
            " (export also writes both reports, syncs and verifies by reading back)"
        )


if __name__ == "__main__":
    main()
