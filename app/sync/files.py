"""Writing one file into the central folder so that it is either whole or absent.

The bytes go under a hidden staging name (``.<name>.partial-<host>-<pid>-<random>``: unique to
the writing process and attempt), are fsynced and read back, and only then renamed to the final
name (and the folder fsynced): the same steps as claim bundles, with their helpers. Readers
ignore staging names; ``remove_partials`` clears those a killed writer left behind, never one
another process (the window's timer, a scheduled ``sync --once``) is still writing.
"""

import contextlib
import errno
import hashlib
import os
import re
import socket
import sys
import time
import uuid
from pathlib import Path

from app.bundle.durable import fsync_path
from app.bundle.safe_write import TargetError, failure_reason, write_synced
from app.bundle.safe_write import replace_with_retries as replace

PARTIAL = ".partial-"
# A staging file this old is a killed writer's, whoever wrote it (another computer's too).
STALE_SECONDS = 3600
_WRITER = re.compile(r"\.partial-(?P<host>[0-9a-f]{6})-(?P<pid>\d+)-[0-9a-f]{8}$")

__all__ = ["TargetError", "is_partial", "remove_partials", "write_file", "write_synced"]


def is_partial(file_name: str) -> bool:
    return file_name.startswith(".") and PARTIAL in file_name


def _host_tag() -> str:
    """This computer, in staging names: a pid means nothing on another one."""
    return hashlib.sha256(socket.gethostname().encode("utf-8")).hexdigest()[:6]


def staging_name(name: str) -> str:
    return f".{name}{PARTIAL}{_host_tag()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this computer (a reused pid counts as alive)."""
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _windows_process_alive(pid: int) -> bool:
    # os.kill on Windows would terminate the process: ask for its exit code instead.
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    query_limited_information, still_active, access_denied = 0x1000, 259, 5
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:
        return ctypes.get_last_error() == access_denied
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == still_active
    finally:
        kernel32.CloseHandle(handle)


def _writer_gone(file_name: str) -> bool:
    """The staging file was written by a process of this computer that has ended."""
    match = _WRITER.search(file_name)
    if match is None or match.group("host") != _host_tag():
        return False
    return not process_alive(int(match.group("pid")))


def reason(exc: OSError) -> str:
    """Why reading or writing the central folder failed, in Chinese."""
    return failure_reason(exc)


def write_file(folder: Path, name: str, data: bytes) -> Path:
    """Write ``folder/name`` safely; ``TargetError`` (nothing final left) if it cannot."""
    final = folder / name
    staging = folder / staging_name(name)
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


def remove_partials(folder: Path, prefix: str = "", older_than: float = STALE_SECONDS) -> list[str]:
    """Delete staging files in ``folder`` whose final name starts with ``prefix``, written more
    than ``older_than`` seconds ago or by a process of this computer that has ended; returns
    their names. Another process's file still being written is left to it."""
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
            if now - path.stat().st_mtime >= older_than or _writer_gone(path.name):
                path.unlink()
                removed.append(path.name)
        except OSError:
            continue  # gone already, or held open by its writer: next time
    return removed
