"""Password rules and hashing (argon2id).

``password_problems`` returns every rule a password breaks, each in Chinese naming the rule,
so a form can list them all at once. Hashes are argon2-cffi's argon2id with its default
parameters (RFC 9106 low-memory profile: 64 MiB, 3 passes, 4 lanes), above OWASP's minimum
(19 MiB, 2 passes, 1 lane).
"""

import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
# A bound keeps a pasted novel from tying up the hasher.
MAX_LENGTH = 128
MIN_CLASSES = 3
# The name check only applies to names this long: a one-letter name is in half of all words.
MIN_NAME_IN_PASSWORD = 3

HASHER = PasswordHasher()

_CLASSES = (
    ("小写字母", lambda c: c in string.ascii_lowercase),
    ("大写字母", lambda c: c in string.ascii_uppercase),
    ("数字", lambda c: c in string.digits),
    ("符号", lambda c: not c.isalnum() and not c.isspace()),
)


def password_problems(password: str, user_name: str = "") -> list[str]:
    """Every complexity rule ``password`` breaks (empty when it is acceptable)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"长度规则：至少 {MIN_LENGTH} 个字符（现为 {len(password)} 个）")
    if len(password) > MAX_LENGTH:
        problems.append(f"长度规则：不能超过 {MAX_LENGTH} 个字符")
    present = [label for label, test in _CLASSES if any(test(c) for c in password)]
    if len(present) < MIN_CLASSES:
        have = "、".join(present) or "无"
        problems.append(
            f"字符种类规则：小写字母、大写字母、数字、符号四类中至少含 {MIN_CLASSES} 类"
            f"（现有：{have}）"
        )
    name = (user_name or "").strip().casefold()
    if len(name) >= MIN_NAME_IN_PASSWORD and name in password.casefold():
        problems.append("用户名规则：密码不能包含用户名")
    if any(c in "\r\n\t" or not c.isprintable() for c in password):
        problems.append("字符规则：不能含换行、制表符等控制字符")
    return problems


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return False


_dummy: list[str] = []


def spend_verify_time(password: str) -> None:
    """Verify against a throw-away hash, so an unknown user name takes as long as a known one."""
    if not _dummy:
        _dummy.append(HASHER.hash("unused placeholder password"))
    verify_password(_dummy[0], password)
