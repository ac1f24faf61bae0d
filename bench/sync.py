"""Sync throughput: changes per second through a window's push and through the central ingest,
each next to the plain operation on the same data in the same run.

Builds N discharge cases (default 1,000) through the real services in a temporary window
database (each case queues about ten changes: person, status, admission, checklist items,
discharge, settlement), then times:

- ``sync``: packing the outbox, writing packages to the central folder (staging name, fsync,
  read back, rename) and marking them sent, beside a plain copy of the same changes as one
  JSON-lines file (``shutil.copyfile`` and fsync);
- ``ingest``: taking the packages into a central database, beside a plain bulk INSERT of the
  same rows (the window's tables copied with executemany) into an empty database of the same
  kind: SQLite by default, PostgreSQL with ``--postgres URL`` (a server URL: the benchmark
  creates and drops its own databases).

    python bench/sync.py [--cases 1000] [--postgres postgresql://…]
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

from app.sync import ingest, run_once
from bench.cases import build_cases
from db import open_store
from db.models import Admission, BeneficiaryStatus, ChecklistItem, Person, Settlement, Site
from db.sync_models import OutboxEntry

COPIED_TABLES = (Site, Person, BeneficiaryStatus, Admission, ChecklistItem, Settlement)


def build(store, cases: int) -> None:
    build_cases(store, cases, site_code="LX01", policy="lanxi", category="destitute")


def timed(func):
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def fsynced_copy(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
    with open(target, "rb+") as handle:
        os.fsync(handle.fileno())


def table_rows(store) -> dict:
    with store.read() as session:
        return {
            model: [dict(row._mapping) for row in session.execute(select(model.__table__))]
            for model in COPIED_TABLES
        }


def bulk_insert(target: str, rows: dict) -> None:
    store = open_store(target)
    with store.engine.begin() as connection:
        for model, values in rows.items():
            if values:
                connection.execute(insert(model.__table__), values)
    store.close()


class Databases:
    """Fresh central databases: SQLite files in ``work``, or new PostgreSQL databases."""

    def __init__(self, work: Path, server: str | None):
        self.work, self.server, self.made = work, server, []

    def new(self, label: str) -> str:
        if self.server is None:
            return str(self.work / f"{label}.sqlite3")
        name = f"bench_sync_{label}_{uuid.uuid4().hex[:8]}"
        with self._admin() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.made.append(name)
        return make_url(self.server).set(database=name).render_as_string(hide_password=False)

    def _admin(self):
        return create_engine(make_url(self.server), isolation_level="AUTOCOMMIT").connect()

    def drop(self) -> None:
        for name in self.made:
            with self._admin() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--postgres", metavar="URL", help="central databases on this server")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        databases = Databases(work, args.postgres)
        try:
            run(work, databases, args.cases)
        finally:
            databases.drop()


def run(work: Path, databases: Databases, cases: int) -> None:
    window = open_store(work / "window" / "desk.sqlite3")
    seconds, _ = timed(lambda: build(window, cases))
    with window.read() as session:
        bodies = list(session.scalars(select(OutboxEntry.body).order_by(OutboxEntry.seq)))
    changes = len(bodies)
    print(f"built {cases} discharge cases ({changes} queued changes) in {seconds:.1f} s")

    central = work / "central"
    central.mkdir()
    plain = work / "changes.jsonl"
    plain.write_text("".join(body + "\n" for body in bodies), encoding="utf-8")
    (work / "copy").mkdir()
    sync_seconds, report = timed(lambda: run_once(window, central))
    assert report.ok and report.queue_length == 0, report.error
    copy_seconds, _ = timed(lambda: fsynced_copy(plain, work / "copy" / plain.name))
    packed = sum(p.stat().st_size for p in (central / "inbox").rglob("*.gz"))

    rows = table_rows(window)
    row_count = sum(len(values) for values in rows.values())
    window.close()
    centre = open_store(databases.new("ingest"), data_dir=work / "centre")
    ingest_seconds, ingested = timed(lambda: ingest(centre, central))
    assert ingested.problems == [] and ingested.changes == changes, ingested.problems
    kind = centre.dialect
    centre.close()
    bulk_target = databases.new("bulk")
    open_store(bulk_target, data_dir=work / "bulk").close()  # schema made outside the timing
    bulk_seconds, _ = timed(lambda: bulk_insert(bulk_target, rows))

    print(
        f"{len(report.packages)} packages, {packed / 1e6:.2f} MB compressed"
        f" ({plain.stat().st_size / 1e6:.2f} MB as plain JSON lines); central database: {kind}"
    )
    for name, seconds, count, unit in (
        ("sync (pack, write, rename, mark sent)", sync_seconds, changes, "changes"),
        ("plain file copy + fsync (baseline)", copy_seconds, changes, "changes"),
        (f"central ingest into {kind}", ingest_seconds, changes, "changes"),
        (f"plain bulk INSERT into {kind} (baseline)", bulk_seconds, row_count, "rows"),
    ):
        print(f"{name:42s} {seconds:8.3f} s  {count / seconds:12.0f} {unit}/s")
    print(
        f"ratio: sync takes {sync_seconds / copy_seconds:.1f} × the plain copy;"
        f" ingest takes {ingest_seconds / bulk_seconds:.1f} × the bulk insert"
        f" ({changes} changes → {row_count} rows: updates fold into their rows)"
    )


if __name__ == "__main__":
    main()
