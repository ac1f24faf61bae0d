"""The audit hash chain: every audit event is sealed in the transaction that writes it.

``seal_audit_events(sessionmaker)`` hooks a store's writing sessions like the sync outbox does:
after each flush it notes the audit events inserted through the ORM (``app.services.audit``);
just before COMMIT it reads them back as stored, takes the chain's head from
``audit_chain_state`` (the UPDATE that takes the row's lock is the last thing before COMMIT, so
two windows sharing PostgreSQL never hold it while waiting for another lock) and inserts one
``audit_chain`` link per event: HMAC-SHA256, keyed with the store's audit key (kept outside the
database, ``app.secret_store``), of the previous link's hash and the event's canonical content.
``walk_chain`` re-computes it and names each edited or deleted event, and compares it with the
anchors kept outside the store (heads sent in sync packages, printed on the daily close).

Links carry a version: 1 is the plain SHA-256 link of a store made before keys existed (kept
and checked as it was: re-keying old links would need the old chain to be trusted first), 2 the
keyed link. The key remembers the first position it keys (``AuditKey.from_seq``, outside the
database), so links turned back into plain ones are noticed.

An event inserted some other way (raw SQL, a session not made by the store) has no link; the
check reports it as written outside the app.
"""

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, event, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.secret_store import AuditKey
from db.models import AuditEvent
from db.security_models import AuditChainLink, AuditChainState

GENESIS = "0" * 64
PLAIN, KEYED = 1, 2  # link versions
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


def link_hash(previous: str, row, key: AuditKey | None = None) -> str:
    """A link: HMAC-SHA256 with ``key`` (version 2), plain SHA-256 without (version 1)."""
    message = (previous + canonical(row)).encode("utf-8")
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key.secret, message, hashlib.sha256).hexdigest()


class AuditKeyMissing(RuntimeError):
    """No audit key for this store on this computer: nothing is written unsealed."""


def seal_audit_events(
    factory: sessionmaker, key_of: Callable[[Connection], AuditKey | None]
) -> None:
    """Chain the audit events of every transaction of the sessions ``factory`` makes, keyed
    with ``key_of(connection)`` (called, inside the transaction, when it has events to seal)."""
    event.listen(factory, "after_flush", _note_new_events)
    event.listen(factory, "before_commit", lambda session: _seal(session, key_of))
    event.listen(factory, "after_transaction_end", _forget)


def _note_new_events(session: Session, _flush_context) -> None:
    note_inserted(session, [obj.id for obj in session.new if isinstance(obj, AuditEvent)])


def note_inserted(session: Session, event_ids) -> None:
    """Seal at the commit the audit events with ``event_ids`` inserted in this transaction by
    a statement (not as ORM objects, which are noted after each flush)."""
    session.info.setdefault(_NEW, set()).update(event_ids)


def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_NEW, None)


_EVENT_COLUMNS = [AuditEvent.__table__.c[name] for name in ("id", "at", "clerk", "action")] + [
    AuditEvent.__table__.c[name] for name in ("entity", "entity_id", "changes_json")
]


def _seal(session: Session, key_of: Callable[[Connection], AuditKey | None]) -> None:
    session.flush()
    ids = session.info.pop(_NEW, None)
    if not ids:
        return
    # Read back as stored (a savepoint rolled back may have taken some away).
    rows = session.execute(
        select(*_EVENT_COLUMNS).where(AuditEvent.id.in_(sorted(ids))).order_by(AuditEvent.id)
    ).all()
    if rows:
        key = key_of(session.connection())
        if key is None:
            raise AuditKeyMissing(
                "本机没有这个数据库的审计密钥，不能记录审计（什么也没有保存）：请在建库的电脑上"
                "运行 audit key export，再在本机运行 audit key import"
            )
        append_links(session.connection(), rows, key)


def append_links(connection: Connection, rows, key: AuditKey | None = None) -> None:
    """Add links for ``rows`` (audit events in the order to chain them) after the head: keyed
    from ``key.from_seq`` on, plain before it (or without a key: only the upgrade to keys)."""
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
        keyed = key if key is not None and seq >= key.from_seq else None
        previous = link_hash(previous, row, keyed)
        link = {"seq": seq, "event_id": row.id, "hash": previous}
        if key is not None:  # before revision 0010 (sealing old stores) there is no version
            link["version"] = KEYED if keyed else PLAIN
        links.append(link)
    connection.execute(insert(AuditChainLink.__table__), links)
    connection.execute(update(state).where(state.c.id == 1).values(last_hash=previous))


@dataclass(frozen=True)
class ChainProblem:
    """One break in the chain. ``kind``: edited, deleted, cut (links removed), unsealed,
    unkeyed (a plain link where the key should have been used, or the reverse), nokey (the key
    is not on this computer), anchor (the chain no longer passes through an anchor)."""

    kind: str
    event_id: int | None
    seq: int | None
    message: str


@dataclass(frozen=True)
class ChainHead:
    """The chain's head: its last position (row number in the chain) and that link's digest."""

    seq: int
    digest: str

    def text(self) -> str:
        """As printed on the daily close and given back to ``audit verify --anchor``."""
        return f"{self.seq}:{self.digest}"


