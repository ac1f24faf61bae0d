"""INSERT … ON CONFLICT for the backend in use (both SQLite and PostgreSQL speak it)."""

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def dialect_insert(session: Session, table):
    """``insert(table)`` with ``on_conflict_do_nothing`` / ``on_conflict_do_update`` available."""
    backend = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return backend.insert(table)
