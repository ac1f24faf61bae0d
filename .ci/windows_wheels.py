"""Every runtime dependency (pyproject.toml's [project].dependencies, with what they pull in)
must install on the window's 64-bit Windows from wheels: no compiler there. Asks pip for the
Windows wheels of each, for the Python the Windows build uses, and fails naming the ones that
have none.

    python .ci/windows_wheels.py            (from .ci/run; needs PyPI)
"""

import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLATFORM = "win_amd64"
PYTHON_VERSION = "3.11"


def runtime_dependencies() -> list[str]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return list(tomllib.load(file)["project"]["dependencies"])


def download_command(requirement: str, target: str) -> list[str]:
    # pip judges a marker by the machine it runs on, not by --platform: on Linux it would skip
    # a dependency marked for Windows only, so the marker is left out of the question.
    requirement = requirement.split(";")[0].strip()
    return [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--only-binary=:all:",
        "--platform",
        PLATFORM,
        "--python-version",
        PYTHON_VERSION,
        "--quiet",
        "-d",
        target,
        requirement,
    ]


def missing_wheels(requirements: list[str]) -> dict[str, str]:
    """requirement -> pip's last words, for each that (or whose dependencies) has no wheel."""
    missing = {}
    with tempfile.TemporaryDirectory() as target:
        for requirement in requirements:
            done = subprocess.run(
                download_command(requirement, target), capture_output=True, text=True
            )
            if done.returncode != 0:
                missing[requirement] = (done.stderr or done.stdout).strip().splitlines()[-1:]
    return {req: " ".join(lines) for req, lines in missing.items()}


def main() -> int:
    requirements = runtime_dependencies()
    missing = missing_wheels(requirements)
    for requirement, reason in missing.items():
        print(
            f"没有 Windows（{PLATFORM}，Python {PYTHON_VERSION}）的 wheel：{requirement}：{reason}"
        )
    if missing:
        return 1
    print(f"{len(requirements)} 个运行依赖都有 Windows（{PLATFORM}）的 wheel。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
