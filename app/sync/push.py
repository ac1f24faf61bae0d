"""Push: pack the outbox into packages and put them in ``<central>/inbox/<site>/``.

Each step can be cut short by a crash and simply run again:

1. In one transaction, take the oldest package made but not yet sent, or make one from the
   oldest queued changes (at most ``MAX_CHANGES``), recording its id and range. Its header
   carries the audit chain's head (``audit_anchor``).
2. Write its file under a staging name, fsync, read back, rename (``files.write_file``). A file
   already there under the final name is a complete earlier attempt and is kept.
3. In one transaction, mark the package sent and remove its changes from the outbox.

A crash before 3 means the same package (same id, same changes) is written again next time;
the central ingest recognises its id and takes it in once.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, func, select, update

from app.services.sites import current_site
from app.store_guard import is_demo_store, record_store_marks
from app.sync import files, sent_log
from app.sync.package import PackageError, PackageName, change_line, decode, encode
from app.sync.sealing import open_sealed, seal, sync_password
from app.sync.state import unsent_packages, window_id
from db import Store
from db.audit_chain import chain_head, link_digests
from db.models import Site
from db.outbox import columns_of
from db.sync_models import OutboxEntry, OutboxState, SyncPackage

MAX_CHANGES = 2000


class SyncError(Exception):
    """The central folder could not be reached or written; the queue is kept for a retry."""


@dataclass(frozen=True)
class PushResult:
    packages: tuple[str, ...]
    changes: int
    notes: tuple[str, ...] = ()  # what catching up with numbers already sent did


def inbox_for(central: Path, site_code: str) -> Path:
    return central / "inbox" / site_code


def push(store: Store, central: Path, now: datetime, password: str | None = None) -> PushResult:
    """Send every queued change; ``SyncError`` (queue kept) if the folder cannot take them,
    or if this is a demo store (its fictitious people must never reach the county)."""
    if is_demo_store(store):
        raise SyncError("这是演示数据库（虚构人员），不向中心发送任何数据；请用正式数据库同步")
    with store.read() as session:
        site = current_site(session).code
        password = sync_password(session, password)
    try:
        sent_log.check_readable(store)  # before the window id, which it may hold
    except sent_log.SentLogDamaged as exc:
        raise SyncError(str(exc)) from exc
    window = window_id(store)
    if not central.is_dir():
        raise SyncError(f"无法访问中心文件夹 {central}（共享盘是否已连接？）")
    inbox = inbox_for(central, site)
    try:
        inbox.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SyncError(f"无法创建 {inbox}：{files.reason(exc)}") from exc
    with _one_desk_at_a_time(store) as mine:
        if not mine:
            return PushResult((), 0, (ANOTHER_DESK_PUSHING,))
        # Files this window left when killed mid-write. Another process on this database (the
        # window's timer and a scheduled `sync --once`) may be writing one right now: only a
        # dead writer's or a stale one is removed.
        files.remove_partials(inbox, prefix=f"{site}-{window}-")
        # Never reuse a number that left: after a restored backup the database may not know
        # them.
        try:
            notes = sent_log.catch_up(store, window, site, inbox, password)
        except sent_log.SentLogDamaged as exc:
            raise SyncError(str(exc)) from exc
        sent: list[str] = []
        changes = 0
        while (package := claim_package(store, site, window, now)) is not None:
            name, data = package
            try:
                data = publish_package(inbox, name, data, password)
            except (files.TargetError, OSError) as exc:
                raise SyncError(f"{exc}。变更仍在本机队列中，稍后自动重试") from exc
            mark_sent(store, name.package_id, now)
            try:
                sent_log.record_sent(store, name, data)
            except sent_log.SentLogDamaged as exc:
                raise SyncError(str(exc)) from exc
            sent.append(name.file_name)
            changes += name.last_seq - name.first_seq + 1
    # The sync state outside the database file: a later start notices a lost -wal.
    record_store_marks(store, "sync")
    return PushResult(tuple(sent), changes, tuple(notes))


ANOTHER_DESK_PUSHING = "另一台窗口正在向中心发送本数据库的变更，本次未发送，稍后自动重试"
# PostgreSQL advisory lock key for a push ("onestop" in ASCII): any bigint no one else uses.
_PUSH_LOCK = 0x6F6E6573746F70


@contextmanager
def _one_desk_at_a_time(store: Store) -> Iterator[bool]:
    """Desks sharing one PostgreSQL database share its one outbox and write the same files:
    one pushes at a time (a session advisory lock; released at the end, or with its
    connection if the desk dies), the others send nothing this run. A SQLite file has one
    desk, and ``run_once`` already lets one run at a time in it."""
    if store.dialect != "postgresql":
        yield True
        return
    with store.engine.connect() as connection:
        mine = bool(connection.scalar(select(func.pg_try_advisory_lock(_PUSH_LOCK))))
        connection.commit()
        try:
            yield mine
        finally:
            if mine:
                connection.scalar(select(func.pg_advisory_unlock(_PUSH_LOCK)))
                connection.commit()


def claim_package(
    store: Store, site: str, window: str, now: datetime
) -> tuple[PackageName, bytes] | None:
    """The next package to send and its file's bytes, or None when the queue is empty."""
    with store.write() as session:
        # Desks sharing one database take turns packing its one outbox (else two made the
        # same package and one failed); the settlements' commits take this row last.
        session.get(OutboxState, 1, with_for_update=True)
        pending = unsent_packages(session)
        if pending:
            row = pending[0]
        else:
            seqs = list(
                session.scalars(
                    select(OutboxEntry.seq)
                    .where(OutboxEntry.package_id.is_(None))
                    .order_by(OutboxEntry.seq)
                    .limit(MAX_CHANGES)
                )
            )
            if not seqs:
                return None
            name = PackageName(site, window, seqs[0], seqs[-1])
            row = SyncPackage(
                package_id=name.package_id,
                site_code=site,
                window_id=window,
                first_seq=seqs[0],
                last_seq=seqs[-1],
                created_at=now,
            )
            session.add(row)
            session.execute(
                update(OutboxEntry)
                .where(OutboxEntry.seq.between(seqs[0], seqs[-1]))
                .values(package_id=name.package_id)
            )
        name = PackageName(row.site_code, row.window_id, row.first_seq, row.last_seq)
        entries = session.execute(
            select(OutboxEntry.seq, OutboxEntry.body)
            .where(OutboxEntry.package_id == name.package_id)
            .order_by(OutboxEntry.seq)
        ).all()
        header = {
            "created_at": row.created_at.isoformat(),
            "sites": [
                {**columns_of(s), "admdvs": _region_code(s.default_policy)}
                for s in session.scalars(select(Site).order_by(Site.code))
            ],
            "audit_chain": audit_anchor(
                session, sent_log.sent_anchors(store, window), sent_log.restores(store, window)
            ),
        }
        data, digest = encode(name, header, [change_line(seq, body) for seq, body in entries])
        row.body_sha256 = digest
    return name, data


