"""The window's store: SQLAlchemy models, engine, in-code migrations. No business rules here.

The names below are imported on first use (``from db import open_store``), not with the
package: the window's start reads ``db.revisions`` before SQLAlchemy is imported (issue 18,
point 1).
"""

from app.lazy_names import names_on_first_use

_HOMES = {
    "MigrationReport": "db.migrate",
    "Store": "db.store",
    "default_data_dir": "db.store",
    "default_db_path": "db.store",
    "open_store": "db.store",
}

__all__ = list(_HOMES)

__getattr__ = names_on_first_use(__name__, _HOMES)
