"""Writing a bundle to a USB stick or a network share so that it is either whole or absent.

Every file goes under a hidden staging name and is read back and checked against the manifest;
the staging copy is then made durable (``app.bundle.durable``: one ``syncfs`` on Linux, every
file fsynced elsewhere), and only then renamed to the final name (and the folder fsynced). An
export's reports and manifest are written last: the case files are synced while they are made,
and what was written after them synced on its own. A failure at any point removes the staging
copy and raises ``TargetError`` with a Chinese message saying what went wrong with the target
and that a retry is safe.

The read-back reads what the file system gives back for each file just written: the bytes it
took, checked against the hash the manifest lists (for a scan or a slip, the hash the store
kept it under). Straight after writing they come from the system's cache, not from the stick;
what the stick itself failed to write is reported by the sync, which the rename waits for.

A process killed mid-write leaves its staging copy behind. Staging names start with
``.未完成请勿使用-`` (a bundle replaced by a new export: ``.旧版待删除-``) and a random part before
the bundle's name, so no one takes them for a bundle; ``verify-bundle`` refuses them, and the
next export to the same target removes them (``clean_leftovers``).
"""

import errno
import hashlib
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from app.bundle.contents import (
    Content,
    SourceFile,
    content_of,
    read_back,
    write_unsynced,
)
from app.bundle.contents import write_synced as write_synced
from app.bundle.durable import fsync_path, sync_all
from app.bundle.zipfiles import deterministic_zip
from app.paths import why_unwritable

RENAME_ATTEMPTS = 8
READ_BACK_FAILED = "回读校验失败"
RENAME_PAUSE_SECONDS = 0.25


class TargetError(Exception):
    """The target could not take the bundle; nothing that looks complete was left there."""


# Writes one file of a staging copy: bytes, or a file to copy (``Content``).
WriteFile = Callable[[Path, Content], None]
# Called after each file is written and after each is read back and checked.
Advance = Callable[[], None]


# Called once the staging copy is whole and checked, just before it is renamed into place:
# (final path, its fingerprint). The export records its claim there, so that a kill right after
# the rename can be reconciled with what landed (``fingerprint``).
OnStaged = Callable[[Path, str], None]

STAGING = "未完成请勿使用"
REPLACED = "旧版待删除"
# Leftovers of other bundles are removed once this old: a window exporting another bundle to
# the same share at this moment keeps its staging copy.
STALE_SECONDS = 3600
_LEFTOVER = re.compile(
    rf"^\.(?:(?:{STAGING}|{REPLACED})-[0-9a-f]{{8}}-(?P<name>.+)"
    r"|(?P<legacy>.+)\.(?:partial|old)-[0-9a-f]{8})$"
)


def _staging_path(target_dir: Path, final_name: str) -> Path:
    return target_dir / f".{STAGING}-{uuid.uuid4().hex[:8]}-{final_name}"


def leftover_of(path: Path) -> str | None:
    """The final name whose staging (or replaced) copy ``path`` is, or None for any other."""
    match = _LEFTOVER.match(Path(path).name)
    if match is None:
        return None
    return match.group("name") or match.group("legacy")


def staging_problem(path: Path) -> str | None:
    """Why ``path`` is not a bundle to check or hand in: it is an export's staging copy."""
    name = leftover_of(path)
    if name is None:
        return None
    return (
        f"这不是申报包，而是一次未完成（或被替换）的导出留下的临时副本：{Path(path).name}。"
        f"请勿使用；请重新导出 {name}，导出时会自动清除它。"
    )


def clean_leftovers(target_dir: Path, name: str, now: float | None = None) -> list[Path]:
    """Remove what killed exports left in ``target_dir``: every staging copy of bundle
    ``name`` (any form: folder, .zip, .zip.enc), and those of other bundles once stale. A
    bundle replaced by an export killed between its two renames is put back first."""
    if not target_dir.is_dir():
        return []
    now = time.time() if now is None else now
    removed: list[Path] = []
    for path in sorted(target_dir.iterdir()):
        final_name = leftover_of(path)
        if final_name is None:
            continue
        mine = final_name == name or final_name.startswith(f"{name}.zip")
        try:
            if not mine and now - path.lstat().st_mtime < STALE_SECONDS:
                continue
            final = target_dir / final_name
            if path.name.startswith(f".{REPLACED}-") and not final.exists():
                os.replace(path, final)  # the new copy never landed: the old one is the bundle
                continue
        except OSError:
            continue
        _remove(path)
        removed.append(path)
    return removed


def fingerprint(final: Path) -> str | None:
    """What identifies a landed bundle: the SHA-256 of its manifest (a folder) or of the whole
    file (a ZIP, sealed or not); None if nothing is there."""
    try:
        data = (final / "manifest.json" if final.is_dir() else final).read_bytes()
    except OSError:
        return None
    return hashlib.sha256(data).hexdigest()


