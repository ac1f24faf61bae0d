"""The window's store: SQLAlchemy models, engine, in-code migrations. No business rules here.

The names below are imported on first use (``from db import open_store``), not with the
package: the window's start reads ``db.revisions`` before SQLAlchemy is imported (issue 18,
point 1).
"""

import importlib

_HOMES = {
    "MigrationReport": "db.migrate",
    "Store": "db.store",
    "default_data_dir": "db.store",
    "default_db_path": "db.store",
    "open_store": "db.store",
}

__all__ = list(_HOMES)


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    found = getattr(importlib.import_module(home), name)
    globals()[name] = found
    return found
