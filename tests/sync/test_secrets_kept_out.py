"""Secrets in the OS's secret store (issue 21, point 3): the bureau's sync password is never in
the store, a backup, a log or a settings file; a password an older version kept in the
``setting`` table moves out on upgrade; without a secret store it is asked at each sync."""

import logging
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from app import secret_store
from app.backup import backup_now
from app.encryption import is_encrypted
from app.privacy import setup_logging
from app.services import settings as site_settings
from app.sync import ingest, run_once
from app.sync.sealing import set_sync_password
from db import open_store
from db.engine import make_engine
from db.migrate import upgrade
from tests.store.helpers import person
from tests.sync.test_two_windows import NOW, _settle

PASSWORD = "医保局-同步-2026-Secret"


def _files_holding(root: Path, secret: str) -> list[Path]:
    needles = {secret.encode("utf-8"), secret.encode("utf-16-le")}
    return [
        path
        for path in root.rglob("*")
        if path.is_file() and any(needle in path.read_bytes() for needle in needles)
    ]


@pytest.fixture
def debug_log(tmp_path):
    """The app's log at DEBUG (the most it ever writes), restored after the test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    log_file = setup_logging(tmp_path / "logs-home", level=logging.DEBUG)
    root.setLevel(logging.DEBUG)
    yield log_file
    for handler in root.handlers[:]:
        if handler not in handlers:
            handler.close()
            root.removeHandler(handler)
    root.setLevel(level)


def test_no_password_in_the_store_a_backup_or_the_logs_after_a_sealed_sync(
    make_window, one_central_store, central_folder, os_keyring, debug_log, tmp_path,
    own_data_folder,
):  # fmt: skip
    window = make_window("LX01")
    site_settings.save(window, "主管", {"sync.password": PASSWORD})
    _settle(window, person(3), "A-1", datetime(2026, 3, 1, 8), "100000.00", "30000.00")
    report = run_once(window, central_folder, now=NOW)
    assert report.ok and report.packages
    assert all(is_encrypted(p.read_bytes()) for p in (central_folder / "inbox").rglob("*.gz"))
    assert ingest(one_central_store, central_folder, now=NOW, password=PASSWORD).problems == []
    database = Path(window.engine.url.database)
    copy = backup_now(database, tmp_path / "backups", now=NOW)
    window.close()

    assert PASSWORD in os_keyring._entries().values()  # kept where it belongs
    assert debug_log.is_file()
    searched = [database.parent, copy.parent, debug_log.parent, own_data_folder, central_folder]
    for root in searched:
        assert _files_holding(root, PASSWORD) == [], root
    # The audit trail says it changed, never what to.
    with one_central_store.read() as session:
        assert PASSWORD not in str(session.execute(text("SELECT * FROM setting")).all())


def _old_store_with_a_password(path: Path) -> None:
    engine = make_engine(str(path))
    upgrade(engine, "0006")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO setting (key, value) VALUES ('sync_password', :p)"), {"p": PASSWORD}
        )
    engine.dispose()


def test_a_password_an_older_version_kept_moves_to_the_secret_store(tmp_path, os_keyring):
    path = tmp_path / "old.sqlite3"
    _old_store_with_a_password(path)
    store = open_store(path)
    try:
        with store.read() as session:
            rows = dict(session.execute(text("SELECT key, value FROM setting")).all())
        assert "sync_password" not in rows and PASSWORD not in rows.values()
        assert rows["sync_sealed"] == "true"
        kept = secret_store.get_secret(secret_store.SYNC_PASSWORD, store.store_id)
        assert kept == PASSWORD
        assert site_settings.get(store, "sync.password") == PASSWORD
    finally:
        store.close()
    assert PASSWORD.encode() not in path.read_bytes()


def test_without_a_secret_store_sealing_asks_at_every_sync(
    tmp_path, make_window, central_folder
):  # fmt: skip
    path = tmp_path / "old.sqlite3"
    _old_store_with_a_password(path)
    store = open_store(path)  # no backend: the password is dropped, sealing is remembered
    try:
        with store.read() as session:
            rows = dict(session.execute(text("SELECT key, value FROM setting")).all())
        assert "sync_password" not in rows and rows["sync_sealed"] == "true"
    finally:
        store.close()

    window = make_window("LX01")
    assert set_sync_password(window, PASSWORD) is False  # not kept anywhere
    with pytest.raises(site_settings.SettingError, match=r"^同步密码：本机没有可用的系统密码库"):
        site_settings.save(window, "主管", {"sync.password": "Another#Secret2026"})
    _settle(window, person(4), "A-2", datetime(2026, 3, 1, 8), "100000.00", "30000.00")
    refused = run_once(window, central_folder, now=NOW)
    assert not refused.ok and "同步文件须加密" in refused.error
    assert not list((central_folder / "inbox").rglob("*.gz"))  # nothing went unsealed
    assert run_once(window, central_folder, now=NOW, password=PASSWORD).ok
    sent = list((central_folder / "inbox").rglob("*.gz"))
    assert sent and all(is_encrypted(p.read_bytes()) for p in sent)
    database = window.engine.url.database
    fresh = make_window("LX02")
    fresh_database = fresh.engine.url.database
    window.close()
    fresh.close()

    def sync(*args, stdin="", db=database):
        return subprocess.run(
            [sys.executable, "-m", "app", "sync", "--db", db, *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )

    good = tmp_path / "bureau.txt"
    good.write_text(PASSWORD + "\n", "utf-8")
    told = sync("--password-file", str(good), "--status", db=fresh_database)
    assert told.returncode == 0 and "同步密码不保存" in told.stdout
    central = ("--once", "--central", str(central_folder))
    asked = sync(*central, "--password-stdin", stdin=PASSWORD)
    assert asked.returncode == 0, asked.stderr
    from_file = sync(*central, "--password-file", str(good))  # for this run only
    assert from_file.returncode == 0 and "同步文件将加密" not in from_file.stdout
    missing = sync(*central, "--password-stdin")
    assert missing.returncode == 2 and "同步密码" in missing.stderr
    for path in (database, fresh_database):
        assert PASSWORD.encode() not in Path(path).read_bytes()
