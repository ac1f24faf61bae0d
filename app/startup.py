"""The window's start in two steps, so the clerk is asked to sign in before SQLAlchemy, the
models, the policy schema and the services are imported (issue 18, point 1).

1. ``look_at_store`` (standard library only, about 20 ms): the SQLite file is checked as
   ``app.store_guard.check_store`` checks it at every start (there, not empty, this
   application's, ``quick_check``, no committed records lost), its schema is the newest the
   migration files name, and it is read whether an administrator exists (which dialog to
   ask with). The window then asks who signs in: that is "ready".
2. Meanwhile ``OpeningDesk`` opens the desk behind the dialog (the ORM, the start-up checks:
   the log file, the policy files against the approved list, a killed export). A sign-in
   waits for it: nothing is read or written through an account before the whole start is
   done, and no one works at the window before they have signed in.

A store that step 1 cannot vouch for (a server database, a file an upgrade must change first,
a demo still to be made) is opened the whole way before the sign-in is asked, as before.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass

# app.services.access.ADMINISTRATOR, not imported from there: that brings SQLAlchemy.
ADMINISTRATOR_ROLE = "administrator"


@dataclass(frozen=True)
class StoreLook:
    """What the start read from a SQLite store before opening it through the ORM.

    Attributes:
        target: the database as named (path or URL).
        needs_first_administrator: no administrator account yet (the first one is created).
    """

    target: str
    needs_first_administrator: bool


def look_at_store(target: str) -> StoreLook | None:
    """Check ``target`` as every start does and read what the sign-in needs; ``StoreRefused``
    for a file that must not be opened. None when the store must be opened the whole way
    first: a server database, or a file not at the newest schema (the upgrade comes first)."""
    from app.paths import sqlite_path
    from app.store_guard import check_store
    from db.revisions import named_head

    path = sqlite_path(target)
    if path is None or not path.is_file():
        return None
    check_store(target, quick=True)  # the full check runs once the window is ready
    head = named_head()
    connection = sqlite3.connect(path)
    try:
        versions = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        if head is None or versions != [(head,)]:
            return None
        administrator = connection.execute(
            "SELECT EXISTS (SELECT 1 FROM clerk_account WHERE role = ?)", (ADMINISTRATOR_ROLE,)
        ).fetchone()[0]
    except sqlite3.DatabaseError:
        return None  # the whole open says what is wrong
    finally:
        connection.close()
    return StoreLook(target, needs_first_administrator=not administrator)


class OpeningDesk:
    """The desk while it opens behind the sign-in dialog: the dialog's calls (sign in, change a
    first password, create the first administrator) wait on another thread until it is open,
    then go to it. ``opened(result)`` or ``failed(error)`` is called once, from the thread that
    opened it; ``result()`` is ``(desk, StartupNotes)`` or raises what the opening raised."""

    def __init__(self, look: StoreLook):
        self.look = look
        self.target = look.target
        self._done = threading.Event()
        self._result = None
        self._error: BaseException | None = None

    def opened(self, result) -> None:
        self._result = result
        self._done.set()

    def failed(self, error: BaseException) -> None:
        self._error = error
        self._done.set()

    def is_open(self) -> bool:
        return self._done.is_set() and self._error is None

    def result(self, timeout: float | None = None):
        if not self._done.wait(timeout):
            raise TimeoutError(f"数据库仍在打开：{self.target}")
        if self._error is not None:
            raise self._error
        return self._result

    @property
    def desk(self):
        return self.result()[0]

    def needs_first_administrator(self) -> bool:
        return self.look.needs_first_administrator

    def sign_in(self, name: str, password: str):
        return self.desk.sign_in(name, password)

    def change_password(self, name: str, old_password: str, new_password: str):
        return self.desk.change_password(name, old_password, new_password)

    def create_first_administrator(self, name: str, password: str):
        return self.desk.create_first_administrator(name, password)
