"""Password rules and hashing (argon2id).

``password_problems`` returns every rule a password breaks, each in Chinese naming the rule,
so a form can list them all at once. Besides length and character classes, a password is
refused when it is a common one (``resources/common_passwords.txt``, compared in any case and
with @→a, 0→o and the like undone) or when more than half of it is made of such passwords,
keyboard runs (qwerty, 1qaz2wsx), sequences (abcdefg, 654321) or repeats (aaaa, 1212): the
class rules alone let "Abcdefgh12" and "P@ssw0rd1" through.

Hashes are argon2-cffi's argon2id with its default parameters (RFC 9106 low-memory profile:
64 MiB, 3 passes, 4 lanes), above OWASP's minimum (19 MiB, 2 passes, 1 lane).
"""

import string
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
# A bound keeps a pasted novel from tying up the hasher.
MAX_LENGTH = 128
MIN_CLASSES = 3
# The name check only applies to names this long: a one-letter name is in half of all words.
MIN_NAME_IN_PASSWORD = 3

HASHER = PasswordHasher()

COMMON_FILE = "common_passwords.txt"
# A common password inside a longer one counts from this length: shorter entries ("love",
# "root") would be found in half the passphrases there are.
MIN_COMMON_PART = 4
# Runs counted as patterns: keyboard walks from 4 keys, alphabet/number sequences from 3
# ("abc", "321"), one character 3 times over, a longer block twice ("1212", "abcabc").
MIN_KEYBOARD_RUN = 4
MIN_SEQUENCE = 3
MAX_REPEATED_BLOCK = 12  # longer blocks typed twice are long enough to stand on their own
_KEYBOARD = (
    "`1234567890-=",
    "~!@#$%^&*()_+",
    "qwertyuiop[]\\",
    "asdfghjkl;'",
    "zxcvbnm,./",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/",  # the columns, walked left to right
    "!qaz@wsx#edc$rfv%tgb^yhn&ujm*ik<(ol>)p:?",
    "qweasdzxcrtyfghvbnuiojklm,.",  # three-key blocks row by row
)
_KEYBOARD_BOTH_WAYS = _KEYBOARD + tuple(row[::-1] for row in _KEYBOARD)
# Symbols and digits typed for the letters they look like.
_UNLEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e",
                         "$": "s", "5": "s", "7": "t", "+": "t", "8": "b", "9": "g"})  # fmt: skip
# Examples (qwerty, 1qaz2wsx, 123456, P@ssw0rd …) are in the sign-in dialog's rules text:
# an error under a password field stays short enough to read whole.
COMMON_RULE = "常见密码规则：不能是常见密码，也不能大半由键盘排列、顺序或重复字符组成"

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
    if password and is_common(password):
        problems.append(COMMON_RULE)
    return problems


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower case."""
    from app.paths import resources_dir

    text = (resources_dir() / COMMON_FILE).read_text(encoding="utf-8")
    lines = (line.strip().casefold() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def is_common(password: str) -> bool:
    """A listed password (any case, look-alike symbols undone, trailing digits and symbols
    dropped), or one whose characters are more than half patterns and listed passwords."""
    folded = password.casefold()
    plain = folded.translate(_UNLEET)
    listed = common_passwords()
    if {folded, plain, folded.rstrip(string.digits + string.punctuation)} & listed:
        return True
    weak = [False] * len(folded)
    for start, end in _pattern_spans(folded):
        weak[start:end] = [True] * (end - start)
    for text in (folded, plain):
        for start, end in _listed_spans(text, listed):
            weak[start:end] = [True] * (end - start)
    return 2 * sum(weak) > len(folded)


def _listed_spans(text: str, listed: frozenset[str]):
    longest = max(map(len, listed))
    for start in range(len(text)):
        for end in range(start + MIN_COMMON_PART, min(len(text), start + longest) + 1):
            if text[start:end] in listed:
                yield start, end


def _pattern_spans(text: str):
    """(start, end) of every keyboard run, sequence and repeat in ``text`` (lower case)."""
    for start in range(len(text)):
        for row in _KEYBOARD_BOTH_WAYS:
            end = start + 1
            while end < len(text) and text[start : end + 1] in row:
                end += 1
            if end - start >= MIN_KEYBOARD_RUN and text[start:end] in row:
                yield start, end
        for step in (1, -1):
            end = start + 1
            while end < len(text) and _follows(text[end - 1], text[end], step):
                end += 1
            if end - start >= MIN_SEQUENCE:
                yield start, end
        for period in range(1, min(MAX_REPEATED_BLOCK, (len(text) - start) // 2) + 1):
            least = max(MIN_SEQUENCE, 2 * period)  # "aaa", "1212", "Ab12Ab12"
            end = start + period
            while end < len(text) and text[end] == text[end - period]:
                end += 1
            if end - start >= least:
                yield start, end


def _follows(before: str, after: str, step: int) -> bool:
    same_kind = (before.isdigit() and after.isdigit()) or (
        before in string.ascii_lowercase and after in string.ascii_lowercase
    )
    return same_kind and ord(after) - ord(before) == step


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
