"""The one Qt doorway: every module of ui/ imports Qt from here, never from PySide6 directly.

As in Anki's ``aqt.qt``, one place decides which Qt binding and which modules the app uses;
print support is imported only when something prints (see ``ui.printing``).
"""

from PySide6.QtCore import *  # noqa: F403
from PySide6.QtGui import *  # noqa: F403
from PySide6.QtWidgets import *  # noqa: F403
from shiboken6 import isValid  # is the C++ side of a Qt object still alive?

__all__ = [name for name in dir() if name.startswith("Q") or name in ("Qt", "Signal", "Slot")]
__all__ += ["isValid", "print_support"]


def print_support():
    """Qt's printing module, imported the first time something prints (not at start)."""
    from PySide6 import QtPrintSupport

    return QtPrintSupport
