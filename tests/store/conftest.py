"""Store fixtures: every store test runs on a real SQLite file in tmp_path, and again on a
fresh PostgreSQL database when TEST_POSTGRES_URL is set (skipped otherwise)."""

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.services import save_site
from db import open_store


def _postgres_database():
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip("TEST_POSTGRES_URL 未设置：跳过 PostgreSQL 变体")
    admin_url = make_url(url)
    name = f"store_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_target(request, tmp_path):
    """A place for a fresh store: a SQLite file path, or a PostgreSQL URL of a new database."""
    if request.param == "sqlite":
        yield str(tmp_path / "desk.sqlite3")
    else:
        yield from _postgres_database()


@pytest.fixture
def store(store_target, tmp_path):
    opened = open_store(store_target, data_dir=tmp_path / "data")
    yield opened
    opened.close()


@pytest.fixture
def make_site(store):
    def make(code="LX01", policy="lanxi", facility="county", name="测试医院", clerk="管理员"):
        """``clerk``: a bare name in setup mode, else a signed-in supervisor's session."""
        return save_site(
            store, code=code, name=name, facility=facility, default_policy=policy, clerk=clerk
        )

    return make
