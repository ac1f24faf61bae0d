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

The steps run in rounds (``--repeats``, default 3), one after the other in each, and every
round claims the quarter afresh; each step's best round is kept and compared (on a shared
machine the best is the least disturbed), the spread printed beside it.

``--cache DIR`` builds the cases once into ``DIR/bundle-<cases>-<scan kb>/`` and copies them into
each run's temporary folder (nothing claimed yet, so every run marks them as the first export).

    python bench/bundle.py [--cases 2000] [--scan-kb 150] [--cache DIR] [--repeats 3]
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

from sqlalchemy import update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.bundle import safe_write
from app.bundle.durable import fsync_path
from app.bundle.export import export_bundle
from app.policy import load_policies
from bench.cases import build_cases
from db import open_store
from db.models import Settlement


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
            fsync_path(path)


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
    parser.add_argument("--repeats", type=int, default=3, help="rounds; the best of each is kept")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        build_store(work, args.cases, args.scan_kb, args.cache)
        store = open_store(str(work / "data" / "desk.sqlite3"))
        policies = load_policies()
        imports, _ = timed(import_export_modules)
        print(f"modules an export loads imported in {imports:.2f} s (once per process)")
        steps = steps_timed(store, policies, work)
        times: dict[str, list[float]] = {name: [] for name in steps}
        megabytes = 0.0
        for round_number in range(args.repeats):
            for name, step in steps.items():
                times[name].append(step(round_number))
            megabytes = folder_size(work / f"folder-{round_number}" / BUNDLE) / 1e6
            for written in work.glob(f"*-{round_number}"):
                shutil.rmtree(written)  # 2.4 GB a round
        store.close()
        print(f"bundle: {args.cases} cases, {megabytes:.1f} MB; best of {args.repeats} rounds")
        best = {name: min(seconds) for name, seconds in times.items()}
        for name, seconds in times.items():
            print(
                f"{name:30s} {best[name]:8.2f} s  {args.cases / best[name]:10.1f} cases/s"
                f"  {megabytes / best[name]:8.1f} MB/s   (rounds {min(seconds):.2f}–"
                f"{max(seconds):.2f} s)"
            )
        print(
            f"ratio: folder export takes {best[FOLDER] / best[COPY]:.1f} × copytree"
            f" (goal ≤ 3×), {best[FOLDER] / best[COPY_SYNC]:.1f} × copytree + fsync,"
            f" {best[UNSYNCED] / best[COPY]:.1f} × copytree without its sync;"
            f" ZIP export takes {best[ZIP] / best[ZIP0]:.1f} × zip -0"
            " (export also writes both reports, syncs and verifies by reading back)"
        )
        # The disk's speed moves within minutes: each round's export beside its own copytree.
        rounds = ", ".join(
            f"{folder / copied:.1f}"
            for folder, copied in zip(times[FOLDER], times[COPY], strict=True)
        )
        print(f"folder export / copytree in each round: {rounds}")


FOLDER, UNSYNCED, ZIP = "export-bundle (folder)", "export-bundle, no sync", "export-bundle (ZIP)"
COPY, COPY_SYNC = "shutil.copytree (baseline)", "copytree + fsync each file"
ZIP0 = "zip -0 equivalent (baseline)"
BUNDLE = "TEZ01-taierzhuang-2026Q3"


def steps_timed(store, policies, work: Path) -> dict:
    """Each step timed, by name: called with the round's number, returns its seconds."""

    def target(name: str, round_number: int) -> Path:
        path = work / f"{name}-{round_number}"
        path.mkdir()
        return path

    def export(name: str, round_number: int, **options) -> float:
        # Every round claims the quarter afresh (2,000 settlements marked, audited, queued),
        # as a first export does; a raw UPDATE, outside the clock, queues nothing.
        with store.engine.begin() as connection:
            connection.execute(update(Settlement).values(claimed_bundle=None))
        into = target(name, round_number)
        seconds, _ = timed(
            lambda: export_bundle(store, policies, period_text="2026Q3", target_dir=into, **options)
        )
        return seconds

    def unsynced(round_number: int) -> float:
        # The same export with the wait for the disk taken out (no sync of files or
        # folders): what the export itself costs beside copytree, which never waits.
        with (
            mock.patch.object(safe_write, "sync_all", lambda _root, _paths: None),
            mock.patch.object(safe_write, "fsync_path", lambda _path: None),
        ):
            return export("unsynced", round_number)

    def exported(round_number: int) -> Path:
        return work / f"folder-{round_number}" / BUNDLE

    def copy(round_number: int, sync: bool) -> float:
        into = target("copytree-sync" if sync else "copytree", round_number) / "copy"

        def run():
            shutil.copytree(exported(round_number), into)
            if sync:
                fsync_tree(into)

        return timed(run)[0]

    def zip_stored(round_number: int) -> float:
        into = target("zip0", round_number) / "plain.zip"

        def run():
            with zipfile.ZipFile(into, "w", zipfile.ZIP_STORED) as out:
                for path in sorted(exported(round_number).rglob("*")):
                    if path.is_file():
                        out.write(path, path.relative_to(exported(round_number)))

        return timed(run)[0]

    return {
        FOLDER: lambda n: export("folder", n),
        UNSYNCED: unsynced,
        ZIP: lambda n: export("zip", n, as_zip=True),
        COPY: lambda n: copy(n, sync=False),
        COPY_SYNC: lambda n: copy(n, sync=True),
        ZIP0: zip_stored,
    }


if __name__ == "__main__":
    main()
