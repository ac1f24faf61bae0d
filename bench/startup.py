"""Time to a shown and a ready main window, and the window's memory, next to a bare PySide6
QMainWindow in the same run; and ready with 1,000,000 people on file next to the demo store.

Each start is a fresh Python process (cold imports every time, from bytecode compiled by
one untimed start beforehand, as an installed copy has it), run as ``python -OO`` like the
frozen build and ``./dev run`` (no docstrings in memory), the bare window too; the clock
runs in this process from spawning the child to reading the child's "shown" line, so
interpreter start-up counts for both. The app shows its main window's frame first (title and size, painted) and reports
"shown", then makes what is in it and reports "filled". It also reports "ready": the
database file checked (there, this application's, ``quick_check``, no committed records
lost) and at the newest schema, and sign-in asked (the case list is filled only after a
clerk signs in); and "opened": the desk open behind the sign-in dialog (SQLAlchemy, the
policies, the start-up checks), which a sign-in waits for (``app.startup``). A store that
must be upgraded first is opened the whole way before the sign-in is asked (then "opened" is
not reported).

The store with many people is the demo store with ``bench/store.py``'s people added; it is
built once into ``--cache`` (default ``bench/.cache``) and reused by later runs.

Memory: the resident set of a process that opens the demo store, signs in and fills the
window (as after a clerk's sign-in), beside a bare window's, each after its first paint.
Both windows are shown maximised, as ``ui.launch`` shows the app's (on the offscreen platform
the screen is 800×600), so both paint the same area.

    python bench/startup.py [--repeats 7] [--people 1000000] [--cache DIR]

Uses the offscreen platform unless a display is set. Prints medians and ratios; asserts nothing.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.store import fill  # noqa: E402

ADMIN, PASSWORD = "bench_admin", "Bench-start-2026!"
# How the app runs for a clerk: the frozen build's bytecode is optimised as -OO makes it.
PYTHON = (sys.executable, "-OO")
RESIDENT = """
def resident_mb():
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # not Linux: the peak is the nearest figure the standard library has
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""
BARE = (
    """
import os
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1340, 740)
window.showMaximized()  # as ui.launch shows the app's: the same area painted
app.processEvents()
print("shown", flush=True)
"""
    + RESIDENT
    + """
print(f"resident {resident_mb():.1f}", flush=True)
"""
)
SIGNED_IN = (
    """
import os, sys
from ui.launch import make_application, start_desk
from ui import settings as options
app = make_application(sys.argv[:1])
from ui.main_window import MainWindow
window = MainWindow(options.app_settings())
window.showMaximized()
desk, notes = start_desk(sys.argv[1], "bench", None)
window.show_startup_notes(notes)
desk.sign_in(sys.argv[2], sys.argv[3])
window.attach(desk)
app.processEvents()
"""
    + RESIDENT
    + """
print(f"resident {resident_mb():.1f}", flush=True)
desk.close()
"""
)


