"""A package's names imported on first use rather than with the package (PEP 562), so that
importing one light submodule does not bring the heavy ones (issue 18, points 1 and 5)."""

import importlib
import sys
from collections.abc import Callable, Mapping


def names_on_first_use(package: str, homes: Mapping[str, str]) -> Callable[[str], object]:
    """The ``__getattr__`` for ``package``: each name in ``homes`` (name -> the module that
    defines it) imported from its module when first asked for, then kept in the package."""
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> object:
        home = homes.get(name)
        if home is None:  # a submodule (``from package import module``) is imported as usual
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        found = getattr(importlib.import_module(home), name)
        namespace[name] = found
        return found

    return __getattr__
