"""The PyInstaller one-folder build, run the way IT would run it: no venv, no Python on PATH,
the same command line as ``python -m app``. Builds once per session (a few minutes) unless a
build already exists and ONESTOP_REBUILD is unset."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "build" / "dist" / "onestop"
CLI = DIST / "onestop-cli"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def frozen() -> Path:
    if os.environ.get("ONESTOP_REBUILD") or not CLI.exists():
        done = subprocess.run(
            ["bash", str(ROOT / "build" / "build.sh")],
            env={**os.environ, "PYTHON": sys.executable},
            capture_output=True,
            text=True,
            timeout=1500,
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return DIST


def run_frozen(
    frozen: Path,
    tmp_path: Path,
    *args: str,
    stdin: str = "",
    exe: str = "onestop-cli",
    path: str = "/usr/bin:/bin",
):
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {
        "PATH": path,
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
    }
    return subprocess.run(
        [str(frozen / exe), *args],
        input=stdin,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_version_carries_the_build_date(frozen, tmp_path):
    done = run_frozen(frozen, tmp_path, "--version")
    assert done.returncode == 0, done.stderr
    assert "一站式即时结算窗口" in done.stdout and "构建于" in done.stdout


def test_a_mistyped_command_is_answered_in_chinese_under_the_executables_name(frozen, tmp_path):
    done = run_frozen(frozen, tmp_path, "export-bundle")
    assert done.returncode == 2
    assert "用法：onestop-cli export-bundle" in done.stderr
    assert "onestop-cli export-bundle：错误：缺少必需的参数：--period" in done.stderr


def test_settle_a_sample_claim(frozen, tmp_path):
    claim = {
        "policy": "lanxi",
        "date": "2026-05-10",
        "category": "minimum_living",
        "visit": "inpatient",
        "insurance": "resident",
        "facility": "county",
        "total": "52000.00",
        "out_of_catalog": "2000.00",
        "basic_insurance": "30000.00",
        "critical_illness": "5000.00",
    }
    done = run_frozen(frozen, tmp_path, "settle", stdin=json.dumps(claim))
    assert done.returncode == 0, done.stderr
    # (52000 − 2000 − 30000 − 5000) × 70% = 10500
    assert json.loads(done.stdout)["assistance"] == "10500.00"
    refused = run_frozen(frozen, tmp_path, "settle", stdin=json.dumps({**claim, "total": "-1"}))
    assert refused.returncode == 2 and refused.stdout == "" and "total" in refused.stderr


def executable_archive(frozen: Path):
    """The executable's package (its interpreter options) and the Python archive in it."""
    from PyInstaller.archive.readers import CArchiveReader

    package = CArchiveReader(str(frozen / "onestop"))
    archive = next(name for name, entry in package.toc.items() if entry[-1] == "z")
    return package, package.open_embedded_archive(archive)


def test_runs_as_python_oo(frozen):
    """The build's bytecode is compiled as ``python -OO`` compiles it (no docstrings: about
    4 MB less signed in, issue 18) and the executables run at that level, so what they compile
    at run time (Alembic's migration scripts) is compiled the same way."""
    package, modules = executable_archive(frozen)
    assert package.options.count("O") == 2, package.options
    shipped = modules.extract("app.fonts")
    source = (ROOT / "app" / "fonts.py").read_text(encoding="utf-8")
    plain = compile(source, "fonts.py", "exec", optimize=0)
    docstring = "The fonts the app ships"

    def has_docstring(code):
        return any(isinstance(c, str) and c.startswith(docstring) for c in code.co_consts)

    assert has_docstring(plain)  # the check can see one
    assert not has_docstring(shipped)


