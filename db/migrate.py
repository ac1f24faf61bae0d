"""Upgrades a database to the newest schema in code, at start (a frozen build has no alembic CLI).

Alembic (with Mako) is imported only when a database is not at the newest revision: a store
already there is recognised by reading ``alembic_version`` beside the revisions named in the
migration files, which spares the window about 17 MB and its import time (issue 18, point 5).
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from db.revisions import MIGRATIONS_DIR, known_revisions
from db.revisions import named_head as _named_head

# Any constant: windows sharing one PostgreSQL database take turns upgrading it.
_PG_MIGRATION_LOCK = 7_340_021


class MigrationError(RuntimeError):
    """The store cannot be brought to this program's schema; the message is Chinese and says
    that nothing was changed (each upgrade runs in one transaction)."""


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


def alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:  # no such table yet: a new database
        return None
    return rows[0][0] if len(rows) == 1 else None


def upgrade(
    engine: Engine, target: str = "head", keep_copy: Callable[[str], object] | None = None
) -> MigrationReport:
    """Bring the store to ``target``. ``keep_copy(revision)`` is called first when a store at
    an older revision is about to change (a copy to go back to); ``MigrationError`` (Chinese)
    when the store is newer than this program, the copy fails or a migration fails."""
    current = _current_revision(engine)
    if target == "head":
        head = _named_head()
        if head is not None and current == head:
            return MigrationReport(head, head)
    if current is not None and current not in known_revisions():
        raise MigrationError(
            f"数据库由较新版本的程序建立或升级（数据库版本 {current}），本程序不能打开它；"
            "请安装新版本的程序。数据库未改动"
        )
    wanted = head_revision() if target == "head" else target
    if current is not None and current != wanted and keep_copy is not None:
        try:
            keep_copy(current)
        except Exception as exc:
            raise MigrationError(f"升级前未能备份数据库（{exc}），未升级，数据库未改动") from exc
    try:
        if engine.dialect.name == "sqlite":
            return _upgrade_sqlite(engine, target, wanted)
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
            before = _migrate(connection, target, wanted, "upgrade")
        return MigrationReport(before, wanted)
    except MigrationError:
        raise
    except Exception as exc:
        raise MigrationError(
            f"数据库从版本 {current} 升级到 {wanted} 失败，已撤回，数据库未改动"
            f"（{type(exc).__name__}: {exc}）；请把这段话告诉信息科"
        ) from exc


def _upgrade_sqlite(engine: Engine, target: str, wanted: str) -> MigrationReport:
    # A batch migration rebuilds a table (copy, drop, rename); with foreign keys on, dropping
    # a referenced table fails. SQLite's own procedure: keys off outside the transaction,
    # migrate, check every key before committing, keys back on.
    with engine.execution_options(sqlite_immediate=True).connect() as connection:
        dbapi_connection = connection.connection.dbapi_connection
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                before = _migrate(connection, target, wanted, "upgrade")
                # Checked only after a migration ran: the check reads every row, which on a
                # store already at head made the start grow with the store (issue 18, point 1).
                migrated = before != wanted
                broken = (
                    migrated and connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                )
                if broken:
                    raise RuntimeError(f"数据库升级后外键不一致：{broken[:5]}")
        finally:
            dbapi_connection.execute("PRAGMA foreign_keys=ON")
    return MigrationReport(before, wanted)


def _migrate(connection, target: str, wanted: str, step) -> str | None:
    from alembic.runtime.migration import MigrationContext

    before = MigrationContext.configure(connection).get_current_revision()
    if before != wanted:
        config = alembic_config()
        config.attributes["connection"] = connection
        from alembic import command

        getattr(command, step)(config, target)
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
                    _migrate(connection, target, wanted, "downgrade")
            finally:
                dbapi_connection.execute("PRAGMA foreign_keys=ON")
        return
    with engine.begin() as connection:
        _migrate(connection, target, wanted, "downgrade")
