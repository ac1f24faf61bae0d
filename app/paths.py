"""Where the app finds its files: the repository when run from source, next to the
executable when frozen by PyInstaller (the policies folder stays editable there)."""

import os
import sys
from pathlib import Path


def install_dir() -> Path:
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent.parent


def policies_dir() -> Path:
    override = os.environ.get("ONESTOP_POLICIES")
    return Path(override) if override else install_dir() / "policies"


def bundled_dir() -> Path:
    """Where PyInstaller put the app's data (``_internal/``); the repository from source."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", install_dir()))
    return install_dir()


def resources_dir() -> Path:
    return bundled_dir() / "resources"
