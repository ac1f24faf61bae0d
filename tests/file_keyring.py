"""A keyring backend for tests: entries in a JSON file named by $TEST_KEYRING_FILE, so a
command run as a child process (``PYTHON_KEYRING_BACKEND=tests.file_keyring.FileKeyring``)
and the test see the same secret store. Stands in for Windows Credential Manager or the
Secret Service, which a headless test machine does not have."""

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class FileKeyring(KeyringBackend):
    priority = 1

    @staticmethod
    def _path() -> Path:
        return Path(os.environ["TEST_KEYRING_FILE"])

    def _entries(self) -> dict:
        try:
            return json.loads(self._path().read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def _save(self, entries: dict) -> None:
        self._path().write_text(json.dumps(entries), encoding="utf-8")

    def get_password(self, service, username):
        return self._entries().get(f"{service}\n{username}")

    def set_password(self, service, username, password):
        entries = self._entries()
        entries[f"{service}\n{username}"] = password
        self._save(entries)

    def delete_password(self, service, username):
        entries = self._entries()
        if entries.pop(f"{service}\n{username}", None) is None:
            raise PasswordDeleteError(username)
        self._save(entries)
