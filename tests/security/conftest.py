"""Security tests reuse the store fixtures: a real SQLite file, and PostgreSQL when
TEST_POSTGRES_URL is set."""

from tests.store.conftest import make_site, store, store_target  # noqa: F401


def pytest_configure(config):
    config.addinivalue_line("markers", "real_hashes: argon2 with its real (slow) parameters")


from tests.bundle.conftest import quarter  # noqa: E402, F401
