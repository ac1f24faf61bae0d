"""What has left this window, kept outside the database so a restored backup cannot forget it.

``sync-sent.json`` in the data folder (beside the SQLite file, untouched by ``restore``) holds,
per window id, the highest outbox sequence number sent, per site and year the highest slip
number sent, and the last audit chain heads sent (anchors ``audit verify`` checks). Push updates it after each package is in the central folder. ``catch_up`` compares
it, and this window's packages in the central inbox (which cover a crash between the two), with
the database: when the database is behind (a backup was restored), the outbox and slip counters
continue after the numbers sent, queued changes the centre already has are dropped, and new
ones that took a sent number are renumbered after it. It returns what it did, in Chinese.

Two processes may sync one database (the window's timer and a scheduled ``sync --once``): the
log is changed under the database's write lock and replaced whole (a staging file of its own,
fsynced, renamed). A log that is there but cannot be read is never taken for an empty one:
written over, it would lose every number it holds. Sync refuses until it is repaired.
"""

import contextlib
import json
import os
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.paths import read_json_object
from app.services.number_floors import raise_number_floor, restore_owed, set_restore_owed
from app.services.sync_secret import kept_password
from app.sync.package import PackageError, PackageName, decode, parse_name
from app.sync.sealing import open_sealed
from db import Store
from db.models import Site, SlipCounter
from db.outbox import paused
from db.sync_models import OutboxEntry, OutboxState, SyncPackage

FILE_NAME = "sync-sent.json"
KEPT_ANCHORS = 10  # the last audit heads sent, per window
_SLIP = re.compile(r"^([A-Z][A-Z0-9]{1,9})-(\d{4})-(\d+)$")
_SERIES = re.compile(r"^([A-Z][A-Z0-9]{1,9}-[A-Z]{2}\d{4})-(\d+)$")
_NUMBERED = {"paid_later_claim": "claim_number", "payment_batch": "batch_number"}


@dataclass
class Sent:
    """The highest numbers that left one window: outbox sequence, and slip per site-year."""

    last_seq: int = 0
    slips: dict[str, int] = field(default_factory=dict)  # "LX01-2026" -> 3
    records: dict[int, dict] = field(default_factory=dict)  # seq -> change, where read
    # 事后报销 claim and payment batch numbers: "LX01-BX2026" -> 2, "LX01-DF2026" -> 1
    numbers: dict[str, int] = field(default_factory=dict)

    def add(self, name: PackageName, records: list[dict]) -> None:
        self.last_seq = max(self.last_seq, name.last_seq)
        for record in records:
            row = record.get("row") or {}
            if record.get("entity") == "settlement":
                match = _SLIP.match(str(row.get("slip_number") or ""))
                if match:
                    key = f"{match.group(1)}-{match.group(2)}"
                    self.slips[key] = max(self.slips.get(key, 0), int(match.group(3)))
            elif (column := _NUMBERED.get(str(record.get("entity")))) is not None:
                match = _SERIES.match(str(row.get(column) or ""))
                if match:
                    key = match.group(1)
                    self.numbers[key] = max(self.numbers.get(key, 0), int(match.group(2)))


class SentLogDamaged(Exception):
    """The sent log is there but cannot be read; it is left as it is (Chinese message)."""

    def __init__(self, path: Path, why: str):
        self.path, self.why = path, why
        super().__init__(
            f"本机的同步记录 {path} 已损坏（{why}），读不出本窗口已发送的序号；为免覆盖其中的"
            "记录，本次未同步，变更仍在本机队列中。请信息科从备份中恢复该文件；无法恢复时，"
            "将其改名移开（勿删除）后再同步，序号将从中心文件夹中本窗口的变更包读出"
        )


def log_path(store: Store) -> Path:
    return Path(store.data_dir) / FILE_NAME


