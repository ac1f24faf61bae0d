"""Cycles are collected on the GUI thread only: a worker that allocates never runs the collector
(which could delete Qt objects off the GUI thread and crash the program)."""

import gc
import threading
import weakref

from ui import ops


class _Cycle:
    def __init__(self):
        self.me = self


def test_garbage_is_collected_on_the_gui_thread_not_in_workers(qtbot):
    done = []
    ops.run_in_background(lambda: [_Cycle() for _ in range(5000)] and None, done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    assert not gc.isenabled()  # the automatic collector is off once work goes to the pool

    collected_in = []
    gc.callbacks.append(lambda phase, info: collected_in.append(threading.current_thread()))
    try:
        garbage = _Cycle()
        gone = weakref.ref(garbage)
        del garbage
        for _ in range(gc.get_threshold()[0] + 10):  # past the first threshold
            _Cycle()
        qtbot.waitUntil(lambda: gone() is None, timeout=10_000)
    finally:
        gc.callbacks.pop()
    assert collected_in and set(collected_in) == {threading.main_thread()}
