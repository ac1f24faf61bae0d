"""Files only the bureau can open: AES-256-GCM under a key from the bureau's password.

Layout (version 1)::

    "ONESTOP-ENC" (11 bytes) | version 1 | log2(N) | r | p  (scrypt) | salt (16)
    | nonce prefix (7) | log2(chunk size) | chunks

The key is scrypt(password, salt, N=2**17, r=8, p=1) — OWASP's recommended minimum — and the
data is sealed in 1 MiB chunks (a single GCM message is limited in size), each with the nonce
``prefix | chunk number (4 bytes) | last-chunk flag`` and the whole header as associated data:
a changed header, a reordered, altered or missing chunk, or a cut-off end all fail to open.
Salt and nonce prefix are random for every file.
"""

import os
import struct
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"ONESTOP-ENC"
VERSION = 1
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 17, 8, 1
# What a file may ask of the reader's memory and time (a crafted header cannot exhaust it).
_MAX_LOG2_N, _MAX_R, _MAX_P = 20, 16, 4
CHUNK_LOG2 = 20
SALT_BYTES, PREFIX_BYTES, TAG_BYTES = 16, 7, 16
_HEADER = struct.Struct(f"{len(MAGIC)}sBBBB{SALT_BYTES}s{PREFIX_BYTES}sB")
SUFFIX = ".enc"
MIN_PASSWORD = 8


class EncryptionError(Exception):
    """A file that cannot be opened or made; the message is Chinese and says why."""


def is_encrypted(data_or_path: bytes | Path) -> bool:
    if isinstance(data_or_path, bytes | bytearray):
        return bytes(data_or_path[: len(MAGIC)]) == MAGIC
    path = Path(data_or_path)
    if not path.is_file():
        return False
    with open(path, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def _key(password: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    if not password:
        raise EncryptionError("未提供密码：加密文件须用医保局持有的密码打开")
    kdf = Scrypt(salt=salt, length=32, n=2**log2_n, r=r, p=p)
    return kdf.derive(password.encode("utf-8"))


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", index, 1 if last else 0)


def encrypt(data: bytes, password: str) -> bytes:
    """``data`` sealed with ``password`` (at least 8 characters)."""
    if len(password or "") < MIN_PASSWORD:
        raise EncryptionError(f"加密密码至少 {MIN_PASSWORD} 个字符")
    salt, prefix = os.urandom(SALT_BYTES), os.urandom(PREFIX_BYTES)
    header = _HEADER.pack(
        MAGIC, VERSION, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P, salt, prefix, CHUNK_LOG2
    )
    cipher = AESGCM(_key(password, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P))
    size = 1 << CHUNK_LOG2
    starts = range(0, max(len(data), 1), size)
    parts = [header]
    for index, start in enumerate(starts):
        last = index == len(starts) - 1
        chunk = data[start : start + size]
        parts.append(cipher.encrypt(_nonce(prefix, index, last), chunk, header))
    return b"".join(parts)


def decrypt(sealed: bytes, password: str) -> bytes:
    """The data ``encrypt`` sealed; ``EncryptionError`` for a wrong password or a changed file."""
    if not is_encrypted(sealed):
        raise EncryptionError("不是本系统的加密文件")
    if len(sealed) < _HEADER.size:
        raise EncryptionError("加密文件不完整（文件头被截断）")
    _, version, log2_n, r, p, salt, prefix, chunk_log2 = _HEADER.unpack_from(sealed)
    if version != VERSION:
        raise EncryptionError(f"加密文件版本 {version} 不受支持，请升级本程序")
    if not (10 <= log2_n <= _MAX_LOG2_N and 1 <= r <= _MAX_R and 1 <= p <= _MAX_P) or not (
        12 <= chunk_log2 <= 24
    ):
        raise EncryptionError("加密文件头已损坏")
    header = sealed[: _HEADER.size]
    cipher = AESGCM(_key(password, salt, log2_n, r, p))
    step = (1 << chunk_log2) + TAG_BYTES
    body = sealed[_HEADER.size :]
    if not body:
        raise EncryptionError("加密文件不完整（没有内容）")
    parts = []
    for index, start in enumerate(range(0, len(body), step)):
        last = start + step >= len(body)
        try:
            parts.append(
                cipher.decrypt(_nonce(prefix, index, last), body[start : start + step], header)
            )
        except InvalidTag:
            if index == 0:
                raise EncryptionError("密码不正确，或文件已被改动，无法打开") from None
            raise EncryptionError(f"加密文件已被改动或不完整（第 {index + 1} 段）") from None
    return b"".join(parts)


def decrypt_file(path: Path, password: str) -> bytes:
    return decrypt(Path(path).read_bytes(), password)


def read_password_file(path: Path) -> str:
    """The password in a file's first line (the bureau keeps it out of shell history)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise EncryptionError(f"无法读取密码文件 {path}：{exc.strerror or exc}") from None
    lines = text.splitlines()
    if not lines or not lines[0]:
        raise EncryptionError(f"密码文件 {path} 的第一行为空")
    return lines[0]
