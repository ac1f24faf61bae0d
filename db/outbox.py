"""The outbox: every change that matters to the county, queued in the transaction that makes it.

``capture_changes(sessionmaker)`` hooks a store's writing sessions. After each flush it notes
which people, beneficiary statuses, admissions, checklist items, settlements and claims paid
after discharge were inserted
or updated; just before the commit it serialises each of them once, in its final state, to JSON
(money as strings, dates as ISO text, local integer keys replaced by natural ones: ID number,
site + 住院号, slip number) and inserts them as ``outbox`` rows numbered from the single
``outbox_state`` counter. The counter is bumped last, just before COMMIT, so on PostgreSQL its
row lock is never held while waiting for another lock, and the numbers follow commit order;
a rolled-back transaction gives its numbers back with everything else, so they have no gaps.

People are mostly created with a plain INSERT … ON CONFLICT (two windows may register the same
newcomer at once), which the ORM does not see; such a person is found by the "create person"
audit event the service adds in the same transaction.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from sqlalchemy import Date, DateTime, event, insert, inspect, update
from sqlalchemy.orm import Session, sessionmaker

from app.money import D
from app.national_codes import fund_pay_type, national_codes
from db.models import (
    Admission,
    AuditEvent,
    BeneficiaryStatus,
    ChecklistItem,
    PaidLaterClaim,
    PaymentBatch,
    PaymentLine,
    Person,
    Scan,
    Settlement,
)
from db.sync_models import OutboxEntry, OutboxState
from db.types import Money

# Referenced rows first, so a package read in order never meets a reference before its row.
ENTITIES = {
    Person: "person",
    BeneficiaryStatus: "beneficiary_status",
    Admission: "admission",
    ChecklistItem: "checklist_item",
    Settlement: "settlement",
    PaidLaterClaim: "paid_later_claim",
    # A batch and its lines travel too: a restored window gets back which claims went to the
    # bank (and its batch numbers go on after them), and the centre sees what was paid how.
    PaymentBatch: "payment_batch",
    PaymentLine: "payment_line",
}
MODELS = {name: model for model, name in ENTITIES.items()}
_ORDER = {name: index for index, name in enumerate(ENTITIES.values())}
# Local integer keys mean nothing at the centre; records carry natural keys instead.
_LOCAL_KEYS = frozenset(
    {"id", "person_id", "admission_id", "roster_import_id", "batch_id", "claim_id"}
)
_PENDING = "outbox_pending"
_paused: ContextVar[bool] = ContextVar("outbox_paused", default=False)


@contextmanager
def paused() -> Iterator[None]:
    """Changes made in this thread inside the block are not queued (e.g. a roster the centre
    itself published: sending it back would only echo it)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def capture_changes(factory: sessionmaker) -> None:
    """Queue the changes of every transaction of the sessions ``factory`` makes."""
    event.listen(factory, "after_flush", _note_flushed)
    event.listen(factory, "before_commit", _write_outbox)
    event.listen(factory, "after_transaction_end", _forget)


def _note_flushed(session: Session, _flush_context) -> None:
    if _paused.get():
        return
    pending: dict = session.info.setdefault(_PENDING, {})
    for obj in session.new:
        kind = ENTITIES.get(type(obj))
        if kind is not None:
            pending[(kind, _key(obj))] = ("insert", obj, obj)
        elif isinstance(obj, AuditEvent) and (obj.entity, obj.action) == ("person", "create"):
            pending[("person", (int(obj.entity_id),))] = ("insert", None, obj)
    for obj in session.dirty:
        kind = ENTITIES.get(type(obj))
        if kind is None or not session.is_modified(obj, include_collections=False):
            continue
        pending.setdefault((kind, _key(obj)), ("update", obj, None))


def note_updated(session: Session, model, ids) -> None:
    """Queue at the commit the rows of ``model`` with primary keys ``ids`` changed in this
    transaction by a statement (an UPDATE the ORM does not see); each is read as committed."""
    if _paused.get():
        return
    pending: dict = session.info.setdefault(_PENDING, {})
    kind = ENTITIES[model]
    for row_id in ids:
        pending.setdefault((kind, (row_id,)), ("update", None, None))


def _key(obj) -> tuple:
    return tuple(inspect(obj).mapper.primary_key_from_instance(obj))


