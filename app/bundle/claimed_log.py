"""Which settlements each claim bundle handed in, kept beside the database (like the sync
sent log, untouched by ``restore``): a backup restored after an export would otherwise forget
the marks, and a slip the bureau already holds could be voided and claimed again lower."""

import contextlib
import json
from pathlib import Path

from sqlalchemy import select

from app.paths import read_json_object, write_whole
from db import Store
from db.models import Settlement

FILE_NAME = "claimed-bundles.json"


def log_path(store: Store) -> Path:
    return Path(store.data_dir) / FILE_NAME


def record_claimed(store: Store, bundle_id: str, slips: list[str]) -> None:
    """Add (or replace) ``bundle_id``'s slips in the log; a log that cannot be written leaves
    the export as it is (the database's marks are what counts until a restore)."""
    path = log_path(store)
    log = read_json_object(path)
    log[bundle_id] = sorted(set(slips))
    with contextlib.suppress(OSError):
        write_whole(path, json.dumps(log, ensure_ascii=False, indent=1).encode("utf-8"))


def unmarked_claims(store: Store) -> tuple[dict[str, list[int]], dict[str, list[str]]]:
    """Per bundle in the log: the settlements here that have lost its mark (ids), and the
    slips it handed in that this database no longer has."""
    lost_marks: dict[str, list[int]] = {}
    missing: dict[str, list[str]] = {}
    with store.read() as session:
        for bundle_id, slips in sorted(read_json_object(log_path(store)).items()):
            rows = {
                row.slip_number: row
                for start in range(0, len(slips), 500)
                for row in session.scalars(
                    select(Settlement).where(Settlement.slip_number.in_(slips[start : start + 500]))
                )
            }
            unmarked = [rows[s].id for s in slips if s in rows and rows[s].claimed_bundle is None]
            if unmarked:
                lost_marks[bundle_id] = unmarked
            gone = [s for s in slips if s not in rows]
            if gone:
                missing[bundle_id] = gone
    return lost_marks, missing
