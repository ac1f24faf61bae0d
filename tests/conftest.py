"""Shared fixtures. Qt tests run headless; each test area may add its own conftest."""

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session", autouse=True)
def audit_key_folder(tmp_path_factory):
    """Audit key files (``app.secret_store``, where no OS secret store exists, as here) in one
    folder for the whole run, set before any store is made: stores a module's fixture makes
    are opened again from tests with their own data folders, and by commands run as children.
    """
    folder = tmp_path_factory.mktemp("audit-keys")
    previous = os.environ.get("ONESTOP_KEYS")
    os.environ["ONESTOP_KEYS"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("ONESTOP_KEYS", None)
    else:
        os.environ["ONESTOP_KEYS"] = previous


@pytest.fixture(autouse=True)
def own_data_folder(tmp_path_factory, monkeypatch):
    """The user's data folder (platformdirs follows XDG_DATA_HOME) is a temporary one and
    $ONESTOP_DB is unset: no test reads or writes this computer's database.txt."""
    home = tmp_path_factory.mktemp("user-data")
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    monkeypatch.delenv("ONESTOP_DB", raising=False)
    return home / "one-stop-desk"


@pytest.fixture
def os_keyring(tmp_path, monkeypatch):
    """An OS secret store for this test and the commands it runs (``tests.file_keyring``);
    without it keyring finds no backend here, as on a headless server. Yields the entries."""
    import keyring

    from tests.file_keyring import FileKeyring

    monkeypatch.setenv("TEST_KEYRING_FILE", str(tmp_path / "keyring.json"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.file_keyring.FileKeyring")
    previous = keyring.get_keyring()
    backend = FileKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def policies():
    from app.policy import load_policies

    return load_policies()
