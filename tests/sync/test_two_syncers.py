"""Two processes syncing one SQLite database (the window's timer and a scheduled
``sync --once``): neither removes a staging file the other is writing, the sent log is
replaced whole from staging files of their own, and a sent log that cannot be read is never
taken for an empty one."""

import json
import os
import subprocess
import sys
import time

from app.sync import files, run_once, sent_log, set_central_folder, status
from tests.store.helpers import person
from tests.sync.test_pull_and_status import NOW, _visit


def _ended_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _staging_of(writer_pid: int, final: str) -> str:
    name = files.staging_name(final)
    return name.replace(f"-{os.getpid()}-", f"-{writer_pid}-")


def test_a_staging_file_another_process_is_writing_is_left_to_it(make_window, central_folder):
    window = make_window("LX01")
    set_central_folder(window, central_folder)
    assert run_once(window, now=NOW).ok  # the window id, the inbox
    window_id = status(window).window_id
    inbox = central_folder / "inbox" / "LX01"
    final = f"LX01-{window_id}-0000000999-0000000999.jsonl.gz"
    writer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        writing = inbox / _staging_of(writer.pid, final)
        killed = inbox / _staging_of(_ended_pid(), final)
        stale = inbox / f".{final}.partial-0123abcd"  # the older form, two hours old
        for path in (writing, killed, stale):
            path.write_bytes(b"half a package")
        two_hours_ago = time.time() - 7200
        os.utime(stale, (two_hours_ago, two_hours_ago))
        _visit(window, person(4))

        assert run_once(window, now=NOW).ok

        assert writing.exists()
        assert not killed.exists() and not stale.exists()
    finally:
        writer.kill()
        writer.wait()


def test_the_sent_log_written_by_another_process_meanwhile_stays_whole(make_window, monkeypatch):
    window = make_window("LX01")
    path = sent_log.log_path(window)
    ours, theirs = {"windows": {"a": {"last_seq": 2}}}, {"windows": {"a": {"last_seq": 1}}}
    real_fsync = os.fsync
    others = [theirs]

    def fsync_while_another_writes(descriptor):
        real_fsync(descriptor)
        if others:  # the other process writes its log between our write and our rename
            sent_log._write(path, others.pop())

    monkeypatch.setattr(os, "fsync", fsync_while_another_writes)
    sent_log._write(path, ours)
    monkeypatch.undo()

    assert json.loads(path.read_text(encoding="utf-8")) == ours
    assert not [p.name for p in path.parent.iterdir() if p.name.endswith(".partial")]


def test_a_damaged_sent_log_stops_sync_and_is_kept(make_window, central_folder):
    window = make_window("LX01")
    set_central_folder(window, central_folder)
    _visit(window, person(5))
    assert run_once(window, now=NOW).ok
    path = sent_log.log_path(window)
    damaged = path.read_bytes()[:40]  # cut short, as a torn write leaves it
    path.write_bytes(damaged)
    _visit(window, person(6))

    report = run_once(window, now=NOW)

    assert not report.ok and str(path) in report.error and "已损坏" in report.error
    assert report.queue_length == 2  # the person and the settlement, still queued
    assert path.read_bytes() == damaged
    assert "已损坏" in sent_log.catch_up_now(window)[0]
    assert path.read_bytes() == damaged