def _read_log(path: Path) -> dict:
    """The log, or {} when there is none yet; ``SentLogDamaged`` when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:  # ValueError: not UTF-8
        raise SentLogDamaged(path, f"无法读取：{exc}") from exc
    try:
        log = json.loads(text)
    except ValueError as exc:
        raise SentLogDamaged(path, f"内容不是完整的 JSON：{exc}") from exc
    if not isinstance(log, dict):
        raise SentLogDamaged(path, "内容不是同步记录")
    return log


def check_readable(store: Store) -> None:
    """``SentLogDamaged`` unless the log is readable (or not there yet)."""
    _read_log(log_path(store))


def read_sent(store: Store, window: str) -> Sent:
    entry = (_read_log(log_path(store)).get("windows") or {}).get(window) or {}
    return Sent(
        int(entry.get("last_seq") or 0),
        dict(entry.get("slips") or {}),
        numbers=dict(entry.get("numbers") or {}),
    )


def known_window(store: Store) -> str | None:
    """The one window id this data folder's log has sent under, if exactly one."""
    windows = read_json_object(log_path(store)).get("windows") or {}
    return next(iter(windows)) if len(windows) == 1 else None


def record_sent(store: Store, name: PackageName, data: bytes) -> None:
    """Note a package now in the central folder (``data``: its unsealed bytes)."""
    records = decode(data, name.file_name).records
    with _changing_log(store):
        path = log_path(store)
        log = _read_log(path)
        windows = log.setdefault("windows", {})
        sent = read_sent(store, name.window)
        sent.add(name, records)
        entry = {"site": name.site, "last_seq": sent.last_seq, "slips": sent.slips}
        entry["numbers"] = sent.numbers
        entry["audit_anchors"] = _anchors_after(windows.get(name.window) or {}, data, name)
        entry["restores"] = (windows.get(name.window) or {}).get("restores") or []
        windows[name.window] = entry
        _write(path, log)


@contextmanager
def _changing_log(store: Store) -> Iterator[None]:
    """Read, change and write the log under the database's write lock, so that another
    process syncing the same database never writes back a log read before this change."""
    with store.write() as session:
        session.get(OutboxState, 1, with_for_update=True)  # SQLite: BEGIN IMMEDIATE took it
        yield


STAGING_PREFIX = f".{FILE_NAME}."
STALE_STAGING_SECONDS = 3600


