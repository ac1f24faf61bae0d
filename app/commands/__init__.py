"""Subcommands of ``python -m app``: each module here has ``register(subparsers)``.

A module's ``register`` adds its parser and sets ``func`` (args -> exit code) as the default.
Keep a module's top-level imports light (import heavy libraries inside its ``func``): every
command's module is imported on every start, ``settle`` included.
Modules are listed explicitly so a frozen build (PyInstaller) collects every one of them.
"""

import importlib

COMMAND_MODULES = (
    "settle",
    "policy",
    "demo",
    "bundle",
    "print",
    "user",
    "audit",
    "backup",
    "sync",
    "settings",
    "whatif",
    "daily_close",
    "claims",
    "import_insurance",
)


def load_commands():
    for name in COMMAND_MODULES:
        yield importlib.import_module(f"app.commands.{name}")
