"""Writing one file into the central folder so that it is either whole or absent.

The bytes go under a hidden staging name (``.<name>.partial-<random>``), are fsynced and read
back, and only then renamed to the final name (and the folder fsynced): the same steps as
claim bundles, with their helpers. Readers ignore staging names; ``remove_partials`` clears
those a killed writer left behind.
"""

import contextlib
import errno
import time
import uuid
from pathlib import Path

from app.bundle.durable import fsync_path
from app.bundle.safe_write import TargetError, failure_reason, write_synced
from app.bundle.safe_write import replace_with_retries as replace

PARTIAL = ".partial-"

__all__ = ["TargetError", "is_partial", "remove_partials", "write_file", "write_synced"]


def is_partial(file_name: str) -> bool:
    return file_name.startswith(".") and PARTIAL in file_name


def reason(exc: OSError) -> str:
    """Why reading or writing the central folder failed, in Chinese."""
    return failure_reason(exc)


def write_file(folder: Path, name: str, data: bytes) -> Path:
    """Write ``folder/name`` safely; ``TargetError`` (nothing final left) if it cannot."""
    final = folder / name
    staging = folder / f".{name}{PARTIAL}{uuid.uuid4().hex[:8]}"
    try:
        if not folder.is_dir():
            raise FileNotFoundError(errno.ENOENT, "目标文件夹不存在", str(folder))
        write_synced(staging, data)
        if staging.read_bytes() != data:
            raise OSError(errno.EIO, f"回读校验失败：{name}")
        replace(staging, final)
        fsync_path(folder)
    except OSError as exc:
        # A hidden staging name left behind is ignored by readers and cleared later.
        with contextlib.suppress(OSError):
            staging.unlink(missing_ok=True)
        raise TargetError(f"写入 {final} 失败：{reason(exc)}") from exc
    return final


def remove_partials(folder: Path, prefix: str = "", older_than: float = 0.0) -> list[str]:
    """Delete staging files in ``folder`` whose final name starts with ``prefix`` and that were
    last written more than ``older_than`` seconds ago; returns their names."""
    removed = []
    now = time.time()
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for path in entries:
        if not is_partial(path.name) or not path.name[1:].startswith(prefix):
            continue
        try:
            if now - path.stat().st_mtime >= older_than:
                path.unlink()
                removed.append(path.name)
        except OSError:
            continue  # gone already, or held open by its writer: next time
    return removed
