"""``open_store``: the one way into the database, upgraded to the newest schema on opening."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.paths import APP_NAME, DB_FILE_NAME, default_data_dir, default_db_path
from app.secret_store import AuditKey, load_audit_key
from db.audit_chain import seal_audit_events
from db.engine import is_url, make_engine
from db.migrate import MigrationReport, upgrade
from db.outbox import capture_changes

STORE_ID_SETTING = "store_id"

__all__ = ["APP_NAME", "DB_FILE_NAME", "Store", "default_data_dir", "default_db_path", "open_store"]


class WritingStopped(RuntimeError):
    """A check found the database unsound after it was opened: nothing more is written."""


@dataclass
class Store:
    """An open database: sessions for services, the folder for scans, and what opening migrated.

    ``write()`` is one transaction (committed on leaving, rolled back on an exception);
    ``read()`` is a session for queries that never commits.
    """

    engine: Engine
    data_dir: Path
    migration: MigrationReport

    def __post_init__(self) -> None:
        self._writer = sessionmaker(
            bind=self.engine.execution_options(sqlite_immediate=True), expire_on_commit=False
        )
        capture_changes(self._writer)  # sync outbox: queue changes in the same transaction
        # audit hash chain, sealed just before COMMIT with the key kept outside the database
        seal_audit_events(self._writer, self._key_for)
        self._reader = sessionmaker(bind=self.engine, expire_on_commit=False)
        self._store_id: str | None = None
        self._audit_key: AuditKey | None = None
        self.stopped: str | None = None  # why writing stopped (a check found the file unsound)

    def stop_writing(self, reason: str) -> None:
        """From now on every ``write()`` is refused with ``reason`` (reading goes on)."""
        self.stopped = reason

    @property
    def store_id(self) -> str:
        """The store's random name (``setting`` row ``store_id``, made by revision 0010): what
        its secrets are filed under in the OS's secret store. Not a secret."""
        if self._store_id is None:
            with self.engine.connect() as connection:
                self._read_store_id(connection)
        return self._store_id or ""

    def _read_store_id(self, connection) -> None:
        from sqlalchemy import select

        from db.models import Setting

        self._store_id = connection.execute(
            select(Setting.value).where(Setting.key == STORE_ID_SETTING)
        ).scalar()

    @property
    def audit_key(self) -> AuditKey | None:
        """This store's audit chain key from the OS's secret store (or its key file); None when
        this computer does not have it."""
        if self._audit_key is None and self.store_id:
            self._audit_key = load_audit_key(self.store_id)
        return self._audit_key

    def _key_for(self, connection) -> AuditKey | None:
        # Inside a writing transaction: read through its own connection.
        if self._store_id is None:
            self._read_store_id(connection)
        return self.audit_key

    def forget_secrets(self) -> None:
        """Read the store id and key again (after a key import)."""
        self._store_id = self._audit_key = None

    @property
    def scans_dir(self) -> Path:
        return self.data_dir / "scans"

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Session]:
        if self.stopped is not None:
            raise WritingStopped(f"已停止写入数据库：{self.stopped}")
        with self._writer() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        # Closing (not rolling back) keeps loaded rows readable after the block.
        with self._reader() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_store(url_or_path: str | Path, data_dir: Path | None = None) -> Store:
    """Open (creating or upgrading) the store.

    ``url_or_path``: a SQLite file path, or a ``sqlite://`` or ``postgresql://`` URL (which
    one to open when none is named is ``app.paths.database_target``'s rule, not the store's).
    Scans live in ``data_dir``: by default the folder of the SQLite file, or the user's data
    folder for a server database.
    """
    if url_or_path is None:
        raise TypeError("open_store needs a database: see app.paths.database_target")
    target = str(url_or_path)
    if data_dir is None:
        data_dir = default_data_dir() if is_url(target) else Path(target).expanduser().parent
    engine = make_engine(target)
    keep_copy = None
    if not is_url(target):  # a file: its state before an upgrade is kept beside its backups

        def keep_copy(revision: str) -> None:
            from db.file_copy import copy_before_upgrade

            copy_before_upgrade(Path(target).expanduser(), revision)

    try:
        report = upgrade(engine, keep_copy=keep_copy)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine, Path(data_dir), report)