def audit_anchor(session, earlier: list[tuple[int, str]], restored=()) -> dict:
    """The audit chain's head, anchored outside the store in the package, and the chain's
    digest now at each head earlier packages carried: the centre keeps every window's heads
    and names a window whose chain no longer passes through its last one."""
    connection = session.connection()
    head = chain_head(connection)
    now = link_digests(connection, [seq for seq, _ in earlier])
    return {
        "head": [head.seq, head.digest],
        "earlier": [[seq, now[seq]] for seq, _ in earlier if seq in now],
        # backups restored since: the chain went back to chain_seq, up to lost_to was lost
        "restored": [[r.chain_seq, r.digest, r.lost_to, r.at] for r in restored],
    }


def publish_package(
    inbox: Path, name: PackageName, data: bytes, password: str | None = None
) -> bytes:
    """Put the package in the inbox (sealed when a password is set), unless a complete
    earlier attempt is already there; ``SyncError`` if a package of that name is there with
    other changes (never reported as sent). Returns the unsealed bytes now in the inbox (the
    earlier attempt's header, with its audit head, where one was there)."""
    final = inbox / name.file_name
    if final.is_file():
        try:
            plain = open_sealed(final.read_bytes(), password, name.file_name)
            there = decode(plain, final.name)
        except (PackageError, OSError):
            there = None  # not readable as a package: write ours over it
        if there is not None:
            ours = decode(data, name.file_name)
            if there.header.get("body_sha256") == ours.header["body_sha256"]:
                return plain
            raise SyncError(
                f"中心文件夹中已有同名变更包 {final.name}，但内容与本机的不同"
                "（序号已被使用过）；未发送，变更仍在本机队列中，请联系信息科核对"
            )
    files.write_file(inbox, name.file_name, seal(data, password))
    return data


def mark_sent(store: Store, package_id: str, now: datetime) -> None:
    with store.write() as session:
        session.execute(
            update(SyncPackage).where(SyncPackage.package_id == package_id).values(sent_at=now)
        )
        session.execute(delete(OutboxEntry).where(OutboxEntry.package_id == package_id))


def _region_code(policy_id: str) -> str:
    """The site's GB/T 2260 region (national code ``admdvs``) from its default policy, or ""."""
    from app.services.policies import installed_policies

    loaded = installed_policies().get(policy_id)
    return loaded.definition.region_code if loaded else ""
