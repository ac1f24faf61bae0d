"""Where the audit chain's key lives (issue 21, points 2 and 3): the OS's secret store, else a
key file only its owner can read in the user's data folder; never in the database. A copy of
the database on another computer cannot check or extend the keyed chain until the key is
imported."""

import os
import shutil
import stat
import subprocess
import sys

import pytest

from app import secret_store
from app.services import save_site
from db import open_store
from db.audit_chain import AuditKeyMissing


def _site(store):
    save_site(store, code="LX01", name="测试医院", facility="county",
              default_policy="lanxi", clerk="管理员")  # fmt: skip


def test_without_a_secret_store_the_key_is_a_file_only_its_owner_reads(
    tmp_path, own_data_folder, monkeypatch
):
    monkeypatch.delenv("ONESTOP_KEYS")  # the default place: the user's data folder
    path = tmp_path / "desk.sqlite3"
    store = open_store(path)
    _site(store)
    key = store.audit_key
    store.close()
    kept = own_data_folder / "keys" / f"{key.store_id}.key"
    assert kept.is_file() and stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700
    assert key.secret.hex().encode() not in path.read_bytes()


def test_with_a_secret_store_the_key_is_kept_there(tmp_path, own_data_folder, os_keyring):
    store = open_store(tmp_path / "desk.sqlite3")
    _site(store)
    key = store.audit_key
    store.close()
    assert not secret_store.key_file(key.store_id).exists()
    assert key.text() in os_keyring._entries().values()
    assert secret_store.load_audit_key(key.store_id) == key


def test_a_copy_on_another_computer_needs_the_key_imported(tmp_path, monkeypatch):
    path = tmp_path / "desk.sqlite3"
    store = open_store(path)
    _site(store)
    store.close()

    def cli(*args, keys):
        env = {**os.environ, "ONESTOP_KEYS": str(keys)}
        return subprocess.run(
            [sys.executable, "-m", "app", *args, "--db", str(copy)],
            capture_output=True, text=True, timeout=120, env=env,
        )  # fmt: skip

    copy = tmp_path / "elsewhere" / "desk.sqlite3"
    copy.parent.mkdir()
    shutil.copy(path, copy)
    exported = tmp_path / "audit.key"
    assert (
        cli(
            "audit", "key", "export", "--out", str(exported), keys=os.environ["ONESTOP_KEYS"]
        ).returncode
        == 0
    )
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600

    other = tmp_path / "other-computer"
    unchecked = cli("audit", "verify", keys=other)
    assert unchecked.returncode == 1 and "本机没有这个数据库的审计密钥" in unchecked.stderr
    monkeypatch.setenv("ONESTOP_KEYS", str(other))
    elsewhere = open_store(copy)
    with pytest.raises(AuditKeyMissing, match="什么也没有保存"):
        _site_changed(elsewhere)
    elsewhere.close()

    assert cli("audit", "key", "import", str(exported), keys=other).returncode == 0
    checked = cli("audit", "verify", keys=other)
    assert checked.returncode == 0, checked.stderr
    elsewhere = open_store(copy)
    _site_changed(elsewhere)
    elsewhere.close()


def _site_changed(store):
    save_site(store, code="LX01", name="测试医院（新）", facility="county",
              default_policy="lanxi", clerk="管理员")  # fmt: skip
