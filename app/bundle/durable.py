"""Making the files of a staging copy durable in one go, after they have been written.

A bundle's files are written without waiting for the disk, then made durable together before
the staging copy is renamed into place (an export's in two parts: its case files while its
reports are made, then those). On Linux (5.8 or later) that is one ``syncfs`` of the
target's file system: a single flush, and it reports a write-back error of any file there.
Elsewhere (Windows, an older Linux) every file and folder is fsynced, several at once, so the
file system can take them in one journal commit and a stick in one flush instead of one each;
so is a network share (a share's client sends its server a flush for an fsync, not for a
``syncfs``). Either way, nothing is renamed until the disk holds it.
"""

import ctypes
import os
import platform
import re
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# fsyncs in flight at once where each file is synced on its own
SYNCERS = 8
# syncfs reports write-back errors from Linux 5.8 on; before it, it may return 0 after one
SYNCFS_FROM = (5, 8)


def _linux_syncfs():
    if sys.platform != "linux":
        return None
    found = re.match(r"(\d+)\.(\d+)", platform.release())
    if found is None or (int(found[1]), int(found[2])) < SYNCFS_FROM:
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int
    return function


_syncfs = _linux_syncfs()
NETWORK_FILE_SYSTEMS = frozenset(
    {"cifs", "smb3", "smbfs", "nfs", "nfs4", "ceph", "9p", "afs", "fuse.sshfs", "davfs"}
)
_ESCAPED = re.compile(r"\\([0-7]{3})")  # /proc/self/mounts writes a space as \040


def file_system_type(path: Path) -> str | None:
    """The type of the Linux file system ``path`` is on (``ext4``, ``vfat``, ``cifs``…), from
    the mount table; None where it cannot be read."""
    try:
        table = Path("/proc/self/mounts").read_text("utf-8", errors="surrogateescape")
    except OSError:
        return None
    where = str(Path(path).resolve())
    found, found_type = "", None
    for line in table.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        mount = _ESCAPED.sub(lambda match: chr(int(match[1], 8)), fields[1])
        inside = where == mount or where.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= len(found):
            found, found_type = mount, fields[2]
    return found_type


def _one_flush_for_all(root: Path) -> bool:
    if _syncfs is None:
        return False
    kind = file_system_type(root)
    return kind is not None and kind not in NETWORK_FILE_SYSTEMS


def fsync_path(path: Path) -> None:
    """fsync one file, or one folder where the system can (Windows cannot open a folder to
    fsync it; NTFS journals what it holds)."""
    if os.name == "nt" and path.is_dir():
        return
    # Windows flushes a file (FlushFileBuffers) only through a handle that may write to it.
    flags = os.O_RDWR | getattr(os, "O_BINARY", 0) if os.name == "nt" else os.O_RDONLY
    descriptor = os.open(path, flags)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def sync_all(root: Path, paths: Iterable[Path]) -> None:
    """Wait until ``paths`` (files and the folders holding them, all under ``root``) are on
    the disk; ``OSError`` if any could not be written."""
    if _one_flush_for_all(root):
        descriptor = os.open(root, os.O_RDONLY)
        try:
            if _syncfs(descriptor) != 0:
                number = ctypes.get_errno()
                raise OSError(number, os.strerror(number), str(root))
        finally:
            os.close(descriptor)
        return
    with ThreadPoolExecutor(SYNCERS, thread_name_prefix="bundle-sync") as pool:
        for done in [pool.submit(fsync_path, path) for path in paths]:
            done.result()
