"""The frozen build's size on disk and its time to a shown (and ready) window, next to
``python -m app`` in the same run. Builds first unless build/dist/onestop exists.

    python bench/frozen.py [--repeats 5]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "build" / "dist" / "onestop"


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def start_times(command: list[str], database: Path, repeats: int) -> tuple[float, float]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "ONESTOP_EXIT_WHEN_READY": "1",
    }
    shown, ready = [], []
    for _ in range(repeats):
        done = subprocess.run(
            [*command, "--db", str(database)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            cwd=ROOT,
        )
        marks = dict(
            line.split() for line in done.stdout.splitlines() if line[:5] in ("shown", "ready")
        )
        if done.returncode != 0 or "ready" not in marks:
            sys.exit(f"start failed: {' '.join(command)}\n{done.stderr[-2000:]}")
        shown.append(float(marks["shown"]))
        ready.append(float(marks["ready"]))
    return statistics.median(shown), statistics.median(ready)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if not (DIST / "onestop").exists():
        subprocess.run(
            ["bash", str(ROOT / "build" / "build.sh")],
            check=True,
            env={**os.environ, "PYTHON": sys.executable},
        )
    print(f"frozen build: {folder_size(DIST) / 1e6:.1f} MB in {DIST} (goal < 250 MB)")
    with tempfile.TemporaryDirectory() as temp:
        database = Path(temp) / "desk.sqlite3"
        # a demo database made first (the explicit choice); time the starts on it
        subprocess.run(
            [sys.executable, "-m", "app", "demo", "--db", str(database)], check=True, cwd=ROOT
        )
        frozen = start_times([str(DIST / "onestop")], database, args.repeats)
        source = start_times([sys.executable, "-m", "app"], database, args.repeats)
    print(f"{'':22s} {'shown':>8s} {'ready':>8s}   (median of {args.repeats} fresh processes)")
    print(f"{'frozen onestop':22s} {frozen[0]:8.3f} {frozen[1]:8.3f} s")
    print(f"{'python -m app':22s} {source[0]:8.3f} {source[1]:8.3f} s")
    print(
        f"ratio frozen/source: shown {frozen[0] / source[0]:.2f}×, ready {frozen[1] / source[1]:.2f}×"
        " (goal ≤ 1.2×)"
    )


if __name__ == "__main__":
    main()
