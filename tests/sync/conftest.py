"""Sync fixtures: the store fixtures of tests/store (SQLite, and PostgreSQL when
TEST_POSTGRES_URL is set), windows on their own SQLite files, a central database and folder."""

import os

import pytest

from app.services import save_site
from db import open_store
from tests.store.conftest import _postgres_database, make_site, store, store_target

__all__ = ["make_site", "store", "store_target"]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def central_store(request, tmp_path):
    """The centre's database: a SQLite file, or a new PostgreSQL database (skipped if unset)."""
    if request.param == "sqlite":
        opened = open_store(tmp_path / "central.sqlite3", data_dir=tmp_path / "central-data")
        yield opened
        opened.close()
    else:
        for url in _postgres_database():
            opened = open_store(url, data_dir=tmp_path / "central-data")
            yield opened
            opened.close()


@pytest.fixture
def one_central_store(tmp_path):
    """The centre's database for slow tests run once: PostgreSQL if available, else SQLite."""
    if not os.environ.get("TEST_POSTGRES_URL"):
        opened = open_store(tmp_path / "central.sqlite3", data_dir=tmp_path / "central-data")
        yield opened
        opened.close()
        return
    for url in _postgres_database():
        opened = open_store(url, data_dir=tmp_path / "central-data")
        yield opened
        opened.close()


@pytest.fixture
def central_folder(tmp_path):
    folder = tmp_path / "central"
    folder.mkdir()
    return folder


@pytest.fixture
def make_window(tmp_path):
    """A window: its own SQLite file with its site saved (兰溪 policy by default)."""
    opened = []

    def make(code, policy="lanxi", facility="county"):
        window = open_store(tmp_path / f"{code}.sqlite3", data_dir=tmp_path / code)
        save_site(
            window,
            code=code,
            name=f"测试医院{code}",
            facility=facility,
            default_policy=policy,
            clerk="管理员",
        )
        opened.append(window)
        return window

    yield make
    for window in opened:
        window.close()
