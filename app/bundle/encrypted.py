"""An encrypted bundle: the ZIP sealed with the bureau's password, written as
``<bundle>.zip.enc`` with the same care as a plain one (staging name, fsync, read back and
checked against the manifest, then renamed into place). No plaintext copy touches the target.
"""

import errno
import io
import uuid
import zipfile
from collections.abc import Mapping
from pathlib import Path

from app.bundle.safe_write import (
    TargetError,
    WriteFile,
    _check,
    _remove,
    explain,
    fsync_dir,
    replace_with_retries,
    write_synced,
)
from app.bundle.zipfiles import deterministic_zip
from app.encryption import SUFFIX, EncryptionError, decrypt, encrypt


def write_encrypted_zip(
    files: Mapping[str, bytes],
    manifest: Mapping,
    target_dir: Path,
    name: str,
    write_file: WriteFile = write_synced,
    *,
    password: str,
) -> Path:
    final = target_dir / f"{name}.zip{SUFFIX}"
    staging = target_dir / f".{final.name}.partial-{uuid.uuid4().hex[:8]}"
    expected = {entry["path"]: entry for entry in manifest["files"]}
    archive = deterministic_zip(
        ((f"{name}/{relative}", data) for relative, data in files.items()), compress=True
    )
    sealed = encrypt(archive, password)
    try:
        if not target_dir.is_dir():
            raise FileNotFoundError(errno.ENOENT, "目标文件夹不存在", str(target_dir))
        write_file(staging, sealed)
        opened = decrypt(staging.read_bytes(), password)
        with zipfile.ZipFile(io.BytesIO(opened)) as written:
            for relative in files:
                if relative in expected:
                    _check(written.read(f"{name}/{relative}"), expected[relative], relative)
        replace_with_retries(staging, final)
        fsync_dir(target_dir)
    except (OSError, zipfile.BadZipFile, EncryptionError) as exc:
        _remove(staging)
        if not isinstance(exc, OSError):
            exc = OSError(errno.EIO, str(exc))
        raise TargetError(explain(exc, target_dir)) from exc
    return final
