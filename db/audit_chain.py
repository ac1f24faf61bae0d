"""The audit hash chain: every audit event is sealed in the transaction that writes it.

``seal_audit_events(sessionmaker)`` hooks a store's writing sessions like the sync outbox does:
after each flush it notes the audit events inserted through the ORM (``app.services.audit``);
just before COMMIT it reads them back as stored, takes the chain's head from
``audit_chain_state`` (the UPDATE that takes the row's lock is the last thing before COMMIT, so
two windows sharing PostgreSQL never hold it while waiting for another lock) and inserts one
``audit_chain`` link per event: SHA-256 of the previous link's hash and the event's canonical
content. ``walk_chain`` re-computes it and names the first edited or deleted event.

An event inserted some other way (raw SQL, a session not made by the store) has no link; the
check reports it as written outside the app.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, event, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from db.models import AuditEvent
from db.security_models import AuditChainLink, AuditChainState

GENESIS = "0" * 64
_NEW = "audit_chain_new"
_BATCH = 1000


def canonical(row) -> str:
    """An event's content as one fixed text: what its hash covers (never change this)."""
    at = row.at.isoformat(sep=" ", timespec="microseconds") if row.at is not None else None
    content = {
        "id": row.id,
        "at": at,
        "clerk": row.clerk,
        "action": row.action,
        "entity": row.entity,
        "entity_id": row.entity_id,
        "changes": row.changes_json,
    }
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def link_hash(previous: str, row) -> str:
    return hashlib.sha256((previous + canonical(row)).encode("utf-8")).hexdigest()


def seal_audit_events(factory: sessionmaker) -> None:
    """Chain the audit events of every transaction of the sessions ``factory`` makes."""
    event.listen(factory, "after_flush", _note_new_events)
    event.listen(factory, "before_commit", _seal)
    event.listen(factory, "after_transaction_end", _forget)


def _note_new_events(session: Session, _flush_context) -> None:
    ids = session.info.setdefault(_NEW, set())
    ids.update(obj.id for obj in session.new if isinstance(obj, AuditEvent))


def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_NEW, None)


_EVENT_COLUMNS = [AuditEvent.__table__.c[name] for name in ("id", "at", "clerk", "action")] + [
    AuditEvent.__table__.c[name] for name in ("entity", "entity_id", "changes_json")
]


def _seal(session: Session) -> None:
    session.flush()
    ids = session.info.pop(_NEW, None)
    if not ids:
        return
    # Read back as stored (a savepoint rolled back may have taken some away).
    rows = session.execute(
        select(*_EVENT_COLUMNS).where(AuditEvent.id.in_(sorted(ids))).order_by(AuditEvent.id)
    ).all()
    if rows:
        append_links(session.connection(), rows)


def append_links(connection: Connection, rows) -> None:
    """Add links for ``rows`` (audit events in the order to chain them) after the head."""
    state = AuditChainState.__table__
    last_seq, previous = connection.execute(
        update(state)
        .where(state.c.id == 1)
        .values(last_seq=state.c.last_seq + len(rows))
        .returning(state.c.last_seq, state.c.last_hash)
    ).one()
    seq = last_seq - len(rows)
    links = []
    for row in rows:
        seq += 1
        previous = link_hash(previous, row)
        links.append({"seq": seq, "event_id": row.id, "hash": previous})
    connection.execute(insert(AuditChainLink.__table__), links)
    connection.execute(update(state).where(state.c.id == 1).values(last_hash=previous))


@dataclass(frozen=True)
class ChainProblem:
    """One break in the chain. ``kind``: edited, deleted, cut (links removed), unsealed."""

    kind: str
    event_id: int | None
    seq: int | None
    message: str


@dataclass(frozen=True)
class ChainReport:
    problems: tuple[ChainProblem, ...]
    links_checked: int
    head_hash: str

    @property
    def ok(self) -> bool:
        return not self.problems


def _links(connection: Connection) -> Iterator[list]:
    table = AuditChainLink.__table__
    result = connection.execution_options(yield_per=_BATCH).execute(
        select(table.c.seq, table.c.event_id, table.c.hash).order_by(table.c.seq)
    )
    yield from result.partitions()


def walk_chain(connection: Connection) -> ChainReport:
    """Re-compute every link from the stored events; report each break in chain order."""
    problems: list[ChainProblem] = []
    previous, expected_seq, checked, last_event = GENESIS, 1, 0, None
    events = AuditEvent.__table__
    for batch in _links(connection):
        stored = {
            row.id: row
            for row in connection.execute(
                select(*_EVENT_COLUMNS).where(events.c.id.in_([link.event_id for link in batch]))
            )
        }
        for link in batch:
            checked += 1
            after_gap = link.seq != expected_seq
            if after_gap:
                problems.append(_gap(expected_seq, link.seq, last_event, link.event_id))
            row = stored.get(link.event_id)
            if row is None:
                problems.append(
                    ChainProblem(
                        "deleted",
                        link.event_id,
                        link.seq,
                        f"审计记录 #{link.event_id} 已被删除（链位置 {link.seq}）",
                    )
                )
            elif link_hash(previous, row) != link.hash and not after_gap:
                problems.append(
                    ChainProblem(
                        "edited",
                        link.event_id,
                        link.seq,
                        f"审计记录 #{link.event_id} 已被改动（链位置 {link.seq}，"
                        f"{_when(row.at)} {row.clerk} {row.action} {row.entity} {row.entity_id}）",
                    )
                )
            previous, expected_seq, last_event = link.hash, link.seq + 1, link.event_id
    state = connection.execute(select(AuditChainState.__table__)).one_or_none()
    if state is not None and (state.last_seq, state.last_hash) != (expected_seq - 1, previous):
        problems.append(
            ChainProblem(
                "cut",
                None,
                expected_seq,
                f"链尾的审计记录被删除：应有 {state.last_seq} 条，只剩 {expected_seq - 1} 条"
                f"（最后一条为 #{last_event}）",
            )
        )
    links = AuditChainLink.__table__
    unsealed = connection.execute(
        select(events.c.id)
        .outerjoin(links, links.c.event_id == events.c.id)
        .where(links.c.seq.is_(None))
        .order_by(events.c.id)
    ).scalars()
    problems += [
        ChainProblem(
            "unsealed", event_id, None, f"审计记录 #{event_id} 不在哈希链中（绕过程序写入）"
        )
        for event_id in unsealed
    ]
    return ChainReport(tuple(problems), checked, previous)


def _gap(expected: int, found: int, before: int | None, after: int) -> ChainProblem:
    where = (
        f"审计记录 #{before} 与 #{after} 之间" if before is not None else f"审计记录 #{after} 之前"
    )
    return ChainProblem(
        "deleted",
        None,
        expected,
        f"{where}有 {found - expected} 条记录连同其哈希被删除（链位置 {expected}–{found - 1}）",
    )


def _when(at: datetime | None) -> str:
    return f"{at:%Y-%m-%d %H:%M}" if at else "?"
