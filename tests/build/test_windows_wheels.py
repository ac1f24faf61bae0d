"""The CI check that every runtime dependency installs on 64-bit Windows from wheels."""

import importlib.util
import socket
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_check():
    spec = importlib.util.spec_from_file_location(
        "windows_wheels", ROOT / ".ci" / "windows_wheels.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_check_asks_for_windows_wheels_of_every_runtime_dependency():
    check = load_check()
    with (ROOT / "pyproject.toml").open("rb") as file:
        assert check.runtime_dependencies() == tomllib.load(file)["project"]["dependencies"]
    command = check.download_command("openpyxl>=3.1", "/tmp/x")
    for flag in ("--only-binary=:all:", "--platform", "win_amd64", "--python-version", "3.11"):
        assert flag in command
    assert command[-1] == "openpyxl>=3.1"
    # a dependency for Windows only is asked for too (pip on Linux would skip its marker)
    windows_only = check.download_command("pycparser>=3.0; sys_platform == 'win32'", "/tmp/x")
    assert windows_only[-1] == "pycparser>=3.0"


def test_ci_runs_the_check_then_ends_with_the_readme_test_command():
    lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.strip()]
    check = next(i for i, line in enumerate(lines) if ".ci/windows_wheels.py" in line)
    assert lines[-1] == "exec ./dev test"
    assert check < len(lines) - 1


def pypi_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
    except OSError:
        return False
    return True


@pytest.mark.slow
def test_a_dependency_without_a_windows_wheel_is_named():
    if not pypi_reachable():
        pytest.skip("PyPI 不可达")
    check = load_check()
    # docopt is published as a source archive only: it would need building on the window.
    assert list(check.missing_wheels(["docopt", "openpyxl>=3.1"])) == ["docopt"]