@dataclass(frozen=True)
class Anchor:
    """A head kept outside the store: ``source`` says where (Chinese, for the message)."""

    seq: int
    digest: str
    source: str


@dataclass(frozen=True)
class ChainReport:
    problems: tuple[ChainProblem, ...]
    links_checked: int
    head_hash: str
    anchors_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def chain_head(connection: Connection) -> ChainHead:
    """The head as the store records it (``ChainHead(0, GENESIS)`` before any event)."""
    state = connection.execute(select(AuditChainState.__table__)).one_or_none()
    if state is None:
        return ChainHead(0, GENESIS)
    return ChainHead(state.last_seq, state.last_hash)


def link_digests(connection: Connection, seqs) -> dict[int, str]:
    """The stored digest of the links at ``seqs`` (positions with no link are left out)."""
    table = AuditChainLink.__table__
    wanted = sorted(set(seqs))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), _BATCH):
        found.update(
            connection.execute(
                select(table.c.seq, table.c.hash).where(
                    table.c.seq.in_(wanted[start : start + _BATCH])
                )
            ).all()
        )
    return found


def _links(connection: Connection) -> Iterator[list]:
    table = AuditChainLink.__table__
    result = connection.execution_options(yield_per=_BATCH).execute(
        select(table.c.seq, table.c.event_id, table.c.hash, table.c.version).order_by(table.c.seq)
    )
    yield from result.partitions()


def walk_chain(
    connection: Connection, key: AuditKey | None = None, anchors: tuple[Anchor, ...] = ()
) -> ChainReport:
    """Re-compute every link from the stored events with ``key`` (None: this computer has no
    key for the store, so keyed links cannot be checked and that is said), then compare the
    chain with ``anchors``; report each break in chain order."""
    problems: list[ChainProblem] = []
    previous, expected_seq, checked, last_event = GENESIS, 1, 0, None
    events = AuditEvent.__table__
    unchecked_keyed: int | None = None
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
            version_problem = _version_problem(link, key)
            if version_problem is not None:
                problems.append(version_problem)
            if link.version == KEYED and key is None:
                unchecked_keyed = unchecked_keyed or link.seq
            elif row is None:
                problems.append(
                    ChainProblem(
                        "deleted",
                        link.event_id,
                        link.seq,
                        f"审计记录 #{link.event_id} 已被删除（链位置 {link.seq}）",
                    )
                )
            elif (
                link_hash(previous, row, key if link.version == KEYED else None) != link.hash
                and not after_gap
            ):
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
    if unchecked_keyed is not None:
        problems.append(
            ChainProblem(
                "nokey",
                None,
                unchecked_keyed,
                f"本机没有这个数据库的审计密钥：链位置 {unchecked_keyed} 起的记录无法校验"
                "（请在建库的电脑上校验，或 audit key import 导入密钥）",
            )
        )
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
    problems += _anchor_problems(connection, anchors)
    return ChainReport(tuple(problems), checked, previous, len(anchors))


def _version_problem(link, key: AuditKey | None) -> ChainProblem | None:
    if key is None:
        return None
    if link.version != KEYED and link.seq >= key.from_seq:
        return ChainProblem(
            "unkeyed",
            link.event_id,
            link.seq,
            f"审计记录 #{link.event_id}（链位置 {link.seq}）的哈希没有用审计密钥："
            f"自链位置 {key.from_seq} 起每条都应带密钥，链已被改写",
        )
    if link.version == KEYED and link.seq < key.from_seq:
        return ChainProblem(
            "unkeyed",
            link.event_id,
            link.seq,
            f"审计记录 #{link.event_id}（链位置 {link.seq}）在启用审计密钥（链位置 "
            f"{key.from_seq}）之前，却标为带密钥，链已被改写",
        )
    return None


def _anchor_problems(connection: Connection, anchors: tuple[Anchor, ...]) -> list[ChainProblem]:
    """Each anchor the chain no longer passes through, with the stretch where it was
    rewritten: after the last anchor before it that still holds."""
    if not anchors:
        return []
    ordered = sorted(anchors, key=lambda a: a.seq)
    stored = link_digests(connection, [a.seq for a in ordered])
    events = {
        row.seq: row.event_id
        for row in connection.execute(
            select(AuditChainLink.__table__.c.seq, AuditChainLink.__table__.c.event_id).where(
                AuditChainLink.__table__.c.seq.in_([a.seq for a in ordered])
            )
        )
    }
    problems = []
    holds = 0
    for anchor in ordered:
        found = stored.get(anchor.seq)
        if found == anchor.digest:
            holds = anchor.seq
            continue
        if found is None:
            text = f"链中已没有链位置 {anchor.seq}（{anchor.source}记录的链尾），链尾的记录被删除"
        else:
            text = (
                f"链位置 {anchor.seq}（审计记录 #{events.get(anchor.seq)}）与{anchor.source}"
                f"记录的链尾不符：链位置 {holds + 1}–{anchor.seq} 之间有记录被改动或删除后"
                "重算了哈希链"
            )
        problems.append(ChainProblem("anchor", events.get(anchor.seq), anchor.seq, text))
    return problems


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