def _write(path: Path, log: dict) -> None:
    """Replace the log whole: a staging file of this process and attempt, fsynced, renamed."""
    from app.bundle.durable import fsync_path
    from app.bundle.safe_write import replace_with_retries

    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f"{STAGING_PREFIX}{os.getpid()}-{secrets.token_hex(4)}.partial")
    try:
        with open(staging, "w", encoding="utf-8") as handle:
            json.dump(log, handle, ensure_ascii=False, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        replace_with_retries(staging, path)
    finally:
        with contextlib.suppress(OSError):
            staging.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        fsync_path(path.parent)
    _remove_stale_staging(path.parent)


def _remove_stale_staging(folder: Path) -> None:
    """Staging files of writers killed mid-write (an hour is far beyond any write)."""
    now = time.time()
    for staging in folder.glob(f"{STAGING_PREFIX}*.partial"):
        with contextlib.suppress(OSError):
            if now - staging.stat().st_mtime > STALE_STAGING_SECONDS:
                staging.unlink()


@dataclass(frozen=True)
class Restore:
    """A backup restored under a window whose audit chain had been anchored further: the chain
    went back to ``chain_seq`` (digest ``digest``), and positions after it up to ``lost_to``
    (the last head sent before) went with the backup. Kept in the sent log, declared in the
    window's next packages, so the centre and ``audit verify`` tell it from a rewrite."""

    chain_seq: int
    digest: str
    lost_to: int
    at: str

    def text(self) -> str:
        return (
            f"本窗口于 {self.at} 从备份恢复：审计链退回到链位置 {self.chain_seq}，链位置 "
            f"{self.chain_seq + 1}–{self.lost_to} 的审计记录随备份丢失（恢复前已发送给中心的"
            "业务变更已放回本机）"
        )


def restores(store: Store, window: str | None = None) -> list[Restore]:
    """The restores noted for this data folder's window(s), oldest first."""
    windows = read_json_object(log_path(store)).get("windows") or {}
    return [
        Restore(int(r["chain_seq"]), str(r["digest"]), int(r["lost_to"]), str(r["at"]))
        for name, entry in windows.items()
        if window is None or name == window
        for r in entry.get("restores") or []
    ]


def _note_restore(store: Store, window: str) -> None:
    """Note a restore when the store's audit chain is behind the last head this window sent
    (once per lost stretch): before anything is added to the chain again."""
    from datetime import datetime

    from db.audit_chain import chain_head

    sent = sent_anchors(store, window)
    if not sent:
        return
    with store.read() as session:
        head = chain_head(session.connection())
    lost_to = max(seq for seq, _ in sent)
    if head.seq >= lost_to or any(r.lost_to == lost_to for r in restores(store, window)):
        return
    with _changing_log(store):
        path = log_path(store)
        log = _read_log(path)
        entry = (log.get("windows") or {}).get(window)
        if entry is None:
            return
        entry.setdefault("restores", []).append(
            {
                "chain_seq": head.seq,
                "digest": head.digest,
                "lost_to": lost_to,
                "at": f"{datetime.now():%Y-%m-%d %H:%M}",
            }
        )
        _write(path, log)


def _anchors_after(entry: dict, data: bytes, name: PackageName) -> list[list]:
    """The window's last audit heads sent (position, digest), this package's added."""
    anchors = [list(a) for a in entry.get("audit_anchors") or []]
    head = (decode(data, name.file_name).header.get("audit_chain") or {}).get("head")
    if head and (not anchors or anchors[-1] != list(head)):
        anchors.append(list(head))
    return anchors[-KEPT_ANCHORS:]


def sent_anchors(store: Store, window: str | None = None) -> list[tuple[int, str]]:
    """The audit heads this data folder's window(s) sent in sync packages, oldest first: kept
    outside the database, for the next package and for ``audit verify`` (a damaged log gives
    none here; push refuses it before it gets here)."""
    windows = read_json_object(log_path(store)).get("windows") or {}
    found = []
    for name, entry in windows.items():
        if window is None or name == window:
            found += [(int(seq), str(digest)) for seq, digest in entry.get("audit_anchors") or []]
    return sorted(set(found))


def _from_inbox(
    inbox: Path,
    site: str,
    window: str,
    sent: Sent,
    lowest: int | None,
    password: str | None,
    have: int,
) -> None:
    """Add this window's packages in the central inbox: their numbers from the names; their
    contents only where the log may lack them (beyond it), queued changes are compared, or
    the database lacks them (beyond ``have``, its own last number: a backup was restored)."""
    logged = sent.last_seq
    if not inbox.is_dir():
        return
    for path in sorted(inbox.iterdir()):
        name = parse_name(path.name)
        if name is None or (name.site, name.window) != (site, window):
            continue
        sent.last_seq = max(sent.last_seq, name.last_seq)
        if (
            name.last_seq <= logged
            and (lowest is None or name.last_seq < lowest)
            and name.last_seq <= have
        ):
            continue
        with contextlib.suppress(OSError, PackageError, ValueError):
            package = decode(open_sealed(path.read_bytes(), password, path.name), path.name)
            sent.add(name, package.records)
            for record in package.records:
                sent.records[record["seq"]] = {k: v for k, v in record.items() if k != "seq"}


def catch_up(
    store: Store, window: str, site: str, inbox: Path | None, password: str | None = None
) -> list[str]:
    """Continue after every number that left this window; returns what was done (Chinese),
    empty when the database already knew them all."""
    sent = read_sent(store, window)
    readable = inbox is not None and inbox.is_dir()  # a share away: its inbox is not there
    with store.read() as session:
        password = password or kept_password(session)
        lowest = session.scalar(select(func.min(OutboxEntry.seq)))
        state = session.get(OutboxState, 1)
        have = state.last_seq if state is not None and state.capture else None
        owed = restore_owed(session)
    if readable:
        # Beyond the database's own numbers, and the stretch an earlier restore still owes.
        known = (have or 0) if owed is None else min(have or 0, owed[0] - 1)
        _from_inbox(inbox, site, window, sent, lowest, password, known)
    notes: list[str] = []
    _note_restore(store, window)
    if have is not None and (sent.last_seq > have or owed is not None):
        lost = _lost(sent, have, owed)
        if readable:
            notes += _bring_back(store, sent, lost)
        else:
            notes += _owe(store, lost)
    # The counters in the order a settlement takes them (its slip number, then the outbox at
    # its commit): on a shared PostgreSQL database the other order deadlocked with a desk
    # settling while this one synced.
    with store.write() as session:
        _slips(session, sent, notes)
        _numbers(session, sent, notes)
        _outbox(session, sent, notes, compare=readable)
    return notes


def _lost(sent: Sent, have: int, owed: tuple[int, int] | None) -> tuple[int, int]:
    """The outbox numbers sent that the database lacks: beyond its own last one, and what an
    earlier restore could not put back yet."""
    stretches = [s for s in ((have + 1, sent.last_seq), owed) if s is not None and s[0] <= s[1]]
    return min(s[0] for s in stretches), max(s[1] for s in stretches)


def _owe(store: Store, lost: tuple[int, int]) -> list[str]:
    """The central folder is out of reach: remember what is to be put back at the next sync
    that reaches it, and say so."""
    _still_owed(store, lost)
    return [
        f"中心文件夹暂时无法访问：恢复备份前已发送给中心的变更（序号 {lost[0]}–{lost[1]}）尚未"
        "放回本机，连通后下次同步时自动放回；在此之前不能生成代发清单"
    ]


def _bring_back(store: Store, sent: Sent, lost: tuple[int, int]) -> list[str]:
    """Put back the changes this window sent that its database lacks (``lost``: first, last):
    what a restored backup lost (registrations, papers, settlements, voids and claim marks,
    claims paid after discharge, payment batches and the bank's answers), read back from its
    own packages in the central folder and applied as the centre applies them. The centre
    already has them: they are not queued again. All of them or none: until every one is
    back the stretch stays owed (nothing is settled, taken in or batched meanwhile:
    ``refuse_while_restore_owed``), and each sync tries again."""
    from app.services import audit
    from app.sync.central_ingest import RecordError, apply_records, refusal_meaning

    low, high = lost
    found = [dict(sent.records[seq], seq=seq) for seq in sorted(sent.records) if low <= seq <= high]
    missing = high - low + 1 - len(found)
    if missing > 0:
        _still_owed(store, lost)
        return [
            f"恢复备份前已发送给中心的变更（序号 {low}–{high}）中有 {missing} 条在中心文件夹中"
            "读不到（变更包已移走，或同步密码未输入而无法打开），暂未放回本机；在此之前不能生成"
            "代发清单。下次同步时再试；如仍读不到，请联系信息科"
        ]
    try:
        with paused(), store.write() as session:
            apply_records(session, found)
            set_restore_owed(session, None)
            audit.record(
                session,
                clerk="系统",
                action="restore_replay",
                entity="store",
                entity_id=f"{low}-{high}",
                changes={"changes": len(found), "first_seq": low, "last_seq": high},
            )
    except (RecordError, DBAPIError) as exc:
        _still_owed(store, lost)
        why = (
            f"本机数据库拒绝了其中的变更{refusal_meaning(exc)}"
            if isinstance(exc, DBAPIError)
            else exc
        )
        return [
            f"数据库缺少本窗口已发送给中心的 {len(found)} 条变更（序号 {low}–{high}，恢复备份时"
            f"丢失），未能放回本机：{why}。这些业务在中心完好；在放回之前不能结算，也不能生成"
            "代发清单，请联系信息科核对（本机恢复后重新录入的同一业务须先作废或退回）"
        ]
    return [
        f"恢复备份后本机缺少已发送给中心的 {len(found)} 条变更（序号 {low}–{high}：登记、材料、"
        "结算、作废、申报标记、事后报销、代发清单），已从中心文件夹中本窗口的变更包放回本机"
    ]


def _still_owed(store: Store, lost: tuple[int, int]) -> None:
    with store.write() as session:
        set_restore_owed(session, lost)


def _outbox(session: Session, sent: Sent, notes: list[str], *, compare: bool) -> None:
    """Continue the outbox after ``sent.last_seq``; queued changes numbered within it are
    compared with what was sent (``compare``: the central folder could be read) and dropped
    or renumbered, or else left for a run that can compare them."""
    state = session.get(OutboxState, 1, with_for_update=True)
    if state is None or not state.capture or sent.last_seq == 0:
        return
    top = sent.last_seq
    if state.last_seq < top:
        notes.append(
            f"本机数据库的变更序号只到 {state.last_seq}，而中心已收到本窗口至 {top} 的变更"
            f"（数据库可能从备份恢复过）：此后的变更从 {top + 1} 起编号"
        )
    if not compare:
        state.last_seq = max(state.last_seq, top)
        return

    def was_sent(entry: OutboxEntry) -> bool:
        return sent.records.get(entry.seq) == json.loads(entry.body)

    # A package made but not marked sent whose numbers were sent with other contents is
    # unpacked: its changes are new, and are numbered again below.
    for row in session.scalars(
        select(SyncPackage).where(SyncPackage.sent_at.is_(None), SyncPackage.first_seq <= top)
    ).all():
        entries = session.scalars(
            select(OutboxEntry).where(OutboxEntry.package_id == row.package_id)
        ).all()
        if all(was_sent(entry) for entry in entries):
            continue  # a complete earlier attempt: push finds the file and marks it sent
        for entry in entries:
            entry.package_id = None
        session.delete(row)
    session.flush()
    queued = session.scalars(
        select(OutboxEntry).where(OutboxEntry.package_id.is_(None)).order_by(OutboxEntry.seq)
    ).all()
    low = [entry for entry in queued if entry.seq <= top]
    if not low:
        state.last_seq = max(state.last_seq, top)
        return
    already = [entry for entry in low if was_sent(entry)]
    if already:
        session.execute(delete(OutboxEntry).where(OutboxEntry.seq.in_([e.seq for e in already])))
        notes.append(f"{len(already)} 条待发送的变更中心已收到，不再重复发送")
    moved = [entry for entry in queued if entry not in already] if len(already) < len(low) else []
    if not moved:
        state.last_seq = max(state.last_seq, top)
        return
    # New changes that took numbers already sent follow them, in their order.
    first = top + 1
    for n, entry in enumerate(moved):
        entry.seq = -(n + 1)
    session.flush()
    for n, entry in enumerate(moved):
        entry.seq = first + n
    session.flush()
    state.last_seq = first + len(moved) - 1
    notes.append(
        f"{len(moved)} 条尚未发送的变更用了已发送过的序号，已改为 {first}–{state.last_seq}"
    )


def _slips(session: Session, sent: Sent, notes: list[str]) -> None:
    sites = set(session.scalars(select(Site.code)))
    for key, number in sorted(sent.slips.items()):
        site, year = key.rsplit("-", 1)
        if site not in sites:
            continue
        counter = session.get(SlipCounter, (site, int(year)))
        if counter is not None and counter.last_number >= number:
            continue  # nothing to raise: no lock, so a desk settling meanwhile never waits
        if counter is not None:
            session.refresh(counter, with_for_update=True)
            if counter.last_number >= number:
                continue
        if counter is None:
            session.add(SlipCounter(site_code=site, year=int(year), last_number=number))
        else:
            counter.last_number = number
        notes.append(
            f"结算单号 {key}-{number:06d} 已发送给中心，本机的结算单号从 {key}-{number + 1:06d} 起继续"
        )


def _numbers(session: Session, sent: Sent, notes: list[str]) -> None:
    names = {"BX": "报销单号", "DF": "代发清单号"}
    for series, number in sorted(sent.numbers.items()):
        if raise_number_floor(session, series, number):
            what = names.get(series.split("-")[-1][:2], "编号")
            notes.append(
                f"{what} {series}-{number:06d} 已发送给中心，本机从 {series}-{number + 1:06d} 起继续"
            )


def catch_up_now(store: Store) -> list[str]:
    """``catch_up`` for this window outside a sync run (right after a restore, before anyone
    settles): from the sent log, and from the central folder when it can be reached."""
    from app.services.errors import ServiceError
    from app.services.sites import current_site
    from app.sync.state import central_folder, window_id

    with store.read() as session:
        try:
            site = current_site(session).code
        except ServiceError:  # no site yet: nothing was ever sent
            return []
    folder = central_folder(store)
    inbox = folder / "inbox" / site if folder is not None else None
    try:
        check_readable(store)
    except SentLogDamaged as exc:
        return [str(exc)]
    try:
        return catch_up(store, window_id(store), site, inbox)
    except OSError:  # the share is away: the log alone
        return catch_up(store, window_id(store), site, None)
