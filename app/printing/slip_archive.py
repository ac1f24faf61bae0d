"""Slips archived when they are made (issue 18, point 2).

Each settlement's slip in the claim bundle's form (the hospital's copy alone on A5, never
marked 补打) is rendered once and kept by content like the scans: the file
``<data dir>/slips/<sha[:2]>/<sha256>`` and an ``archived_slip`` row naming it. Asking again
gives the same bytes, even after the hospital's name or a policy title changed, and a bundle
copies the file instead of rendering the slip again.

Two forms per settlement: ``settled`` (as made, at the settlement) and ``voided`` (with its
作废 mark and reason, at the void). The voided one is archived rather than rendered when a
bundle needs it because a bundle lists voided settlements too: archiving it at the void keeps
what the bureau sees fixed at the moment of the void, and the slip as issued stays archived
beside it (nothing issued is lost). A settlement made before slips were archived gets its
form rendered and archived the first time something asks for it.

The file is written and synced before the row that names it is committed (as for scans).
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.fonts import MissingGlyphError
from app.printing.from_store import slip_data, store_pages
from app.printing.records import HOSPITAL_COPY
from app.printing.slip import render_slip
from app.services.errors import ServiceError
from app.services.policies import Policies
from app.services.scans import write_atomically
from db import Store
from db.models import ArchivedSlip, Settlement

SETTLED = "settled"
VOIDED = "voided"
# The bundle's form of a slip; prints at the window may use any paper and copies.
PAPER = "A5"
COPIES = (HOSPITAL_COPY,)


@dataclass(frozen=True)
class SlipFile:
    """An archived slip on disk: its path, SHA-256 and size in bytes."""

    path: Path
    sha256: str
    size: int


def slips_dir(store: Store) -> Path:
    return store.data_dir / "slips"


def slip_file_path(store: Store, sha256: str) -> Path:
    return slips_dir(store) / sha256[:2] / sha256


def form_of(settlement: Settlement) -> str:
    """The form a bundle carries for the settlement now: voided once voided."""
    return VOIDED if settlement.voided else SETTLED


def render_canonical(
    session: Session, slip_number: str, form: str, policies: Policies | None = None
) -> bytes:
    """The slip's bundle form rendered now from the store (call inside ``store_pages``):
    ``settled`` without any 作废 mark, ``voided`` with it; never 补打."""
    data = replace(slip_data(session, slip_number, policies=policies), reprint_count=0)
    if form == SETTLED:
        data = replace(data, voided=False, void_reason="")
    try:
        return render_slip(data, paper=PAPER, copies=COPIES)
    except MissingGlyphError as exc:  # said with the slip: a bundle renders hundreds
        raise ServiceError("slip_number", f"结算单 {slip_number} 无法打印：{exc}") from None


def archived_files(
    session: Session, store: Store, settlement_ids: Iterable[int]
) -> dict[tuple[int, str], SlipFile]:
    """(settlement id, form) -> its archived slip, in one query per 500 settlements."""
    ids = sorted(set(settlement_ids))
    found: dict[tuple[int, str], SlipFile] = {}
    columns = (
        ArchivedSlip.settlement_id,
        ArchivedSlip.form,
        ArchivedSlip.sha256,
        ArchivedSlip.size,
    )
    for start in range(0, len(ids), 500):
        query = select(*columns).where(ArchivedSlip.settlement_id.in_(ids[start : start + 500]))
        for settlement_id, form, sha256, size in session.execute(query):
            found[(settlement_id, form)] = SlipFile(slip_file_path(store, sha256), sha256, size)
    return found


def archive_slip(
    store: Store,
    slip_number: str,
    *,
    form: str | None = None,
    policies: Policies | None = None,
    now: datetime | None = None,
) -> SlipFile:
    """The archived slip of ``slip_number`` in ``form`` (by default the one for its state
    now), rendered and archived first if it is not yet."""
    with store.read() as session:
        settlement = session.scalar(select(Settlement).where(Settlement.slip_number == slip_number))
        if settlement is None:
            raise ServiceError("slip_number", f"没有结算单号为 {slip_number} 的结算")
        form = form or form_of(settlement)
        if form == VOIDED and not settlement.voided:
            raise ServiceError("slip_number", f"结算单 {slip_number} 未作废")
        kept = _row(session, settlement.id, form)
        if kept is not None:
            return SlipFile(slip_file_path(store, kept.sha256), kept.sha256, kept.size)
        with store_pages(store):
            data = render_canonical(session, slip_number, form, policies)
        settlement_id = settlement.id
    sha256 = hashlib.sha256(data).hexdigest()
    path = slip_file_path(store, sha256)
    if not path.exists():
        write_atomically(path, data)
    with store.write() as session:
        kept = _row(session, settlement_id, form)
        if kept is not None:  # another window archived it meanwhile: theirs stands
            return SlipFile(slip_file_path(store, kept.sha256), kept.sha256, kept.size)
        session.add(
            ArchivedSlip(
                settlement_id=settlement_id,
                form=form,
                sha256=sha256,
                size=len(data),
                rendered_at=now or datetime.now(),
            )
        )
    return SlipFile(path, sha256, len(data))


def archived_slip_bytes(
    store: Store, slip_number: str, *, form: str | None = None, policies: Policies | None = None
) -> bytes:
    """The archived slip's bytes (archived first if need be), checked against its hash."""
    kept = archive_slip(store, slip_number, form=form, policies=policies)
    return read_checked(kept)


def read_checked(kept: SlipFile) -> bytes:
    """The file's bytes; ServiceError if it is gone or no longer what was archived."""
    try:
        data = kept.path.read_bytes()
    except OSError:
        raise ServiceError("slip", f"存档的结算单文件丢失：{kept.path}") from None
    if hashlib.sha256(data).hexdigest() != kept.sha256:
        raise ServiceError("slip", f"存档的结算单文件已损坏（与存档时的哈希不符）：{kept.path}")
    return data


def archive_missing(
    store: Store,
    settlements: Iterable[tuple[int, str, str]],
    *,
    policies: Policies | None = None,
    on_each: Callable[[], None] | None = None,
) -> dict[tuple[int, str], SlipFile]:
    """Archive each (settlement id, slip number, form) not archived yet; returns them all."""
    found = {}
    for settlement_id, slip_number, form in settlements:
        found[(settlement_id, form)] = archive_slip(
            store, slip_number, form=form, policies=policies
        )
        if on_each is not None:
            on_each()
    return found


def _row(session: Session, settlement_id: int, form: str) -> ArchivedSlip | None:
    return session.scalar(
        select(ArchivedSlip).where(
            ArchivedSlip.settlement_id == settlement_id, ArchivedSlip.form == form
        )
    )
