"""Change packages: gzip-compressed JSON lines, one header line then one change per line.

The header names the site, the window, the sequence range and the SHA-256 of the body (the
change lines as bytes, before compression). A package's id is ``<site>-<window>-<first>-<last>``
(sequence numbers zero-padded), its file ``<id>.jsonl.gz``: the same changes always travel
under the same name, so a package sent twice is recognised and taken in once.
"""

import gzip
import hashlib
import json
import re
import zlib
from dataclasses import dataclass

FORMAT = "onestop-sync/1"
SUFFIX = ".jsonl.gz"
_NAME = re.compile(r"^([A-Z][A-Z0-9]{1,9})-([0-9a-f]{8,32})-(\d{10})-(\d{10})\.jsonl\.gz$")
_JSON = {"ensure_ascii": False, "sort_keys": True, "separators": (",", ":")}


class PackageError(ValueError):
    """A package file that cannot be taken in; the message (Chinese) names the file and line."""


@dataclass(frozen=True)
class PackageName:
    site: str
    window: str
    first_seq: int
    last_seq: int

    @property
    def package_id(self) -> str:
        return f"{self.site}-{self.window}-{self.first_seq:010d}-{self.last_seq:010d}"

    @property
    def file_name(self) -> str:
        return self.package_id + SUFFIX


def parse_name(file_name: str) -> PackageName | None:
    """The package a file name stands for, or None if it is not a package's name."""
    match = _NAME.match(file_name)
    if match is None:
        return None
    site, window, first, last = match.groups()
    if int(first) < 1 or int(last) < int(first):
        return None
    return PackageName(site, window, int(first), int(last))


@dataclass(frozen=True)
class Package:
    name: PackageName
    header: dict
    records: list[dict]


def change_line(seq: int, body: str) -> str:
    """One change as a line: the outbox body (a JSON object) with its sequence number first."""
    return f'{{"seq":{seq},{body[1:]}'


def encode(name: PackageName, header: dict, lines: list[str]) -> tuple[bytes, str]:
    """The file's bytes and the body's SHA-256. ``header`` adds to the naming fields (e.g. the
    site's details); compression is deterministic, so the same changes give the same bytes."""
    body = "".join(line + "\n" for line in lines).encode("utf-8")
    digest = hashlib.sha256(body).hexdigest()
    head = {
        **header,
        "format": FORMAT,
        "site": name.site,
        "window": name.window,
        "first_seq": name.first_seq,
        "last_seq": name.last_seq,
        "changes": len(lines),
        "body_sha256": digest,
    }
    text = json.dumps(head, **_JSON).encode("utf-8") + b"\n" + body
    return gzip.compress(text, compresslevel=6, mtime=0), digest


def decode(data: bytes, file_name: str) -> Package:
    """Read and check a package: name, header, hash, and every sequence number in order."""
    name = parse_name(file_name)
    if name is None:
        raise PackageError(
            f"{file_name}：文件名不是变更包的格式（站点-窗口-起始序号-结束序号.jsonl.gz）"
        )
    try:
        raw = gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise PackageError(f"{file_name}：不是完整的 gzip 文件（{exc}）") from None
    head, _, body = raw.partition(b"\n")
    try:
        header = json.loads(head.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageError(f"{file_name} 第1行（文件头）：不是 JSON（{exc}）") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise PackageError(f"{file_name} 第1行（文件头）：format 应为 {FORMAT}")
    for key, wanted in (
        ("site", name.site),
        ("window", name.window),
        ("first_seq", name.first_seq),
        ("last_seq", name.last_seq),
    ):
        if header.get(key) != wanted:
            raise PackageError(
                f"{file_name} 第1行（文件头）：{key} 为 {header.get(key)!r}，与文件名不符（{wanted!r}）"
            )
    if hashlib.sha256(body).hexdigest() != header.get("body_sha256"):
        raise PackageError(f"{file_name}：内容的 SHA-256 与文件头不符，文件已损坏，需重新发送")
    records = []
    expected = name.first_seq
    for line_number, line in enumerate(body.split(b"\n")[:-1], start=2):
        try:
            record = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise PackageError(f"{file_name} 第{line_number}行：不是 JSON（{exc}）") from None
        if not isinstance(record, dict) or record.get("seq") != expected:
            got = record.get("seq") if isinstance(record, dict) else None
            raise PackageError(f"{file_name} 第{line_number}行：序号应为 {expected}，实为 {got}")
        records.append(record)
        expected += 1
    if expected != name.last_seq + 1:
        raise PackageError(
            f"{file_name}：应有 {name.last_seq - name.first_seq + 1} 条变更，实有 {len(records)} 条"
        )
    return Package(name, header, records)
