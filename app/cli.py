"""The one entry: ``python -m app [command]``; with no command it starts the window."""

import argparse
import importlib
import sys
from pathlib import Path

from app import __version__
from app.commands import load_commands
from app.commands.common import add_db_option
from app.paths import bundled_dir


def version_text() -> str:
    """The version, and for a frozen build the date it was built (baked in by build.sh)."""
    info = bundled_dir() / "build_info.json"
    text = f"一站式即时结算窗口 {__version__}"
    if info.is_file():
        import json  # here: the window's start reads no JSON before it shows

        built = json.loads(info.read_text(encoding="utf-8"))
        text += f"（构建于 {built.get('built', '?')}）"
    return text


def top_level_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options before any command: ``--version``, ``--db``, ``--demo-if-missing``."""
    parser.add_argument(
        "--version", action="version", version=version_text(), help="显示版本号并退出"
    )
    add_db_option(parser, top_level=True)
    parser.add_argument(
        "--demo-if-missing",
        action="store_true",
        help="启动窗口时，若数据库文件不存在则新建演示数据库（否则拒绝打开，不新建任何文件）",
    )
    return parser


def program_name() -> str:
    """How the user started it, for usage lines: the frozen build's executable (onestop-cli),
    else ``python -m app``."""
    if getattr(sys, "frozen", False):
        return Path(sys.argv[0]).stem or "onestop-cli"
    return "python -m app"


def build_parser() -> argparse.ArgumentParser:
    from app.commands.chinese import speak_chinese  # not on the window's start

    speak_chinese()
    parser = top_level_options(
        argparse.ArgumentParser(prog=program_name(), description="一站式即时结算窗口（医疗救助）")
    )
    subparsers = parser.add_subparsers(dest="command", metavar="命令")
    for module in load_commands():
        module.register(subparsers)
    return parser


def window_args(argv: list[str] | None) -> argparse.Namespace | None:
    """The arguments when they start the window (no command, only top-level options), read
    without importing every command's module: that took longer than a bare Qt window takes
    to show (issue 18, point 1). None for anything else (a command, ``-h``, a mistake): the
    whole parser reads it and says what is wrong."""
    parser = top_level_options(argparse.ArgumentParser(add_help=False, exit_on_error=False))
    try:
        args, rest = parser.parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    if rest:
        return None
    args.command = None
    return args


def main(argv: list[str] | None = None) -> int:
    args = window_args(argv)
    if args is None:
        args = build_parser().parse_args(argv)
    try:
        if args.command is None:
            # The window is the one place the entry reaches up into ui/; the domain never does.
            return importlib.import_module("ui.launch").run(args)
        return args.func(args)
    except Exception as exc:  # the last resort: one Chinese line, not a Python traceback
        return _last_resort(exc, args)


EXIT_FAILED = 1
EXIT_STORE = 3  # a database that cannot be used, as the commands answer it themselves


def _last_resort(exc: Exception, args: argparse.Namespace) -> int:
    """Say what went wrong in one Chinese line on stderr, keep the traceback in the log when
    there is one (``app.privacy.setup_logging``), and return the exit code."""
    import logging

    if isinstance(exc, BrokenPipeError):  # the reader stopped (``| head``): nothing to explain
        import contextlib
        import os

        # Else Python's own flush of stdout at exit complains in English.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    line, code = _explain(exc)
    log = _log_file(getattr(args, "db", None))
    if log is not None:
        logging.getLogger("app.cli").error("命令失败：%s", line, exc_info=exc)
        line += f"（详细信息已写入日志 {log}）"
    print(line, file=sys.stderr)
    return code


def _explain(exc: Exception) -> tuple[str, int]:
    if _caused_by_unreachable_database(exc):
        return (
            "无法连接或使用数据库：请检查 --db 的地址、网络，以及数据库服务是否已启动",
            EXIT_STORE,
        )
    if isinstance(exc, OSError):
        where = f"文件“{exc.filename}”" if exc.filename else "所需的文件或网络"
        return f"无法使用{where}：{os_error_reason(exc)}", EXIT_FAILED
    from app.errors import StoreRefused
    from app.policy import PolicyLoadError

    if isinstance(exc, PolicyLoadError):
        return f"政策文件有误，请改正后重试：{_one_line(str(exc))}", EXIT_FAILED
    migrate = sys.modules.get("db.migrate")
    if isinstance(exc, StoreRefused) or (migrate and isinstance(exc, migrate.MigrationError)):
        return _one_line(str(exc)), EXIT_STORE
    sqlalchemy = sys.modules.get("sqlalchemy.exc")
    if sqlalchemy and isinstance(exc, sqlalchemy.SQLAlchemyError):
        return f"数据库出错（{type(exc).__name__}），未完成", EXIT_STORE
    if any("\u4e00" <= char <= "\u9fff" for char in str(exc)):
        return _one_line(str(exc)), EXIT_FAILED  # already said in Chinese (FieldError, …)
    if isinstance(exc, ValueError):
        if "year" in str(exc) and "out of range" in str(exc):
            return "年份无效：应在 1 至 9999 之间", EXIT_FAILED
        return f"输入的值无效（{exc}）", EXIT_FAILED
    return f"程序出错（{type(exc).__name__}），未完成", EXIT_FAILED


def _caused_by_unreachable_database(exc: BaseException | None) -> bool:
    """Whether a SQLAlchemy ``OperationalError`` (no connection) is ``exc`` or behind it: the
    store's upgrade reports a refused connection as an upgrade that failed."""
    sqlalchemy = sys.modules.get("sqlalchemy.exc")
    seen = set()
    while sqlalchemy and exc is not None and id(exc) not in seen:
        if isinstance(exc, sqlalchemy.OperationalError):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _one_line(text: str) -> str:
    return "；".join(line.strip() for line in text.splitlines() if line.strip())


def os_error_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in Chinese (the system's English left out)."""
    import errno
    import os

    from app.paths import why_unreadable

    path = Path(exc.filename) if isinstance(exc.filename, str | os.PathLike) else None
    if exc.errno == errno.ENOENT and path is not None and not path.parent.is_dir():
        return f"文件夹“{path.parent}”不存在（U盘是否已拔出？共享盘是否断开？）"
    if exc.errno in (errno.EACCES, errno.EPERM):
        readable = path is None or not path.exists() or os.access(path, os.R_OK)
        return "没有写入权限" if readable else "没有读取权限"
    if exc.errno in (errno.ENOENT, errno.EISDIR, errno.EIO, errno.ENOTCONN) or isinstance(
        exc, IsADirectoryError
    ):
        return why_unreadable(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.ENODEV, errno.EHOSTDOWN):
        from app.bundle.safe_write import failure_reason

        return failure_reason(exc)
    if isinstance(exc, ConnectionError | TimeoutError):
        return f"网络连接失败（系统错误码 {exc.errno}）"
    return f"读写出错（系统错误码 {exc.errno}）"


def _log_file(db: str | None) -> str | None:
    """The app's log: the one opened in this run, else the window's ``logs/desk.log`` beside
    the database the command used, if the window has written one (none is made here)."""
    import logging

    from app.privacy import LOG_FILE, setup_logging

    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename).name == LOG_FILE:
            return handler.baseFilename
    try:
        from app.paths import database_target, default_data_dir, is_url

        target = database_target(db)
        folder = default_data_dir() if is_url(target) else Path(target).expanduser().parent
        if (folder / "logs" / LOG_FILE).is_file():
            return str(setup_logging(folder))
    except Exception:  # the log is a help here, never a second failure
        pass
    return None


if __name__ == "__main__":
    sys.exit(main())
