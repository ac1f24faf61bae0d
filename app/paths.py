"""Where the app finds its files: the repository when run from source, next to the
executable when frozen by PyInstaller (the policies folder stays editable there)."""

import os
import sys
from pathlib import Path


def install_dir() -> Path:
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent.parent


def policies_dir() -> Path:
    override = os.environ.get("ONESTOP_POLICIES")
    return Path(override) if override else install_dir() / "policies"


def bundled_dir() -> Path:
    """Where PyInstaller put the app's data (``_internal/``); the repository from source."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", install_dir()))
    return install_dir()


def resources_dir() -> Path:
    return bundled_dir() / "resources"


# --- which database: one rule for the window and the command line ---------------------------
APP_NAME = "one-stop-desk"
DB_FILE_NAME = "desk.sqlite3"
DB_ENV = "ONESTOP_DB"
DB_CHOICE_FILE = "database.txt"
DEMO_DIR_NAME = "demo"  # the demo store's own folder beside the real one


def default_data_dir() -> Path:
    """The user's data folder (Linux ~/.local/share/one-stop-desk, Windows %LOCALAPPDATA%)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return default_data_dir() / DB_FILE_NAME


def database_choice_file() -> Path:
    """``database.txt`` in the user's data folder: its first line names the database."""
    return default_data_dir() / DB_CHOICE_FILE


def chosen_database() -> str | None:
    """The first line of ``database.txt``, or None when there is none (or it is blank)."""
    choice = database_choice_file()
    if not choice.is_file():
        return None
    lines = choice.read_text(encoding="utf-8").strip().splitlines()
    return lines[0].strip() if lines and lines[0].strip() else None


def database_target(db_option: str | None = None) -> str:
    """The database to open: ``--db``, else $ONESTOP_DB, else the first line of
    ``database.txt`` in the user's data folder, else ``desk.sqlite3`` there.

    The window (``ui.launch``) and every command call this, so both open the same database
    from the same environment."""
    if db_option:
        return db_option
    from_env = os.environ.get(DB_ENV, "").strip()
    if from_env:
        return from_env
    return chosen_database() or str(default_db_path())


def choose_database(target: str | None) -> None:
    """Write ``target`` as the first line of ``database.txt`` (None or "" removes the file, so
    the default is used again). Written to a temporary file and renamed into place."""
    choice = database_choice_file()
    if not target:
        choice.unlink(missing_ok=True)
        return
    choice.parent.mkdir(parents=True, exist_ok=True)
    temporary = choice.with_name(choice.name + ".tmp")
    temporary.write_text(f"{target}\n", encoding="utf-8")
    os.replace(temporary, choice)


def is_url(url_or_path: str) -> bool:
    """A server database's URL (or ``sqlite:///…``), not a file's path. Here, not in
    ``db.engine``, so telling them apart does not import SQLAlchemy before the window shows."""
    return "://" in url_or_path


def sqlite_path(target: str | Path) -> Path | None:
    """The file of a SQLite target (path or sqlite:/// URL); None for a server database."""
    text = str(target)
    if not is_url(text):
        return Path(text).expanduser().resolve()
    if text.startswith("sqlite:///"):
        return Path(text.removeprefix("sqlite:///")).expanduser().resolve()
    return None


def database_in(folder: str | Path) -> str:
    """The database file a data folder holds (``desk.sqlite3``)."""
    return str(Path(folder) / DB_FILE_NAME)


def demo_database_for(target: str) -> str:
    """The demo store kept beside the real one: ``<folder>/demo/desk.sqlite3`` for a real
    store at ``<folder>/<name>``, so its scans, drafts and backups stay apart too. A server
    database (a URL) has its demo in the user's data folder."""
    if "://" in target and not target.startswith("sqlite:///"):
        folder = default_data_dir()
    else:
        folder = Path(target.removeprefix("sqlite:///")).expanduser().parent
    return str(folder / DEMO_DIR_NAME / DB_FILE_NAME)


def is_default_database(target: str) -> bool:
    """True when ``target`` is the default file (nothing named by --db, $ONESTOP_DB or
    ``database.txt``): only there does a missing file mean a first start."""
    return target == str(default_db_path())


def write_whole(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all: into ``<name>.<pid>-<random>.part``
    beside it, then renamed over it, so a crash never leaves a half-written file under the
    name, and two processes writing it at once never rename each other's half."""
    import uuid  # not at the top: the window's start reads paths before it needs this

    path = Path(path)
    partial = path.with_name(f"{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.part")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def read_json_object(path: str | Path) -> dict:
    """The JSON object in ``path``; an empty one when the file is missing, unreadable or not
    an object (a log beside the database that a restore or a crash may have left behind)."""
    import json  # not at the top: the window's start reads paths before it needs json

    try:
        value = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def why_unreadable(exc: OSError) -> str:
    """Why a file a clerk chose could not be read, in Chinese (the C library's own words,
    which Python gives in English, are left out)."""
    import errno  # not at the top: the window's start reads paths before it needs this

    reasons = {
        errno.ENOENT: "文件不存在（已移走、改名，或U盘、共享盘已断开？）",
        errno.EACCES: "没有读取权限",
        errno.EPERM: "没有读取权限",
        errno.EISDIR: "这是一个文件夹，不是文件",
        errno.EIO: "读取设备出错（U盘是否已拔出？共享盘是否断开？）",
        errno.ENOTCONN: "共享盘连接已断开",
    }
    if isinstance(exc, IsADirectoryError):
        return reasons[errno.EISDIR]
    return reasons.get(exc.errno, f"读取出错（系统错误码 {exc.errno}）")


def why_unwritable(exc: OSError) -> str:
    """Why a file could not be written to a target (a stick, a share, a folder), in Chinese."""
    import errno  # not at the top: the window's start reads paths before it needs this

    reasons = {
        errno.ENOSPC: "目标磁盘空间不足",
        errno.EDQUOT: "目标磁盘配额已满",
        errno.EROFS: "目标是只读的（U盘写保护？）",
        errno.EACCES: "没有写入权限",
        errno.EPERM: "没有写入权限",
        errno.ENOENT: "目标文件夹不存在或已断开（U盘是否已拔出？共享盘是否断开？）",
        errno.ENODEV: "目标设备不可用（U盘是否已拔出？）",
        errno.EIO: "读写目标设备出错（U盘是否已拔出？共享盘是否断开？）",
        errno.ENOTCONN: "共享盘连接已断开",
        errno.EHOSTDOWN: "共享盘所在主机不可用",
    }
    return reasons.get(exc.errno, f"写入失败：{exc.strerror or exc}")


def cannot_write_in(folder: Path, probe_prefix: str) -> str | None:
    """Why no file can be made in the existing ``folder`` (``why_unwritable``), or None. A
    probe file is written and removed: on Windows ``os.access`` does not see a share's or a
    write-protected stick's refusal."""
    import tempfile

    try:
        handle, probe = tempfile.mkstemp(prefix=probe_prefix, dir=folder)
        os.close(handle)
        os.remove(probe)
    except OSError as exc:
        return why_unwritable(exc)
    return None
