"""bench/bundle.py runs end to end on a few cases, every step included (its timings are
printed, never asserted): a step that patches what the export calls breaks loudly here."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_bundle_benchmark_runs_small():
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "bundle.py"), "--cases", "4", "--repeats", "1"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "bundle: 4 cases" in done.stdout
    for label in ("export-bundle (folder)", "export-bundle, no sync", "shutil.copytree"):
        assert label in done.stdout
    assert "ratio: folder export takes" in done.stdout
    assert "folder export / copytree in each round: " in done.stdout
