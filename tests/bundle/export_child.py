"""Child process for the bundle kill tests: exports a quarter's bundle, killed on the way.

``python export_child.py DB TARGET MODE``. MODE ``after-rename`` kills the process with
SIGKILL once the bundle has been renamed into place, before the transaction that marks its
settlements claimed; ``mid-write:N`` kills it after N files of the staging copy; ``run``
exports and lets the parent kill it whenever it likes. Prints READY before exporting.
"""

import os
import signal
import sys
from pathlib import Path

from app.bundle import export, safe_write
from app.policy import load_policies
from db import open_store


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main(db: str, target: str, mode: str) -> None:
    store = open_store(db)
    policies = load_policies()
    write_file = safe_write.write_synced
    if mode == "after-rename":
        export._mark_claimed = lambda *args: die()
    elif mode.startswith("mid-write:"):
        left = [int(mode.split(":")[1])]

        def write_file(path, data):
            if left[0] == 0:
                die()
            left[0] -= 1
            safe_write.write_synced(path, data)

    print("READY", flush=True)
    export.export_bundle(
        store, policies, period_text="2026Q3", target_dir=Path(target), write_file=write_file
    )
    print("EXPORTED", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
