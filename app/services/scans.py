"""Scanned papers stored once by content: ``<data dir>/scans/<sha[:2]>/<sha256>``.

The same file attached twice (to two items, or two admissions) is one file on disk and one row.
The file is written (and synced) before the row that names it is committed, so a row never
points at a missing file; an interrupted attach can only leave an unreferenced file behind.
"""

import hashlib
import os
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from app.services.errors import ServiceError
from db.models import Scan

MAX_SCAN_BYTES = 50 * 1024 * 1024
_SIGNATURES = (
    (b"%PDF", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


def media_type(head: bytes) -> str | None:
    return next((kind for magic, kind in _SIGNATURES if head.startswith(magic)), None)


def scan_path(scans_dir: Path, sha256: str) -> Path:
    return scans_dir / sha256[:2] / sha256


def store_scan(session: Session, scans_dir: Path, source: Path) -> Scan:
    """Keep a copy of ``source`` (image or PDF) and return its row, reusing an identical one."""
    source = Path(source)
    if not source.is_file():
        raise ServiceError("scan", f"找不到文件：{source}")
    data = source.read_bytes()
    if len(data) > MAX_SCAN_BYTES:
        raise ServiceError("scan", "文件超过 50 MB，请降低扫描分辨率")
    kind = media_type(data[:8])
    if kind is None:
        raise ServiceError("scan", "只接受 JPG、PNG、TIFF 图片或 PDF 文件")
    sha256 = hashlib.sha256(data).hexdigest()
    target = scan_path(scans_dir, sha256)
    if not target.exists():
        write_atomically(target, data)
    scan = session.get(Scan, sha256)
    if scan is None:
        scan = Scan(
            sha256=sha256,
            size=len(data),
            media_type=kind,
            original_name=source.name[:255],
            stored_at=datetime.now(),
        )
        session.add(scan)
        session.flush()
    return scan


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` as ``target`` whole or not at all (synced, then renamed into place)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
