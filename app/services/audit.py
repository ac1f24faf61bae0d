"""The audit trail: who did what to which record, and what changed. Insert-only."""

import json
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db.audit_chain import note_inserted
from db.models import AuditEvent


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"不能写入审计记录：{value!r}")


def to_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_plain)


def apply_changes(row: object, values: dict[str, object]) -> dict[str, list]:
    """Set each of ``values`` on ``row``; the ones that changed as ``{key: [old, new]}``, for
    the audit event of that change."""
    changes = {}
    for key, value in values.items():
        if getattr(row, key) != value:
            changes[key] = [getattr(row, key), value]
            setattr(row, key, value)
    return changes


def record(
    session: Session,
    *,
    clerk: str,
    action: str,
    entity: str,
    entity_id: object,
    changes: dict,
    at: datetime | None = None,
) -> AuditEvent:
    """Add an audit event to the caller's transaction (it commits or rolls back with it).

    ``action``: create, change, void, override or import. ``changes``: field -> new value,
    or field -> [old, new] for a change.
    """
    event = AuditEvent(
        at=at or datetime.now(),
        clerk=clerk,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        changes_json=to_json(changes),
    )
    session.add(event)
    return event


def record_many(
    session: Session,
    *,
    clerk: str,
    action: str,
    entity: str,
    changes: Iterable[tuple[object, dict]],
    at: datetime | None = None,
) -> list[int]:
    """One audit event per ``(entity_id, changes)``, as ``record`` adds them, inserted in one
    statement (thousands at once, e.g. a bundle's claims) and sealed in the hash chain at the
    commit like the others; returns their ids in the order given."""
    at = at or datetime.now()
    rows = [
        {
            "at": at,
            "clerk": clerk,
            "action": action,
            "entity": entity,
            "entity_id": str(entity_id),
            "changes_json": to_json(change),
        }
        for entity_id, change in changes
    ]
    if not rows:
        return []
    table = AuditEvent.__table__
    ids = list(
        session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
        ).scalars()
    )
    note_inserted(session, ids)
    return ids


def history(session: Session, entity: str, entity_id: object) -> list[AuditEvent]:
    query = (
        select(AuditEvent)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == str(entity_id))
        .order_by(AuditEvent.id)
    )
    return list(session.scalars(query))
