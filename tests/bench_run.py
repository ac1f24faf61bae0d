"""Running a bench script end to end from a test: its timings are printed, never asserted."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_bench(script: str, *args: str, timeout: float = 600) -> str:
    """``bench/<script>`` run with ``args`` in a fresh interpreter; its output, once it has
    ended well (the failure shows the end of what it wrote to stderr)."""
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / script), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout
