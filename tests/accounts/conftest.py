"""Accounts at the desk, end to end: real desks (one per window) on one SQLite file, with an
administrator (管理员), two supervisors (王主管, 李主管) and a clerk (测试经办), each past the
forced first password change."""

import pytest

from tests.accounts.people import (
    ADMIN,
    ADMIN_PW,
    CLERK,
    CLERK_PW,
    FIRST_PW,
    SUP,
    SUP2,
    SUP2_PW,
    SUP_PW,
)


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """Cheap argon2 parameters: the real ones are tested in tests/security."""
    from argon2 import PasswordHasher

    from app.accounts import passwords

    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    monkeypatch.setattr(passwords, "_dummy", [])


@pytest.fixture
def db_file(tmp_path):
    """The SQLite file with the site (兰溪) and the four accounts."""
    from app.accounts.service import change_password, create_user, login
    from app.desk import Desk

    path = tmp_path / "desk.sqlite3"
    desk = Desk.open(str(path), "setup")
    try:
        desk.save_site("LX01", "兰溪市人民医院（测试）", "county", "lanxi")
        create_user(desk.store, None, ADMIN, "administrator", ADMIN_PW)
        admin = login(desk.store, ADMIN, ADMIN_PW)
        for name, role in ((SUP, "supervisor"), (SUP2, "supervisor"), (CLERK, "clerk")):
            create_user(desk.store, admin, name, role, FIRST_PW)
        for name, password in ((SUP, SUP_PW), (SUP2, SUP2_PW), (CLERK, CLERK_PW)):
            change_password(desk.store, name, FIRST_PW, password)
    finally:
        desk.close()
    return path


@pytest.fixture
def window(db_file):
    """``window(name, password)``: a new desk on the file (one window), signed in."""
    from app.desk import Desk

    opened = []

    def open_window(name: str | None = None, password: str | None = None):
        desk = Desk.open(str(db_file), "x")
        opened.append(desk)
        if name is not None:
            desk.sign_in(name, password)
        return desk

    yield open_window
    for desk in opened:
        desk.close()
