"""Where the signed-in window's resident memory goes: one process walks the steps of a start
(the window shown, SQLAlchemy and the ORM imported, the models mapped, the desk opened, a
sign-in, the lists filled) and prints the resident set after each, beside a bare PySide6
window's measured in the same run, as ``bench/startup.py`` measures both (``python -OO``,
bytecode compiled beforehand, both windows shown maximised).

The steps import in the order a start would, ahead of the call that would import them, so each
line is what that step adds; the last line is the figure ``bench/startup.py`` prints.

    python bench/memory_steps.py

Uses the offscreen platform unless a display is set. Prints figures and ratios; asserts nothing.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.startup import ADMIN, BARE, PASSWORD, PYTHON, RESIDENT, demo_store  # noqa: E402

STEPS = (
    """
import os, sys
"""
    + RESIDENT
    + """
def step(name):
    print(f"step {resident_mb():.1f} {name}", flush=True)
step("Python started")
from ui.launch import make_application, start_desk
from ui import settings as options
app = make_application(sys.argv[:1])
from ui.main_window import MainWindow
window = MainWindow(options.app_settings())
window.showMaximized()
app.processEvents()
step("the app's window shown (shipped Chinese fonts, no store)")
import sqlalchemy
step("import sqlalchemy")
import sqlalchemy.orm
step("import sqlalchemy.orm")
import db.models
step("the mapped classes (db.models)")
desk, notes = start_desk(sys.argv[1], "bench", None)
window.show_startup_notes(notes)
step("desk open (policies, start-up checks, the app's modules)")
desk.sign_in(sys.argv[2], sys.argv[3])
step("signed in (password hash checked, audit key read)")
window.attach(desk)
app.processEvents()
step("lists filled and painted (bench/startup.py's figure)")
desk.close()
"""
)


def lines(command: list[str], env: dict[str, str], word: str) -> list[str]:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    found = [line[len(word) + 1 :] for line in done.stdout.splitlines() if line.startswith(word)]
    if not found:
        sys.exit(f"no figures from {command[:3]}:\n{done.stderr[-2000:]}")
    return found


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="memory-bench-"))
    os.environ.update(XDG_CONFIG_HOME=str(folder / "config"), XDG_DATA_HOME=str(folder / "data"))
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "bytecode")
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    try:
        database = folder / "desk.sqlite3"
        demo_store(database, env)
        walk = [*PYTHON, "-c", STEPS, str(database), ADMIN, PASSWORD]
        lines([*PYTHON, "-c", BARE], env, "resident")  # untimed: compiles the bytecode
        lines(walk, env, "step")
        bare = float(lines([*PYTHON, "-c", BARE], env, "resident")[0])
        print(f"bare PySide6 window shown maximised: {bare:.1f} MB (2× is {2 * bare:.1f} MB)")
        before = None
        for line in lines(walk, env, "step"):
            figure, name = line.split(" ", 1)
            mb = float(figure)
            added = "" if before is None else f" (+{mb - before:.1f})"
            print(f"{mb:6.1f} MB{added:9} = {mb / bare:.2f}× bare   {name}")
            before = mb
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
