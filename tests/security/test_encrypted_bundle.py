"""An encrypted bundle cannot be read without the bureau's password and verifies with it."""

import subprocess
import sys

import pytest

from app.bundle.export import export_bundle
from app.bundle.manifest import verify_bundle
from app.encryption import EncryptionError, decrypt, encrypt, is_encrypted

PASSWORD = "医保局-2026-Q3-密钥"
BUNDLE = "TEZ01-taierzhuang-2026Q3.zip.enc"


def test_encrypt_round_trip_and_every_kind_of_damage_is_refused():
    data = bytes(range(256)) * 9000  # more than two chunks
    sealed = encrypt(data, PASSWORD)
    assert decrypt(sealed, PASSWORD) == data
    assert encrypt(data, PASSWORD) != sealed  # fresh salt and nonce every time
    with pytest.raises(EncryptionError, match="密码不正确"):
        decrypt(sealed, "another-password")
    flipped = bytearray(sealed)
    flipped[-100] ^= 1
    chunk = (1 << 20) + 16
    for broken in (bytes(flipped), sealed[:-1], sealed[: len(sealed) - (len(sealed) - 39) % chunk]):
        with pytest.raises(EncryptionError, match="已被改动或不完整"):
            decrypt(broken, PASSWORD)
    header_changed = bytearray(sealed)
    header_changed[20] ^= 1  # inside the salt: the key is another one
    with pytest.raises(EncryptionError):
        decrypt(bytes(header_changed), PASSWORD)
    with pytest.raises(EncryptionError, match="至少 8 个字符"):
        encrypt(data, "short")


def test_an_encrypted_bundle_needs_the_password(quarter, tmp_path):
    target = tmp_path / "stick"
    target.mkdir()
    report = export_bundle(
        quarter.store,
        quarter.policies,
        period_text="2026Q3",
        target_dir=target,
        encrypt_password=PASSWORD,
    )
    assert report.path.name == BUNDLE
    assert [p.name for p in target.iterdir()] == [BUNDLE]  # no plaintext copy on the stick
    raw = report.path.read_bytes()
    assert is_encrypted(raw) and b"manifest.json" not in raw and b"PK\x03\x04" not in raw

    locked = verify_bundle(report.path)
    assert not locked.ok and "此申报包已加密" in locked.problems[0]
    wrong = verify_bundle(report.path, "not-the-password")
    assert not wrong.ok and "密码不正确" in wrong.problems[0]
    opened = verify_bundle(report.path, PASSWORD)
    assert opened.ok, opened.problems
    assert opened.files_checked > len(quarter.slips)

    damaged = bytearray(raw)
    damaged[len(raw) // 2] ^= 0x40
    report.path.write_bytes(bytes(damaged))
    assert "已被改动" in verify_bundle(report.path, PASSWORD).problems[0]


def test_command_line_encrypted_export_and_verify(quarter, tmp_path):
    db = str(quarter.store.engine.url.database)
    quarter.store.close()
    target = tmp_path / "out"
    target.mkdir()
    key = tmp_path / "bureau.txt"
    key.write_text(PASSWORD + "\n", encoding="utf-8")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("guessed-password\n", encoding="utf-8")

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "app", *args],
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )

    done = run(
        "export-bundle", "--db", db, "--period", "2026Q3", "--to", str(target), "--encrypt",
        "--password-file", str(key),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    bundle = target / BUNDLE
    assert run("verify-bundle", str(bundle), "--password-file", str(key)).returncode == 0
    refused = run("verify-bundle", str(bundle), "--password-file", str(wrong))
    assert refused.returncode == 1 and "密码不正确" in refused.stderr
    no_password = run("verify-bundle", str(bundle))
    assert no_password.returncode != 0 and "未输入" in no_password.stderr
