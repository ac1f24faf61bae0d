"""Time to a shown main window: the app next to a bare PySide6 QMainWindow, same run.

Each start is a fresh Python process (cold imports every time); the clock runs in this
process from spawning the child to reading the child's "shown" line, so interpreter start-up
counts for both. The app also reports "ready": database checked and open, start-up checks
done (log, daily backup, policy hashes), sign-in asked (the case list is filled only after a
clerk signs in, which a benchmark cannot do).

    python bench/startup.py [--repeats 7]

Uses the offscreen platform unless a display is set. Prints medians and ratios; asserts nothing.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE = """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1340, 740)
window.show()
app.processEvents()
print("shown", flush=True)
"""


def timed(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Seconds from spawn to each line the child prints ("shown", "ready")."""
    marks: dict[str, float] = {}
    start = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    for line in child.stdout:
        word = line.split()[0] if line.split() else ""
        if word in ("shown", "ready"):
            marks[word] = time.perf_counter() - start
        if word == "ready" or (word == "shown" and command[1] == "-c"):
            break
    child.wait(timeout=60)
    return marks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    env = dict(os.environ, ONESTOP_EXIT_WHEN_READY="1")
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    folder = Path(tempfile.mkdtemp(prefix="startup-bench-"))
    database = folder / "desk.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "app", "demo", "--db", str(database)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    bare, shown, ready = [], [], []
    for _ in range(args.repeats):
        bare.append(timed([sys.executable, "-c", BARE], env)["shown"])
        marks = timed([sys.executable, "-m", "app", "--db", str(database)], env)
        shown.append(marks["shown"])
        ready.append(marks["ready"])
    bare_s, shown_s, ready_s = (statistics.median(x) for x in (bare, shown, ready))
    print(f"platform: {env.get('QT_QPA_PLATFORM', 'display')}, {args.repeats} fresh processes each")
    print(f"bare PySide6 QMainWindow shown   median {bare_s:.3f} s")
    print(
        f"app main window shown            median {shown_s:.3f} s   ({shown_s / bare_s:.2f}x bare)"
    )
    print(
        f"app ready (store open, sign-in)  median {ready_s:.3f} s   ({ready_s / bare_s:.2f}x bare)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