def timed(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Seconds from spawn to each line the child prints ("shown", "filled", "ready",
    "opened"); the child runs to its end (the app quits once its desk is open)."""
    marks: dict[str, float] = {}
    start = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    for line in child.stdout:
        word = line.split()[0] if line.split() else ""
        if word in ("shown", "filled", "ready", "opened"):
            marks[word] = time.perf_counter() - start
    child.stdout.close()
    child.wait(timeout=120)
    return marks


def resident_mb(command: list[str], env: dict[str, str]) -> float:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("resident "):
            return float(line.split()[1])
    sys.exit(f"no memory figure from {command[:3]}:\n{done.stderr[-2000:]}")


def demo_store(path: Path, env: dict[str, str]) -> None:
    """The demo store with one administrator (so a bench can sign in)."""
    subprocess.run(
        [sys.executable, "-m", "app", "demo", "--db", str(path)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    from app.desk import Desk

    desk = Desk.open(str(path), "bench")
    try:
        desk.create_first_administrator(ADMIN, PASSWORD)
    finally:
        desk.close()


def store_with_people(cache: Path, people: int, env: dict[str, str]) -> Path:
    """The demo store with ``people`` more people, built once into ``cache``."""
    path = cache / f"startup-{people}.sqlite3"
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    building = cache / f"startup-{people}.building"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir()
    started = time.perf_counter()
    demo_store(building / "desk.sqlite3", env)
    fill(building / "desk.sqlite3", people)
    (building / "desk.sqlite3").replace(path)
    shutil.rmtree(building, ignore_errors=True)
    print(
        f"built {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.0f} s"
    )
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--cache", type=Path, default=ROOT / "bench" / ".cache")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="startup-bench-"))
    # the children's settings and data (backups, logs) in the temporary folder, not the user's
    os.environ.update(XDG_CONFIG_HOME=str(folder / "config"), XDG_DATA_HOME=str(folder / "data"))
    env = dict(os.environ, ONESTOP_EXIT_WHEN_READY="1")
    # Compiled bytecode, as an installed copy has it (pip and the frozen build ship it): with
    # PYTHONDONTWRITEBYTECODE set (as on the development machine) every start compiled the
    # app's own modules afresh, which the bare window, all in site-packages, never does.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "bytecode")
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    database = folder / "desk.sqlite3"
    demo_store(database, env)
    many = store_with_people(args.cache, args.people, env)
    # One start of each, untimed, fills the bytecode cache.
    timed([*PYTHON, "-c", BARE], env)
    timed([*PYTHON, "-m", "app", "--db", str(database)], env)
    bare, shown, filled, ready, ready_many, opened = [], [], [], [], [], []
    for repeat in range(args.repeats):
        bare.append(timed([*PYTHON, "-c", BARE], env)["shown"])
        # each store first in every other round, so neither gains from coming second
        for store in (database, many) if repeat % 2 == 0 else (many, database):
            marks = timed([*PYTHON, "-m", "app", "--db", str(store)], env)
            if store == many:
                ready_many.append(marks["ready"])
            else:
                shown.append(marks["shown"])
                filled.append(marks["filled"])
                ready.append(marks["ready"])
                opened.append(marks.get("opened", marks["ready"]))
    bare_mb = resident_mb([*PYTHON, "-c", BARE], env)
    signed_in = [*PYTHON, "-c", SIGNED_IN, str(database), ADMIN, PASSWORD]
    # Signing in imports what a start does not (keyring, argon2): one untimed run compiles it,
    # or the figure would hold the compiler's memory, which an installed copy never spends.
    resident_mb(signed_in, env)
    window_mb = resident_mb(signed_in, env)
    shutil.rmtree(folder, ignore_errors=True)
    bare_s, shown_s, filled_s, ready_s, many_s, opened_s = (
        statistics.median(x) for x in (bare, shown, filled, ready, ready_many, opened)
    )
    print(
        f"platform: {env.get('QT_QPA_PLATFORM', 'display')}, {args.repeats} fresh processes each"
        " (python -OO, bytecode compiled once beforehand, as installed)"
    )
    print(f"bare PySide6 QMainWindow shown      median {bare_s:.3f} s")
    print(
        f"app main window shown               median {shown_s:.3f} s   ({shown_s / bare_s:.2f}× bare)"
    )
    print(
        f"app main window filled              median {filled_s:.3f} s   ({filled_s / bare_s:.2f}× bare;"
        " lists, case panel and tool bar made in the frame shown)"
    )
    print(
        f"app ready (store checked, sign-in) median {ready_s:.3f} s   ({ready_s / bare_s:.2f}× bare)"
    )
    print(
        f"app desk open behind the sign-in    median {opened_s:.3f} s   ({opened_s / bare_s:.2f}× bare;"
        " a sign-in waits for it)"
    )
    print(f"app ready with {args.people:,} people     median {many_s:.3f} s")
    print(
        f"ready with {args.people:,} people / ready with demo = {many_s / ready_s:.2f}×"
        " (goal ≤ 1.2×)"
    )
    print(
        f"resident memory after sign-in (demo) {window_mb:.0f} MB / bare window {bare_mb:.0f} MB"
        f" = {window_mb / bare_mb:.2f}× (goal ≤ 2×)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