def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _write_outbox(session: Session) -> None:
    session.flush()  # the last changes are noted by _note_flushed like the others
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    bodies = []
    for (kind, key), (op, obj, guard) in sorted(
        pending.items(), key=lambda item: (_ORDER[item[0][0]], item[0][1])
    ):
        # A change made inside a savepoint that was rolled back leaves its object unsaved.
        if guard is not None and not inspect(guard).persistent:
            continue
        row = obj if obj is not None else session.get(MODELS[kind], key)
        if row is None:
            continue
        bodies.append((kind, op, _encode(record(session, kind, op, row))))
    if not bodies:
        return
    state = OutboxState.__table__
    last = session.execute(
        update(state)
        .where(state.c.id == 1, state.c.capture.is_(True))
        .values(last_seq=state.c.last_seq + len(bodies))
        .returning(state.c.last_seq)
    ).scalar_one_or_none()
    if last is None:  # the centre's own database: nothing to send anywhere
        return
    now = datetime.now()
    first = last - len(bodies) + 1
    session.execute(
        insert(OutboxEntry.__table__),
        [
            {"seq": first + n, "entity": kind, "op": op, "body": body, "recorded_at": now}
            for n, (kind, op, body) in enumerate(bodies)
        ],
    )


# One encoder for every body (json.dumps with options makes a new one each call).
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def columns_of(obj) -> dict:
    """A row's columns as JSON values, without its local integer keys."""
    # A loaded row holds its columns in its __dict__, read there without the ORM's attribute
    # machinery (an export queues thousands); one not loaded (expired) is read through it.
    loaded = obj.__dict__
    return {
        key: _plain(loaded[key] if key in loaded else getattr(obj, key))
        for key in _sent_columns(type(obj))
    }


@cache
def _sent_columns(model) -> tuple[str, ...]:
    return tuple(attr.key for attr in inspect(model).column_attrs if attr.key not in _LOCAL_KEYS)


def record(session: Session, kind: str, op: str, row) -> dict:
    """The outbox record of one row: its columns and the natural keys of what it refers to."""
    refs: dict[str, object] = {}
    if kind in ("beneficiary_status", "admission", "settlement", "paid_later_claim"):
        refs["person"] = columns_of(session.get(Person, row.person_id))
    if kind == "beneficiary_status":
        refs["from_roster"] = row.roster_import_id is not None
    admission_id = getattr(row, "admission_id", None)
    if admission_id is not None:
        admission = session.get(Admission, admission_id)
        refs["admission"] = {
            "site_code": admission.site_code,
            "admission_number": admission.admission_number,
        }
    if kind == "payment_line":
        # The whole batch: a line marked after an upgrade may belong to a batch made before
        # batches travelled, which the centre has never seen.
        refs["batch"] = columns_of(session.get(PaymentBatch, row.batch_id))
        refs["claim"] = session.get(PaidLaterClaim, row.claim_id).claim_number
    if kind == "checklist_item" and row.scan_sha256:
        refs["scan"] = columns_of(session.get(Scan, row.scan_sha256))
    found = {"entity": kind, "op": op, "row": columns_of(row), "refs": refs}
    if kind in ("admission", "settlement"):
        found["national_codes"] = _national_codes(kind, row)
    return found


def _national_codes(kind: str, row) -> dict:
    """The national codes beside the row's own (app.national_codes): 险种 and 医疗类别, and for
    a settlement the 基金支付类型 of each layer. The region travels in the package header."""
    if kind == "admission":
        return national_codes(insurance=row.insurance, visit=row.visit)
    claim = json.loads(row.claim_json)
    codes: dict = national_codes(insurance=str(claim.get("insurance", "")), visit=row.visit)
    layers = json.loads(row.result_json).get("layers", [])
    codes["fund_pay_type"] = {
        layer["code"]: code for layer in layers if (code := fund_pay_type(layer.get("fund", "")))
    }
    return codes


class RecordError(ValueError):
    """A record whose row does not fit its table; the message is Chinese and names the field."""


def decode_row(model, row: dict) -> dict:
    """Column values from a record's JSON row (Decimal for money, date/datetime from ISO);
    ``RecordError`` for an unknown field, a malformed value or a text longer than its column."""
    columns = model.__table__.columns
    values = {}
    for key, value in row.items():
        if key not in columns or key in _LOCAL_KEYS:
            raise RecordError(f"{model.__tablename__} 没有字段“{key}”")
        column_type = columns[key].type
        try:
            if value is None:
                values[key] = None
            elif isinstance(column_type, Money):
                values[key] = D(value)
            elif isinstance(column_type, DateTime):
                values[key] = datetime.fromisoformat(value)
            elif isinstance(column_type, Date):
                values[key] = date.fromisoformat(value)
            else:
                values[key] = value
        except (TypeError, ValueError, ArithmeticError):
            raise RecordError(f"{model.__tablename__}.{key}：“{value}”格式不对") from None
        # What PostgreSQL would refuse mid-transaction, refused here on every backend alike.
        limit = getattr(column_type, "length", None)
        if limit is not None and isinstance(value, str) and len(value) > limit:
            raise RecordError(
                f"{model.__tablename__}.{key}：长度 {len(value)} 个字符，超过上限 {limit}"
            )
    return values
