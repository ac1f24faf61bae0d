"""bench/store.py runs end to end on a small store (its timings are printed, never asserted)."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_store_benchmark_runs_small(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "store.py"),
            "--people",
            "300",
            "--lookups",
            "20",
            "--db",
            str(tmp_path / "bench.sqlite3"),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "people 300," in done.stdout
    for label in ("find by ID number", "find by name", "find by admission number", "year-to-date"):
        assert label in done.stdout
    assert "ix_person_name" in done.stdout  # the name search uses its index
