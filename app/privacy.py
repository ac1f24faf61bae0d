"""ID numbers shown masked: in lists, search results, exports and logs.

``mask_id`` shows the first 6 and last 4 characters of an 18-character resident ID number by
default (``330781********0044``), or follows a site pattern (the setting
``privacy.id_mask_pattern``, read with ``app.services.settings.masker``): 18 characters, ``#``
where the number shows and ``*`` where it is hidden, at least 8 hidden (``###***********####``).
The full number is shown only on the case itself and on official paper.

``setup_logging(data_dir)`` writes the app's log to ``logs/desk.log`` in the data folder,
rotated, through ``IdMaskingFilter`` and a formatter that masks again whatever it outputs
(tracebacks included): a log file never holds a full ID number.
"""

import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

DEFAULT_PATTERN = "######********####"
MIN_HIDDEN = 8
# A run of 15 or more digits (an ID number, 15-digit old ones and bank card numbers too), the
# last of which may be X; letters around it do not stop it ("ID330781…" is still masked).
ID_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{14,}[0-9Xx](?![0-9])")
LOG_FILE = "desk.log"
LOG_MAX_BYTES = 2_000_000
LOG_BACKUPS = 5
_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` is not an acceptable site mask, or None."""
    if len(pattern) != 18 or set(pattern) - {"#", "*"}:
        return "应为 18 个字符，只含 #（显示）和 *（隐藏），如 ######********####"
    if pattern.count("*") < MIN_HIDDEN:
        return f"至少隐藏 {MIN_HIDDEN} 位"
    return None


def mask_id(number: str | None, pattern: str | None = None) -> str:
    """The ID number with its hidden digits replaced by ``*``.

    Anything that is not 18 characters is masked whole but its last 4 (or whole, if short),
    so a mistyped number never shows in full either.
    """
    if not number:
        return ""
    text = str(number).strip()
    pattern = pattern if pattern and pattern_problem(pattern) is None else DEFAULT_PATTERN
    if len(text) == 18:
        return "".join(c if keep == "#" else "*" for c, keep in zip(text, pattern, strict=True))
    if len(text) > 8:
        return "*" * (len(text) - 4) + text[-4:]
    return "*" * len(text)


def mask_text(text: str, pattern: str | None = None) -> str:
    """``text`` with every ID number (and any other run of 15 or more digits) masked."""
    return ID_IN_TEXT.sub(lambda match: mask_id(match.group(0), pattern), text)


class IdMaskingFilter(logging.Filter):
    """Masks ID numbers in a record's message, arguments, traceback and stack text."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_text(record.getMessage())
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True


class MaskingFormatter(logging.Formatter):
    """Masks whatever the record formats to: a second line of defence behind the filter."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_text(super().format(record))


def setup_logging(data_dir: Path, level: int = logging.INFO) -> Path:
    """Send the app's log to ``<data_dir>/logs/desk.log`` (rotated), masked; returns the path.

    Calling it again adds no second handler.
    """
    folder = Path(data_dir) / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_FILE
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == path:
            return path
    handler = RotatingFileHandler(
        path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )
    handler.addFilter(IdMaskingFilter())
    handler.setFormatter(MaskingFormatter(_LOG_FORMAT))
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    return path
