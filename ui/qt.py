"""The one Qt doorway: every module of ui/ imports Qt from here, never from PySide6 directly.

As in Anki's ``aqt.qt``, one place decides which Qt binding and which modules the app uses;
print support is imported only when something prints (see ``ui.printing``).

Names are looked up when first asked for (``from ui.qt import QLabel``), not star-imported:
PySide6 makes its classes on first use, and ``import *`` from QtCore, QtGui and QtWidgets
made all of them (about 0.3 s, more than a bare window takes to show).
"""

from PySide6 import QtCore, QtGui, QtWidgets
from shiboken6 import isValid  # noqa: F401  (re-exported: is the C++ side of a Qt object still alive?)

# Later modules win, as the star imports did (QtWidgets, then QtGui, then QtCore).
_MODULES = (QtWidgets, QtGui, QtCore)


def print_support():
    """Qt's printing module, imported the first time something prints (not at start)."""
    from PySide6 import QtPrintSupport

    return QtPrintSupport


def __getattr__(name: str):
    for module in _MODULES:
        found = getattr(module, name, None)
        if found is not None:
            globals()[name] = found  # asked once per name
            return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
