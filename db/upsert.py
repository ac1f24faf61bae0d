"""INSERT … ON CONFLICT for the backend in use (both SQLite and PostgreSQL speak it)."""

from sqlalchemy.orm import Session


def dialect_insert(session: Session, table):
    """``insert(table)`` with ``on_conflict_do_nothing`` / ``on_conflict_do_update`` available."""
    # The backend's dialect only: importing PostgreSQL's in a SQLite window costs 2 MB.
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql as backend
    else:
        from sqlalchemy.dialects import sqlite as backend
    return backend.insert(table)
