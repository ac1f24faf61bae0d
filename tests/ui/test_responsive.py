"""The window never waits on the store: while a slow desk call runs, events are processed, the
busy indicator shows, and the result arrives once the call returns (issue 14, point 3)."""

import threading

from ui import ops
from ui.qt import QTimer


def test_the_window_processes_events_while_a_slow_search_runs(qtbot, window, monkeypatch):
    gate = threading.Event()
    real_search = window.desk.search

    def slow_search(text):
        assert gate.wait(30), "the test never opened the gate"
        return real_search(text)

    monkeypatch.setattr(window.desk, "search", slow_search)
    try:
        _search_while_the_store_is_busy(qtbot, window, gate)
    finally:
        gate.set()  # never leave a worker waiting for the tests after this one


def _search_while_the_store_is_busy(qtbot, window, gate) -> None:
    window.search.setText("测试")
    window.run_search()  # returns at once: the search waits on the gate in the thread pool
    assert ops.pending() == 1
    qtbot.waitUntil(window.busy.isVisible)

    ticks: list[int] = []
    timer = QTimer(window)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    qtbot.waitUntil(lambda: len(ticks) >= 3)  # the event loop turns while the store is busy
    window.filter.setText("甲")  # and the window still takes input
    assert "甲" in window.proxy.filterRegularExpression().pattern()
    assert ops.pending() == 1  # the search has not come back yet
    timer.stop()

    gate.set()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    assert window.list_title.text() == "查找“测试”：0 条"
    assert not window.busy.isVisible()
