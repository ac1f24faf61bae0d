"""ZIP archives whose bytes depend only on their contents (fixed timestamps and order), so
exporting the same data twice gives the same hashes."""

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def deterministic_zip(
    entries: Iterable[tuple[str, bytes]], *, compress: bool | Callable[[str], bool] = True
) -> bytes:
    """``compress``: deflate every member, none, or those it says yes to (by name)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            deflate = compress(name) if callable(compress) else compress
            info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def normalise_office_file(
    data: bytes, stamp: str, rewrite: Mapping[str, Callable[[bytes], bytes]] = MappingProxyType({})
) -> bytes:
    """Re-pack an .xlsx written by openpyxl with ``stamp`` (ISO time) as its created and
    modified dates and fixed ZIP timestamps; openpyxl takes both from the clock. ``rewrite``:
    part name -> what to make of its bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = []
        for info in archive.infolist():
            content = archive.read(info)
            if info.filename in rewrite:
                content = rewrite[info.filename](content)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(rb"\g<1>" + stamp.encode() + rb"\g<3>", content)
            entries.append((info.filename, content))
    return deterministic_zip(entries)
