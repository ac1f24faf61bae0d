"""bench/sync.py runs end to end on a few cases (its timings are printed, never asserted)."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_sync_benchmark_runs_small():
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "sync.py"), "--cases", "20"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "built 20 discharge cases" in done.stdout
    for label in ("sync (pack", "plain file copy", "central ingest into", "plain bulk INSERT"):
        assert label in done.stdout
    assert "ratio: sync takes" in done.stdout
