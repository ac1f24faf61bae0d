"""Engines and sessions for SQLite (one local file) and PostgreSQL (a shared server).

SQLite is set up on every connection: WAL, ``synchronous=FULL`` (a committed settlement
survives a power cut), foreign keys, a busy timeout. Python's sqlite3 module opens
transactions lazily, only before DML, so SQLAlchemy's BEGIN would not match the database's;
as the SQLAlchemy SQLite dialect documents, the driver's own handling is switched off and
BEGIN is emitted from the engine's ``begin`` event instead. Writing sessions use
``BEGIN IMMEDIATE`` so two windows never both read and then fail to upgrade to a write lock.
"""

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from app.paths import is_url

BUSY_TIMEOUT_MS = 10_000


def make_engine(url_or_path: str) -> Engine:
    if not is_url(url_or_path):
        path = Path(url_or_path).expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        return _sqlite_engine(f"sqlite:///{path}")
    url = make_url(url_or_path)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    if url.get_backend_name() == "postgresql":
        from db.models import declare_postgresql_partial_indexes

        declare_postgresql_partial_indexes()
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
    return create_engine(url, pool_pre_ping=True)


def _sqlite_engine(url) -> Engine:
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
