"""Upgrades a database to the newest schema in code, at start (a frozen build has no alembic CLI)."""

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any constant: windows sharing one PostgreSQL database take turns upgrading it.
_PG_MIGRATION_LOCK = 7_340_021


@dataclass(frozen=True)
class MigrationReport:
    """What ``upgrade`` did: revisions before and after (``before`` is None for a new database)."""

    before: str | None
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def message(self) -> str:
        if not self.changed:
            return f"数据库为最新版本 {self.after}"
        if self.before is None:
            return f"已新建数据库（版本 {self.after}）"
        return f"数据库已从版本 {self.before} 升级到 {self.after}"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade(engine: Engine, target: str = "head") -> MigrationReport:
    wanted = head_revision() if target == "head" else target
    if engine.dialect.name == "sqlite":
        return _upgrade_sqlite(engine, target, wanted)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
        before = _migrate(connection, target, wanted, command.upgrade)
    return MigrationReport(before, wanted)


def _upgrade_sqlite(engine: Engine, target: str, wanted: str) -> MigrationReport:
    # A batch migration rebuilds a table (copy, drop, rename); with foreign keys on, dropping
    # a referenced table fails. SQLite's own procedure: keys off outside the transaction,
    # migrate, check every key before committing, keys back on.
    with engine.execution_options(sqlite_immediate=True).connect() as connection:
        dbapi_connection = connection.connection.dbapi_connection
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                before = _migrate(connection, target, wanted, command.upgrade)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"数据库升级后外键不一致：{broken[:5]}")
        finally:
            dbapi_connection.execute("PRAGMA foreign_keys=ON")
    return MigrationReport(before, wanted)


def _migrate(connection, target: str, wanted: str, step) -> str | None:
    before = MigrationContext.configure(connection).get_current_revision()
    if before != wanted:
        config = alembic_config()
        config.attributes["connection"] = connection
        step(config, target)
    return before


def downgrade(engine: Engine, target: str) -> None:
    """For tests and repairs only: the app itself never downgrades."""
    wanted = target
    if engine.dialect.name == "sqlite":
        with engine.execution_options(sqlite_immediate=True).connect() as connection:
            dbapi_connection = connection.connection.dbapi_connection
            dbapi_connection.execute("PRAGMA foreign_keys=OFF")
            try:
                with connection.begin():
                    _migrate(connection, target, wanted, command.downgrade)
            finally:
                dbapi_connection.execute("PRAGMA foreign_keys=ON")
        return
    with engine.begin() as connection:
        _migrate(connection, target, wanted, command.downgrade)