def failure_reason(exc: OSError) -> str:
    """What went wrong with the target, in Chinese (a full disk, a pulled stick, …)."""
    if isinstance(exc.strerror, str) and exc.strerror.startswith(READ_BACK_FAILED):
        return f"{exc.strerror}（读回的内容与清单不符，目标设备可能有问题）"
    return why_unwritable(exc)


def explain(exc: OSError, target: Path) -> str:
    return (
        f"导出到 {target} 失败：{failure_reason(exc)}。"
        "未留下完整的申报包，也未标记为已申报；处理后可直接重试。"
    )


def replace_with_retries(source: Path, target: Path) -> None:
    """os.replace, retried: on Windows a virus scanner or indexer may hold a fresh file open."""
    for attempt in range(RENAME_ATTEMPTS):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if attempt == RENAME_ATTEMPTS - 1:
                raise
            time.sleep(RENAME_PAUSE_SECONDS * (attempt + 1))


def _remove(path: Path) -> None:
    try:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    except OSError:
        pass  # best effort: a hidden, incomplete staging name is harmless and retried over


def _check(data: bytes, expected: Mapping[str, object], name: str) -> None:
    if len(data) != expected["size"] or hashlib.sha256(data).hexdigest() != expected["sha256"]:
        raise OSError(errno.EIO, f"{READ_BACK_FAILED}：{name}")


def _nothing() -> None:
    pass


# Files written (and each read back) at once: a copy waits in the system, the check hashes.
WRITERS = 2


def _check_copy(path: Path, source: SourceFile, relative: str) -> None:
    """A copied file read back against the hash its source was kept under; when it differs,
    the source decides whose fault it is (``SourceError`` if it is damaged itself)."""
    try:
        written = read_back(path, source.size)
        _check(written, {"size": source.size, "sha256": source.sha256}, relative)
    except OSError:
        source.read()
        raise


def _write_all(
    files: Mapping[str, Content], staging: Path, write_file: WriteFile, advance: Advance
) -> None:
    """Write every file under ``staging``, and read each copied file back at once against
    the hash it was kept under (the others are checked against the manifest, ``_check_made``).
    The first failure is raised once every write has stopped."""
    from concurrent.futures import ThreadPoolExecutor

    def write(relative: str, value: Content) -> None:
        write_file(staging / relative, value)
        advance()
        if isinstance(value, SourceFile):
            _check_copy(staging / relative, value, relative)
            advance()

    # Each writer takes the next file in turn until none is left or one has failed: a
    # quarter's thousands of small files cost less this way than a task each, whose
    # hand-overs between threads took longer than the files' own copy and check.
    queue = iter(files.items())
    taking = threading.Lock()
    failed = threading.Event()

    def writer() -> None:
        while not failed.is_set():
            with taking:
                item = next(queue, None)
            if item is None:
                return
            try:
                write(*item)
            except BaseException:
                failed.set()
                raise

    with ThreadPoolExecutor(WRITERS, thread_name_prefix="bundle-write") as pool:
        writers = [pool.submit(writer) for _ in range(WRITERS)]
    for done in writers:
        done.result()


def _check_made(
    files: Mapping[str, Content], staging: Path, manifest: Mapping, advance: Advance
) -> None:
    """Read back every written file that was not a copy, against the manifest."""
    expected = {entry["path"]: entry for entry in manifest["files"]}
    for relative, value in files.items():
        if isinstance(value, SourceFile):
            continue
        if relative in expected:
            _check((staging / relative).read_bytes(), expected[relative], relative)
        advance()


def _staged_paths(staging: Path, files: Mapping[str, Content]) -> Iterator[Path]:
    """Every file of a staging copy, every folder holding one, and the copy itself: made
    when asked for (one ``syncfs`` needs none of them), from the relative names (through
    ``Path`` objects, a quarter's 6,000 files took a third of a second)."""
    folders: set[str] = set()
    for relative in files:
        yield staging / relative
        parts = relative.split("/")
        folders.update("/".join(parts[:depth]) for depth in range(1, len(parts)))
    for folder in sorted(folders):
        yield staging / folder
    yield staging


# Made while the files written before it are synced (the export's reports, and the manifest
# that lists them): the files to write last, and the manifest of every file.
MakeLast = Callable[[], tuple[Mapping[str, Content], Mapping]]


