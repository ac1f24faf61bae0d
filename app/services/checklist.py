"""Document-copy checklist per admission, built from the policy's ``documents[stage]``."""

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.policy.schema import VersionDef
from app.services import audit
from app.services.errors import ServiceError
from app.services.scans import store_scan
from app.vocabulary import DOCUMENT_STAGE_NAMES
from db import Store
from db.models import Admission, ChecklistItem, Settlement


def stages_for(admission: Admission) -> tuple[str, ...]:
    """Stages whose papers an admission's settlement needs."""
    if admission.kind == "outpatient":
        return ("outpatient",)
    if admission.facility == "outside":
        return ("admission", "referral", "out_of_area", "discharge")
    if admission.referral_approved or admission.referral_number:
        return ("admission", "referral", "discharge")
    return ("admission", "discharge")


def create_checklist(session: Session, admission: Admission, version: VersionDef) -> int:
    """Add the policy version's document items for the admission; returns how many."""
    count = 0
    for stage in stages_for(admission):
        for document in version.documents.get(stage, ()):
            session.add(
                ChecklistItem(
                    admission_id=admission.id,
                    stage=stage,
                    document_code=document.code,
                    name=document.name,
                    clause=document.clause,
                    note=document.note,
                    alternatives_json=json.dumps(list(document.alternatives), ensure_ascii=False),
                    original_required=document.original,
                    copy_required=document.copy_kept,
                    both_sides=document.both_sides,
                    original_sighted=False,
                    copy_kept=False,
                )
            )
            count += 1
    session.flush()
    return count


def checklist(session: Session, admission_id: int) -> list[ChecklistItem]:
    query = (
        select(ChecklistItem)
        .where(ChecklistItem.admission_id == admission_id)
        .order_by(ChecklistItem.id)
    )
    return list(session.scalars(query))


def is_missing(item: ChecklistItem) -> bool:
    return (item.original_required and not item.original_sighted) or (
        item.copy_required and not item.copy_kept
    )


def describe_missing(item: ChecklistItem) -> str:
    wanted = []
    if item.original_required and not item.original_sighted:
        wanted.append("原件未查验")
    if item.copy_required and not item.copy_kept:
        wanted.append("复印件未留存")
    return f"{DOCUMENT_STAGE_NAMES[item.stage]}·{item.name}（{'，'.join(wanted)}）"


def missing_items(session: Session, admission_id: int) -> list[ChecklistItem]:
    return [item for item in checklist(session, admission_id) if is_missing(item)]


@dataclass
class ItemUpdate:
    """What the clerk ticked for one item; None leaves a mark as it is."""

    original_sighted: bool | None = None
    copy_kept: bool | None = None
    scan: Path | None = None
    remove_scan: bool = False  # take an attached scan off (before settlement only)
    both_sides_copied: bool | None = None  # only for an item whose copy needs both sides


def _marks(item: ChecklistItem, update: ItemUpdate) -> dict[str, bool]:
    """The marks to set: a copy of both sides is a copy kept, and a copy no longer kept
    no longer has two sides."""
    marks = {
        key: bool(value)
        for key in ("original_sighted", "copy_kept", "both_sides_copied")
        if (value := getattr(update, key)) is not None
    }
    if marks.get("both_sides_copied") and not item.both_sides:
        raise ServiceError("both_sides_copied", f"“{item.name}”不要求复印正反两面")
    if marks.get("both_sides_copied"):
        marks.setdefault("copy_kept", True)
    if marks.get("copy_kept") is False and item.both_sides_copied:
        marks.setdefault("both_sides_copied", False)
    return marks


def update_item(store: Store, item_id: int, update: ItemUpdate, *, clerk: str) -> ChecklistItem:
    """Record originals sighted, copies kept and a scan for one checklist item (audited).

    After settlement a paper can still be completed (a copy a supervisor let through, brought
    the next day: audited as ``late_copy`` with the slip it completes) but never taken back."""
    with store.write() as session:
        item = session.get(ChecklistItem, item_id)
        if item is None:
            raise ServiceError("checklist_item", f"没有编号为 {item_id} 的材料")
        slip_number = _settled(session, item.admission_id)
        changes: dict[str, list] = {}
        for key, value in _marks(item, update).items():
            if value != getattr(item, key):
                if slip_number and not value:
                    raise ServiceError(
                        "checklist_item",
                        f"该住院已结算（结算单 {slip_number}），材料只能补交，不能取消勾选",
                    )
                changes[key] = [getattr(item, key), bool(value)]
                setattr(item, key, bool(value))
        if update.scan is not None:
            scan = store_scan(session, store.scans_dir, update.scan)
            if scan.sha256 != item.scan_sha256:
                if slip_number and item.scan_sha256:
                    raise ServiceError(
                        "checklist_item",
                        f"该住院已结算（结算单 {slip_number}），已附加的扫描件不能更换",
                    )
                changes["scan_sha256"] = [item.scan_sha256, scan.sha256]
                item.scan_sha256 = scan.sha256
        elif update.remove_scan and item.scan_sha256:
            if slip_number:
                raise ServiceError(
                    "checklist_item",
                    f"该住院已结算（结算单 {slip_number}），已附加的扫描件不能移除",
                )
            # The file stays in the content-addressed scan folder (the audit names it).
            changes["scan_sha256"] = [item.scan_sha256, None]
            item.scan_sha256 = None
        if changes:
            item.updated_at = datetime.now()
            item.updated_by = clerk
            late = {"slip_number": slip_number} if slip_number else {}
            audit.record(
                session,
                clerk=clerk,
                action="late_copy" if slip_number else "change",
                entity="checklist_item",
                entity_id=item.id,
                changes={
                    "admission_id": item.admission_id,
                    "document": item.document_code,
                    **late,
                    **changes,
                },
            )
    return item


def _settled(session: Session, admission_id: int) -> str | None:
    """The slip number of the admission's live settlement, None when it has none."""
    query = select(Settlement.slip_number).where(
        Settlement.admission_id == admission_id, Settlement.voided.is_(False)
    )
    return session.scalar(query.limit(1))
