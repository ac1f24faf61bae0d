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


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, target: str = "head") -> MigrationReport:
    config = alembic_config()
    wanted = head_revision() if target == "head" else target
    with engine.execution_options(sqlite_immediate=True).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
        before = MigrationContext.configure(connection).get_current_revision()
        if before != wanted:
            config.attributes["connection"] = connection
            command.upgrade(config, target)
    return MigrationReport(before, wanted)
