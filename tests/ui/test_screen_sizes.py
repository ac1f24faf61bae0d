"""Issue 17's acceptance under a real X server: at 1024×768 and at 1920×1080 the main window,
the registration, discharge, void, first-administrator and idle-lock dialogs fit the screen,
every input is at least a text line tall, no toolbar action hides behind », and each checklist
row is one text line, measured by ``tests.ui.screen_check`` under ``xvfb-run`` (installed by
.ci/apt-packages.txt). The screenshots are left in the test's temporary folder to look at."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ui.qt import QImage

ROOT = Path(__file__).resolve().parents[2]
WINDOWS = ("main_window", "registration", "discharge", "void", "idle_lock", "first_administrator")

pytestmark = pytest.mark.skipif(
    shutil.which("xvfb-run") is None, reason="xvfb-run is not installed (Debian package xvfb)"
)


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1920, 1080)])
def test_every_window_fits_and_shows_whole(tmp_path, width, height):
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    environment.pop("QT_QPA_PLATFORM", None)  # the X server's plugin, not offscreen
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", f"-screen 0 {width}x{height}x24",
         sys.executable, "-m", "tests.ui.screen_check", "--out", str(tmp_path)],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])

    assert report["available"] == [width, height]
    assert sorted(report["found"]) == sorted(WINDOWS)
    assert report["found"] == {name: [] for name in WINDOWS}
    for name in (*WINDOWS, "idle_lock_screen"):
        shot = QImage(str(tmp_path / f"{name}-{width}x{height}.png"))
        assert not shot.isNull(), name
        assert shot.width() <= width and shot.height() <= height, name