def _made_while_synced(
    last: MakeLast, staging: Path, written: Mapping[str, Content]
) -> tuple[Mapping[str, Content], Mapping]:
    """``last()``, run while what is ``written`` is synced on another thread (a sync waits
    for the disk and leaves the interpreter free); the sync's error is raised after it."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="bundle-sync-first") as pool:
        syncing = pool.submit(sync_all, staging, _staged_paths(staging, written))
        try:
            made = last()
        finally:
            failed = syncing.exception()  # waits: the staging copy may be removed after
        if failed is not None:
            raise failed
    return made


def write_folder(
    files: Mapping[str, Content],
    manifest: Mapping | None,
    target_dir: Path,
    name: str,
    write_file: WriteFile = write_unsynced,
    *,
    last: MakeLast | None = None,
    on_staged: OnStaged | None = None,
    advance: Advance = _nothing,
) -> Path:
    """Write ``files`` (relative path -> bytes, or a file to copy) as ``target_dir/name/`` and
    return its path. ``SourceError`` if a file to copy is gone or damaged (nothing left).

    With ``last`` (and no ``manifest``), what it makes is written after ``files``: made while
    ``files`` are synced, then synced itself, so the disk's wait and the making overlap. Nothing
    is renamed into place before both syncs have returned."""
    final = target_dir / name
    staging = _staging_path(target_dir, name)
    try:
        if not target_dir.is_dir():
            raise FileNotFoundError(errno.ENOENT, "目标文件夹不存在", str(target_dir))
        _write_all(files, staging, write_file, advance)
        if last is not None:
            more, manifest = _made_while_synced(last, staging, files)
            _write_all(more, staging, write_file, advance)
            files = {**files, **more}
            synced_later = more
        else:
            synced_later = files
        _check_made(files, staging, manifest, advance)
        sync_all(staging, _staged_paths(staging, synced_later))
        if on_staged is not None:
            on_staged(final, fingerprint(staging))
        old = target_dir / f".{REPLACED}-{uuid.uuid4().hex[:8]}-{name}"
        if final.exists():
            replace_with_retries(final, old)
        replace_with_retries(staging, final)
        fsync_path(target_dir)
        _remove(old)
    except OSError as exc:
        _remove(staging)
        raise TargetError(explain(exc, target_dir)) from exc
    except BaseException:  # a file to copy damaged, a report that failed: nothing is left
        _remove(staging)
        raise
    return final


# Already compressed (scans, slips, the reports): deflating them again takes the processor
# far longer than writing them and saves next to nothing.
COMPRESSED_SUFFIXES = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".xlsx"})


def worth_compressing(member: str) -> bool:
    return Path(member).suffix.lower() not in COMPRESSED_SUFFIXES


def write_zip(
    files: Mapping[str, Content],
    manifest: Mapping | None,
    target_dir: Path,
    name: str,
    write_file: WriteFile = write_unsynced,
    *,
    password: str | None = None,
    last: MakeLast | None = None,
    on_staged: OnStaged | None = None,
    advance: Advance = _nothing,
) -> Path:
    """Write ``files`` as one ZIP ``target_dir/name.zip`` (members under ``name/``); with
    ``password``, sealed for the bureau as ``name.zip.enc``, so no plaintext copy touches the
    target and the read-back check decrypts it. ``last`` (instead of ``manifest``) is made
    first and its files packed after ``files``: the archive is written in one piece."""
    import io
    import zipfile

    from app.encryption import SUFFIX, EncryptionError, decrypt, encrypt

    if last is not None:
        more, manifest = last()
        files = {**files, **more}
    final = target_dir / (f"{name}.zip{SUFFIX}" if password else f"{name}.zip")
    staging = _staging_path(target_dir, final.name)

    def packed():
        for relative, value in files.items():
            yield f"{name}/{relative}", content_of(value)
            advance()

    archive = deterministic_zip(packed(), compress=worth_compressing)
    expected = {entry["path"]: entry for entry in manifest["files"]}
    # Sealed before the target is touched: a password too short is the caller's error, not
    # the target's.
    payload = encrypt(archive, password) if password else archive
    try:
        if not target_dir.is_dir():
            raise FileNotFoundError(errno.ENOENT, "目标文件夹不存在", str(target_dir))
        write_file(staging, payload)
        fsync_path(staging)
        written_bytes = staging.read_bytes()
        if password:
            written_bytes = decrypt(written_bytes, password)
        with zipfile.ZipFile(io.BytesIO(written_bytes)) as written:
            for relative in files:
                if relative in expected:
                    _check(written.read(f"{name}/{relative}"), expected[relative], relative)
                advance()
        if on_staged is not None:
            on_staged(final, hashlib.sha256(payload).hexdigest())
        replace_with_retries(staging, final)
        fsync_path(target_dir)
    except (OSError, zipfile.BadZipFile, EncryptionError) as exc:
        _remove(staging)
        if not isinstance(exc, OSError):
            exc = OSError(errno.EIO, str(exc))
        raise TargetError(explain(exc, target_dir)) from exc
    return final
