"""bench/startup.py runs end to end with a small store (its timings and memory are printed,
never asserted): the store with people is built into the cache once and reused."""

from pathlib import Path

from tests.bench_run import run_bench


def startup_bench(cache: Path) -> str:
    return run_bench("startup.py", "--people", "200", "--repeats", "1", "--cache", str(cache))


def test_startup_benchmark_runs_small_and_reuses_its_store(tmp_path):
    out = startup_bench(tmp_path / "cache")
    assert "built " in out
    assert "app main window shown " in out and "app main window filled " in out
    assert "ready with 200 people / ready with demo = " in out
    assert "resident memory after sign-in (demo) " in out
    assert (tmp_path / "cache" / "startup-200.sqlite3").is_file()
    again = startup_bench(tmp_path / "cache")
    assert "built " not in again  # the cached store, not a new one


def test_memory_steps_bench_walks_every_step_of_a_signed_in_start():
    out = run_bench("memory_steps.py")
    assert "bare PySide6 window shown maximised: " in out
    steps = [line.split("bare   ", 1)[1] for line in out.splitlines() if "× bare   " in line]
    assert len(steps) == 8
    for step, words in zip(
        steps,
        (
            "Python",
            "window shown",
            "sqlalchemy",
            "orm",
            "db.models",
            "desk open",
            "signed in",
            "lists filled",
        ),
        strict=True,
    ):
        assert words in step
