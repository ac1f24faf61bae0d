"""What sync keeps in the ``setting`` table: this window's id, the central folder, the
interval, and the state of the last runs (for the status bar and the back-off)."""

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import Store
from db.models import Setting
from db.sync_models import OutboxEntry, SyncPackage
from db.upsert import dialect_insert

WINDOW_ID = "sync.window_id"
CENTRAL_FOLDER = "central_folder"
INTERVAL = "sync.interval_minutes"
LAST_ATTEMPT = "sync.last_attempt"
LAST_SUCCESS = "sync.last_success"
LAST_ERROR = "sync.last_error"
LAST_PROBLEMS = "sync.last_problems"
FAILURES = "sync.failures"
NEXT_ATTEMPT = "sync.next_attempt"
YEAR_TO_DATE_SHA = "sync.year_to_date_sha256"

DEFAULT_INTERVAL_MINUTES = 10
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(minutes=30)
# Windows sharing one database may disagree by this much without their clocks being wrong.
CLOCK_SLACK = timedelta(minutes=5)


@dataclass(frozen=True)
class SyncStatus:
    """For the status bar. Times are local; ``queue_length`` counts changes not yet sent.

    Attributes:
        window_id: this window's id (None until the first run makes one).
        central_folder: the folder from the settings (None if not set).
        interval_minutes: how often the UI should run sync.
        queue_length: changes waiting in the outbox.
        last_attempt / last_success: when a run last started / last finished without error.
        last_error: the last run's error, None if it succeeded.
        problems: files the last successful run skipped, each with its reason.
        failures: runs failed in a row (drives the back-off).
        next_attempt: when the next run is due.
    """

    window_id: str | None
    central_folder: Path | None
    interval_minutes: int
    queue_length: int
    last_attempt: datetime | None
    last_success: datetime | None
    last_error: str | None
    problems: tuple[str, ...]
    failures: int
    next_attempt: datetime | None

    def due(self, now: datetime | None = None) -> bool:
        now = now or datetime.now()
        return self.next_attempt is None or now >= self.next_attempt or self.clock_moved(now)

    def longest_wait(self) -> timedelta:
        """The furthest ahead a run sets the next one: the interval, or the longest back-off."""
        return max(timedelta(minutes=self.interval_minutes), LONGEST_RETRY)

    def clock_moved(self, now: datetime) -> bool:
        """The next attempt is further ahead than any run sets it: the clock was ahead at the
        last run, or has been put back since. Waiting for it would stop sync until then."""
        return self.next_attempt is not None and self.next_attempt - now > self.longest_wait()

    def clock_note(self, now: datetime | None = None) -> str | None:
        """Why the recorded times cannot be right (Chinese), None if they can."""
        now = now or datetime.now()
        if self.clock_moved(now):
            recorded = f"记录的下次同步时间 {self.next_attempt:%Y-%m-%d %H:%M}"
        elif self.last_success is not None and self.last_success - now > CLOCK_SLACK:
            recorded = f"记录的上次同步成功时间 {self.last_success:%Y-%m-%d %H:%M}"
        else:
            return None
        return (
            f"本机时钟可能曾经不准：{recorded} 晚于现在（{now:%Y-%m-%d %H:%M}）。"
            "已按现在的时间同步；请核对这台电脑的日期和时间"
        )


def _get(session: Session, key: str) -> str | None:
    row = session.get(Setting, key)
    return row.value if row is not None else None


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _save(store: Store, values: dict[str, str | None]) -> None:
    with store.write() as session:
        for key, value in values.items():
            row = session.get(Setting, key)
            if value is None:
                if row is not None:
                    session.delete(row)
            elif row is None:
                session.add(Setting(key=key, value=value))
            else:
                row.value = value


def window_id(store: Store) -> str:
    """This window's random id, made and stored on first use (or, for a database restored
    from a backup older than its first sync, the id its sent log already used)."""
    from app.sync.sent_log import known_window

    with store.write() as session:
        if (found := _get(session, WINDOW_ID)) is not None:
            return found
        session.execute(
            dialect_insert(session, Setting)
            .values(key=WINDOW_ID, value=known_window(store) or secrets.token_hex(6))
            .on_conflict_do_nothing(index_elements=[Setting.key])
        )
        return _get(session, WINDOW_ID)


def set_central_folder(store: Store, folder: Path | str | None) -> None:
    """Remember the central upload folder (None forgets it)."""
    _save(store, {CENTRAL_FOLDER: str(folder) if folder else None})


def set_interval(store: Store, minutes: int) -> None:
    if minutes < 1:
        raise ValueError("同步间隔至少 1 分钟")
    _save(store, {INTERVAL: str(minutes)})


def central_folder(store: Store) -> Path | None:
    with store.read() as session:
        value = _get(session, CENTRAL_FOLDER)
    return Path(value) if value else None


def queue_length(session: Session) -> int:
    """Changes not yet sent: packed-but-unsent ones stay in the outbox until sent."""
    return session.scalar(select(func.count()).select_from(OutboxEntry)) or 0


def status(store: Store) -> SyncStatus:
    """The sync state for the status bar (one quick read)."""
    with store.read() as session:
        values = {
            row.key: row.value
            for row in session.scalars(select(Setting).where(Setting.key.like("sync.%")))
        }
        folder = _get(session, CENTRAL_FOLDER)
        queued = queue_length(session)
    return SyncStatus(
        window_id=values.get(WINDOW_ID),
        central_folder=Path(folder) if folder else None,
        interval_minutes=int(values.get(INTERVAL) or DEFAULT_INTERVAL_MINUTES),
        queue_length=queued,
        last_attempt=_time(values.get(LAST_ATTEMPT)),
        last_success=_time(values.get(LAST_SUCCESS)),
        last_error=values.get(LAST_ERROR),
        problems=tuple(json.loads(values.get(LAST_PROBLEMS) or "[]")),
        failures=int(values.get(FAILURES) or 0),
        next_attempt=_time(values.get(NEXT_ATTEMPT)),
    )


def retry_delay(failures: int) -> timedelta:
    """Back-off after ``failures`` failed runs in a row: 1, 2, 4 … minutes, at most 30."""
    return min(FIRST_RETRY * 2 ** max(failures - 1, 0), LONGEST_RETRY)


def record_success(store: Store, now: datetime, problems: list[str]) -> None:
    interval = status(store).interval_minutes
    _save(
        store,
        {
            LAST_ATTEMPT: now.isoformat(),
            LAST_SUCCESS: now.isoformat(),
            LAST_ERROR: None,
            LAST_PROBLEMS: json.dumps(problems, ensure_ascii=False),
            FAILURES: "0",
            NEXT_ATTEMPT: (now + timedelta(minutes=interval)).isoformat(),
        },
    )


def record_failure(store: Store, now: datetime, error: str) -> None:
    failures = status(store).failures + 1
    _save(
        store,
        {
            LAST_ATTEMPT: now.isoformat(),
            LAST_ERROR: error,
            FAILURES: str(failures),
            NEXT_ATTEMPT: (now + retry_delay(failures)).isoformat(),
        },
    )


def unsent_packages(session: Session) -> list[SyncPackage]:
    query = select(SyncPackage).where(SyncPackage.sent_at.is_(None))
    return list(session.scalars(query.order_by(SyncPackage.first_seq)))
