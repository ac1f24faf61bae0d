"""Sync fixtures: the store fixtures of tests/store (SQLite, and PostgreSQL when
TEST_POSTGRES_URL is set), plus builders for windows and a central folder."""

from tests.store.conftest import make_site, store, store_target

__all__ = ["make_site", "store", "store_target"]
