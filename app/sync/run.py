"""One sync run for a window: push the outbox, then pull rosters and year-to-date."""

import threading
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from app.sync import state
from db import Store

# The UI's timer and a "sync now" click must not run two pushes of one window at once.
_RUNNING = threading.Lock()


@dataclass(frozen=True)
class SyncReport:
    """What one run did.

    Attributes:
        ok: True if the central folder took every queued change (pull problems do not count).
        error: why not (Chinese), None if ok; the queue is kept and retried with back-off.
        packages: file names written to the central inbox.
        changes_sent: changes in them.
        rosters: roster files imported from the centre.
        year_to_date_rows: rows of paid-elsewhere taken from a new year-to-date file, else None.
        problems: files or rows skipped, each with file, line and reason.
        queue_length: changes still queued after the run.
        notes: what the run did to continue after numbers already sent (after a restore),
            and that the recorded sync times showed the clock had been wrong.
    """

    ok: bool
    error: str | None
    packages: tuple[str, ...] = ()
    changes_sent: int = 0
    rosters: tuple[str, ...] = ()
    year_to_date_rows: int | None = None
    problems: tuple[str, ...] = ()
    queue_length: int = 0
    notes: tuple[str, ...] = ()


def run_once(
    store: Store,
    central_dir: Path | str | None = None,
    *,
    now: datetime | None = None,
    password: str | None = None,
) -> SyncReport:
    """Push and pull once against ``central_dir`` (default: the ``central_folder`` setting).
    ``password``: the bureau's, for this run (else the one kept in the OS's secret store).

    Safe to call from a worker thread; never raises for an unreachable folder: the error is
    in the report and in ``status(store)``, with the next attempt time backed off.
    """
    now = now or datetime.now()
    if not _RUNNING.acquire(blocking=False):
        return SyncReport(False, "上一次同步尚未结束", queue_length=_queued(store))
    try:
        central = Path(central_dir) if central_dir else state.central_folder(store)
        if central is None:
            return _failed(store, now, "尚未设置中心文件夹（设置→同步，或 --central）")
        # Here, not with the module: a window with no central folder never loads the
        # packaging, sealing (cryptography) and reading of sync files (issue 18, point 5).
        from sqlalchemy.exc import OperationalError

        from app.services.errors import ServiceError
        from app.sync.pull import pull
        from app.sync.push import SyncError, push
        from app.sync.sealing import PasswordNeeded

        try:
            pushed = push(store, central, now, password)
            pulled = pull(store, central, password)
        except (SyncError, ServiceError, PasswordNeeded) as exc:
            return _failed(store, now, str(exc))
        except OSError as exc:  # the share vanished between steps
            return _failed(store, now, f"中心文件夹 {central} 读写出错：{exc}")
        except OperationalError as exc:  # a shared database busy (a lock timed out)
            return _failed(store, now, f"数据库暂时繁忙，本次同步未完成，稍后自动重试：{exc.orig}")
        state.record_success(store, now, list(pulled.problems))
        return SyncReport(
            ok=True,
            error=None,
            packages=pushed.packages,
            changes_sent=pushed.changes,
            rosters=pulled.rosters,
            year_to_date_rows=pulled.year_to_date_rows,
            problems=pulled.problems,
            queue_length=_queued(store),
            notes=pushed.notes,
        )
    finally:
        _RUNNING.release()


def run_if_due(
    store: Store, *, now: datetime | None = None, password: str | None = None
) -> SyncReport | None:
    """For the UI's timer: run unless the back-off says wait; None if not due."""
    now = now or datetime.now()
    before = state.status(store)
    if not before.due(now):
        return None
    report = run_once(store, now=now, password=password)
    if (note := before.clock_note(now)) is not None:
        report = replace(report, notes=(*report.notes, note))
    return report


def _failed(store: Store, now: datetime, error: str) -> SyncReport:
    state.record_failure(store, now, error)
    return SyncReport(False, error, queue_length=_queued(store))


def _queued(store: Store) -> int:
    with store.read() as session:
        return state.queue_length(session)
