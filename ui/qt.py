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


def _no_source_reading() -> None:
    """PySide6 reads the whole source of every module imported after it (``inspect.getsource``,
    then kept in ``linecache``) to see whether it names PySide6, for its ``__feature__``
    switches (snake_case, true_property), which this app never turns on. For the store, the
    policies and the services opened behind the window that was about 0.1 s of the time to
    ready and 10 MB of source text held for nothing. Every module is then one the switches
    leave alone, as ui/'s modules, which import Qt from here, not from PySide6, already were.
    A PySide6 without this private hook is left as it is."""
    try:
        from shibokensupport import feature
    except ImportError:
        return
    if callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = lambda _module: False


_no_source_reading()


def print_support():
    """Qt's printing module, imported the first time something prints (not at start)."""
    from PySide6 import QtPrintSupport

    return QtPrintSupport


class _QtNamespace:
    """``QtCore.Qt``, made the first time one of its names is asked for. PySide6 makes the
    whole namespace, every one of its enums, on first touch (25-35 ms); a module that imports
    ``Qt`` at its top uses it only in methods, so the window is shown without paying for it
    (issue 18, point 1). Later ``from ui.qt import Qt`` get the namespace itself."""

    __slots__ = ()

    def __getattr__(self, name: str):
        globals()["Qt"] = QtCore.Qt
        return getattr(QtCore.Qt, name)

    def __repr__(self) -> str:
        return repr(QtCore.Qt)


Qt = _QtNamespace()


def __getattr__(name: str):
    if name.startswith("__"):  # __path__, __wrapped__ …: asked of any module, never Qt's
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    for module in _MODULES:
        found = getattr(module, name, None)
        if found is not None:
            globals()[name] = found  # asked once per name
            return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