def test_accounts_sign_in_with_cffi_left_out(frozen, tmp_path):
    """Passwords are hashed and checked (argon2's compiled half and _cffi_backend shipped) and
    the audit chain keyed, with cffi's Python half and its C parser left out of the build (on
    Windows pywin32-ctypes, keyring's way to Credential Manager, imports cffi when it can and
    then parses C declarations at every start; left out, it uses ctypes)."""
    modules = set(executable_archive(frozen)[1].toc)
    assert "argon2" in modules and "keyring" in modules
    assert not {"cffi", "pycparser"} & modules
    assert list(frozen.rglob("_cffi_backend*")), "argon2 needs the _cffi_backend extension"
    database = tmp_path / "data" / "desk.sqlite3"
    database.parent.mkdir()
    assert run_frozen(frozen, tmp_path, "demo", "--db", str(database)).returncode == 0
    admin, clerk = "Window-Desk#2026", "Clerk-Window#2026"
    add = ("user", "add", "--password-stdin", "--db", str(database))
    first = run_frozen(frozen, tmp_path, *add, "admin", "--role", "administrator",
                       stdin=f"{admin}\n")  # fmt: skip
    assert first.returncode == 0 and "已新建账户 admin" in first.stdout, first.stderr
    wrong = run_frozen(frozen, tmp_path, *add, "wang", "--role", "clerk", "--admin", "admin",
                       stdin=f"Not-{admin}\n{clerk}\n")  # fmt: skip
    assert wrong.returncode == 1 and "用户名或密码不正确" in wrong.stderr, wrong.stderr
    signed = run_frozen(frozen, tmp_path, *add, "wang", "--role", "clerk", "--admin", "admin",
                        stdin=f"{admin}\n{clerk}\n")  # fmt: skip
    assert signed.returncode == 0 and "已新建账户 wang" in signed.stdout, signed.stderr
    verified = run_frozen(frozen, tmp_path, "audit", "verify", "--db", str(database))
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_policies_stay_editable_next_to_the_executable(frozen):
    assert sorted(p.stem for p in (frozen / "policies").glob("*.toml")) == [
        "hunan",
        "jingjiang",
        "lanxi",
        "taierzhuang",
        "weihai",
    ]


def test_demo_database_in_a_temporary_folder(frozen, tmp_path):
    database = tmp_path / "demo" / "desk.sqlite3"
    database.parent.mkdir()
    done = run_frozen(frozen, tmp_path, "demo", "--db", str(database))
    assert done.returncode == 0, done.stderr
    assert "已新建数据库" in done.stdout
    assert database.stat().st_size > 0


def test_window_starts_offscreen_and_exits(frozen, tmp_path):
    env_db = tmp_path / "gui" / "desk.sqlite3"
    env_db.parent.mkdir()
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    done = subprocess.run(
        [str(frozen / "onestop"), "--demo-if-missing", "--db", str(env_db)],
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "QT_QPA_PLATFORM": "offscreen",
            "ONESTOP_EXIT_WHEN_READY": "1",
        },
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.split()
    # the window was shown, then the (new, demo) database checked, opened and sign-in asked
    assert "shown" in lines and "ready" in lines
    assert (env_db.parent / "demo" / "desk.sqlite3").exists() and not env_db.exists()


def test_slip_preview_renders_with_no_poppler_on_the_machine(frozen, tmp_path):
    """The print preview's pages come from the same in-process renderer as the window's
    (PDFium, shipped in the build), with a PATH that holds no pdftoppm at all."""
    import sqlite3

    database = tmp_path / "desk.sqlite3"
    made = run_frozen(frozen, tmp_path, "demo", "--db", str(database))
    assert made.returncode == 0, made.stderr
    with sqlite3.connect(database) as connection:
        (slip,) = connection.execute(
            "SELECT slip_number FROM settlement WHERE voided_at IS NULL ORDER BY id LIMIT 1"
        ).fetchone()
    empty = tmp_path / "empty-path"
    empty.mkdir()
    out = tmp_path / "preview.png"
    done = run_frozen(
        frozen,
        tmp_path,
        *("print", "slip", "--slip", slip, "--preview", "--paper", "A5"),
        *("--out", str(out), "--db", str(database)),
        path=str(empty),
    )
    assert done.returncode == 0, done.stderr
    pages = sorted(tmp_path.glob("preview-*.png"))
    assert len(pages) >= 2  # an A5 page per copy
    for page in pages:
        header = page.read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        # 148 × 210 mm at 150 dpi
        width, height = int.from_bytes(header[16:20]), int.from_bytes(header[20:24])
        assert abs(width - 874) <= 1 and abs(height - 1240) <= 1


def test_reportlab_ships_its_accelerators(frozen):
    """ReportLab imports its C accelerators by a name built at run time: the build must carry
    them, or every slip and report is formatted in pure Python (twice as slow)."""
    assert list(frozen.rglob("_rl_accel*")), "the frozen build has no _rl_accel extension"
