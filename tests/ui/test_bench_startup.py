"""bench/startup.py runs end to end with a small store (its timings and memory are printed,
never asserted): the store with people is built into the cache once and reused."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_bench(cache: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "startup.py"),
            *("--people", "200", "--repeats", "1", "--cache", str(cache)),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=600,
    )


def test_startup_benchmark_runs_small_and_reuses_its_store(tmp_path):
    done = run_bench(tmp_path / "cache")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "built " in done.stdout
    assert "ready with 200 people / ready with demo = " in done.stdout
    assert "resident memory after sign-in (demo) " in done.stdout
    assert (tmp_path / "cache" / "startup-200.sqlite3").is_file()
    again = run_bench(tmp_path / "cache")
    assert again.returncode == 0, again.stderr[-3000:]
    assert "built " not in again.stdout  # the cached store, not a new one
