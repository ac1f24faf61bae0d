"""A clock that was wrong at one run must not stop automatic sync: a next attempt recorded
further ahead than any run sets it (a run while the clock was a year ahead, or a clock put
back since) is due at once, and the run says the clock looked wrong."""

from datetime import timedelta

from app.sync import run_if_due, run_once, set_central_folder, status
from app.sync.state import set_interval
from tests.store.helpers import person
from tests.sync.test_pull_and_status import NOW, _visit

A_YEAR = timedelta(days=365)


def test_a_success_while_the_clock_was_a_year_ahead_does_not_stop_sync(make_window, central_folder):
    window = make_window("LX01")
    set_central_folder(window, central_folder)
    assert run_once(window, now=NOW + A_YEAR).ok  # the clock a year ahead
    _visit(window, person(2))  # the clock put right: work goes on

    report = run_if_due(window, now=NOW + timedelta(minutes=10))

    assert report is not None and report.ok and report.queue_length == 0
    [note] = report.notes
    assert "本机时钟可能曾经不准" in note and f"{NOW + A_YEAR:%Y-%m-%d}" in note
    state = status(window)
    assert state.next_attempt == NOW + timedelta(minutes=10 + state.interval_minutes)
    assert run_if_due(window, now=NOW + timedelta(minutes=11)) is None  # back on schedule


def test_a_failure_then_the_clock_put_back_does_not_stop_sync(
    make_window, central_folder, tmp_path
):
    window = make_window("LX01")
    _visit(window, person(3))
    set_central_folder(window, tmp_path / "share-not-there")
    assert not run_once(window, now=NOW + A_YEAR).ok  # retry recorded a year ahead
    set_central_folder(window, central_folder)

    report = run_if_due(window, now=NOW)

    assert report is not None and report.ok and report.changes_sent == 2
    assert any("本机时钟可能曾经不准" in note for note in report.notes)


def test_a_long_interval_is_not_taken_for_a_wrong_clock(make_window, central_folder):
    window = make_window("LX01")
    set_central_folder(window, central_folder)
    set_interval(window, 120)
    assert run_once(window, now=NOW).ok

    assert run_if_due(window, now=NOW + timedelta(minutes=1)) is None
    assert status(window).clock_note(NOW + timedelta(minutes=1)) is None
    assert run_if_due(window, now=NOW + timedelta(minutes=120)).notes == ()


def test_a_last_success_in_the_future_is_named(make_window, central_folder):
    window = make_window("LX01")
    set_central_folder(window, central_folder)
    assert run_once(window, now=NOW + timedelta(minutes=20)).ok  # next attempt: not far ahead

    note = status(window).clock_note(NOW)

    assert note is not None and "上次同步成功时间" in note and f"{NOW:%Y-%m-%d %H:%M}" in note


def test_sync_status_on_the_command_line_says_the_clock_looked_wrong(
    make_window, central_folder, capsys
):
    from app.commands.sync import _print_status

    window = make_window("LX01")
    set_central_folder(window, central_folder)
    assert run_once(window, now=NOW + 10 * A_YEAR).ok  # times recorded ten years ahead
    _print_status(status(window))
    said = capsys.readouterr().out
    assert "提示：本机时钟可能曾经不准" in said and f"{NOW + 10 * A_YEAR:%Y-%m-%d}" in said
