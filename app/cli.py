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
    if args.command is None:
        # The window is the one place the entry reaches up into ui/; the domain never does.
        return importlib.import_module("ui.launch").run(args)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
