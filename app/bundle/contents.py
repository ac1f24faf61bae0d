"""What a bundle's files hold (bytes, or a file of the data folder to copy) and how each is
written into a staging copy (``app.bundle.safe_write`` makes the copy whole or absent)."""

import hashlib
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from app.bundle.durable import fsync_path


class SourceError(Exception):
    """A file to copy into the bundle is gone or no longer what the store kept (the
    store's problem, not the target's): the message names it."""


@dataclass(frozen=True)
class SourceFile:
    """A file copied into the bundle from the data folder (a scan, an archived slip), read
    only when written; kept under its SHA-256, so the manifest needs no read of it."""

    path: Path
    sha256: str
    size: int
    missing: str  # the message if it is gone or damaged, naming it for the clerk

    def read(self) -> bytes:
        try:
            data = self.path.read_bytes()
        except OSError:
            raise SourceError(f"{self.missing}文件丢失：{self.path}") from None
        if len(data) != self.size or hashlib.sha256(data).hexdigest() != self.sha256:
            raise SourceError(f"{self.missing}文件已损坏（与保存时的哈希不符）：{self.path}")
        return data


# bytes, or a file to copy
Content = bytes | SourceFile


def content_of(value: Content) -> bytes:
    if isinstance(value, SourceFile):
        return value.read()
    return value


_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
# The system copies a file without the interpreter: Linux's sendfile takes two regular files.
_SENDFILE = sys.platform == "linux" and hasattr(os, "sendfile")


def _create(path: Path) -> int:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY
    try:
        return os.open(path, flags, 0o644)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, flags, 0o644)


def _copy(source: SourceFile, path: Path) -> None:
    """``source`` copied to ``path`` by the system, in as few calls as it can be (each call
    back into the interpreter may wait for the other writer's thread). One byte more than kept
    is asked for, so a source grown since is seen by the check."""
    try:
        reading = os.open(source.path, os.O_RDONLY | _BINARY)
    except OSError:
        raise SourceError(f"{source.missing}文件丢失：{source.path}") from None
    try:
        writing = _create(path)
        try:
            if not _SENDFILE:
                with (
                    open(reading, "rb", closefd=False) as old,
                    open(writing, "wb", closefd=False) as new,
                ):
                    shutil.copyfileobj(old, new, 1 << 20)
                return
            copied = 0
            while copied <= source.size:
                sent = os.sendfile(writing, reading, copied, source.size + 1 - copied)
                if not sent:
                    break
                copied += sent
        finally:
            os.close(writing)
    finally:
        os.close(reading)


def read_back(path: Path, size: int) -> bytes:
    """The file at ``path``, up to one byte more than the ``size`` it should have."""
    descriptor = os.open(path, os.O_RDONLY | _BINARY)
    try:
        data = b""
        while len(data) <= size:
            chunk = os.read(descriptor, size + 1 - len(data))
            if not chunk:
                break
            data += chunk
        return data
    finally:
        os.close(descriptor)


def write_unsynced(path: Path, data: Content) -> None:
    """Write one file of a staging copy (a file to copy is copied by the system, never read
    here), without waiting for the disk: the copy is made durable as a whole."""
    if isinstance(data, SourceFile):
        _copy(data, path)
        return
    descriptor = _create(path)
    with open(descriptor, "wb") as handle:
        handle.write(content_of(data))


def write_synced(path: Path, data: Content) -> None:
    """Write one file and wait until it is on the disk (a sync package, a test's target)."""
    if isinstance(data, SourceFile):
        _copy(data, path)
        fsync_path(path)
        return
    with open(_create(path), "wb") as handle:
        handle.write(content_of(data))
        handle.flush()
        os.fsync(handle.fileno())
