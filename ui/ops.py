"""Work off the GUI thread, reported back on it (after Anki's ``QueryOp``).

Every call from the window to the desk (the store, a password hash, a PDF, a scan's hash)
goes through ``run_in_background(work, on_success, on_failure)``: ``work()`` runs on Qt's
thread pool, the callbacks run on the GUI thread with its return value or the exception.
``work`` must not touch widgets. ``pending()`` counts jobs still running (tests wait for it to
reach zero); ``activity.busy(bool)`` tells the window's one busy indicator when work starts
and when the last job ends. Long work reports how far it has got through
``progress_reporter(on_progress)``: a callable ``work`` calls from its thread.
"""

import contextlib
import gc
from collections.abc import Callable

from ui.qt import (
    QCoreApplication,
    QObject,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
    isValid,
)

_running: set["_Relay"] = set()


class _Activity(QObject):
    busy = Signal(bool)


activity = _Activity()


def _finished(relay: "_Relay") -> None:
    _running.discard(relay)
    if not _running:
        activity.busy.emit(False)


class _Relay(QObject):
    """Lives on the GUI thread; the worker's signals reach it queued."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, on_success: Callable, on_failure: Callable | None, owner: QObject | None):
        super().__init__()
        self._on_success = on_success
        self._on_failure = on_failure
        self._owner = owner
        self.succeeded.connect(self._success, Qt.ConnectionType.QueuedConnection)
        self.failed.connect(self._failure, Qt.ConnectionType.QueuedConnection)

    def _owner_gone(self) -> bool:
        # A form closed while its call ran: nothing is left to show the answer in.
        return self._owner is not None and not isValid(self._owner)

    @Slot(object)
    def _success(self, value: object) -> None:
        try:
            if not self._owner_gone():
                self._on_success(value)
        finally:
            _finished(self)

    @Slot(object)
    def _failure(self, error: object) -> None:
        try:
            if self._owner_gone():
                return
            if self._on_failure is None:
                raise error
            self._on_failure(error)
        finally:
            _finished(self)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], object], relay: _Relay):
        super().__init__()
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            value = self._work()
        except Exception as error:  # reported to the GUI thread, never lost in the pool
            self._relay.failed.emit(error)
        else:
            self._relay.succeeded.emit(value)


def collect_garbage_on_gui_thread() -> None:
    """Python's cycle collector runs in whichever thread happens to allocate past its threshold;
    run in a worker it may delete Qt objects made on the GUI thread, and the program crashes
    (seen: a slip rendered in the pool collected a closed dialog). As Anki does, the automatic
    collector is turned off and the same thresholds are checked on the GUI thread instead."""
    app = QCoreApplication.instance()
    if app is None or app.property("gc_on_gui_thread"):
        return
    app.setProperty("gc_on_gui_thread", True)
    gc.disable()
    timer = QTimer(app)
    timer.setInterval(500)
    timer.timeout.connect(_collect_if_due)
    timer.start()


def _collect_if_due() -> None:
    counts, thresholds = gc.get_count(), gc.get_threshold()
    if counts[0] < thresholds[0]:
        return
    generation = 0
    while generation < 2 and counts[generation + 1] >= thresholds[generation + 1]:
        generation += 1
    gc.collect(generation)


def run_in_background(
    work: Callable[[], object],
    on_success: Callable[[object], None],
    on_failure: Callable[[Exception], None] | None = None,
    owner: QObject | None = None,
) -> None:
    """``owner``: the widget the callbacks show their answer in (by default the object of a
    bound-method ``on_success``); once it is deleted, the answer is dropped."""
    if owner is None and isinstance(getattr(on_success, "__self__", None), QObject):
        owner = on_success.__self__
    collect_garbage_on_gui_thread()
    relay = _Relay(on_success, on_failure, owner)
    if not _running:
        activity.busy.emit(True)
    _running.add(relay)
    QThreadPool.globalInstance().start(_Job(work, relay))


class _ProgressRelay(QObject):
    """Lives on the GUI thread; ``report`` may be called from the worker (queued to it)."""

    reported = Signal(object)

    def __init__(self, on_progress: Callable[[object], None], owner: QObject | None):
        super().__init__(owner)
        self._on_progress = on_progress
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def report(self, value: object) -> None:
        # The window closed meanwhile: the work goes on, with no one to tell.
        with contextlib.suppress(RuntimeError):
            if isValid(self):
                self.reported.emit(value)

    @Slot(object)
    def _show(self, value: object) -> None:
        self._on_progress(value)


def progress_reporter(
    on_progress: Callable[[object], None], owner: QObject | None = None
) -> Callable[[object], None]:
    """A callable for ``work`` to report progress with, from its thread; ``on_progress`` runs
    on the GUI thread with each value (dropped once ``owner`` is deleted)."""
    if owner is None and isinstance(getattr(on_progress, "__self__", None), QObject):
        owner = on_progress.__self__
    return _ProgressRelay(on_progress, owner).report


def pending() -> int:
    return len(_running)
