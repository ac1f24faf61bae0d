"""The window's store: SQLAlchemy models, engine, in-code migrations. No business rules here."""

from db.migrate import MigrationReport
from db.store import Store, default_data_dir, default_db_path, open_store

__all__ = [
    "MigrationReport",
    "Store",
    "default_data_dir",
    "default_db_path",
    "open_store",
]
