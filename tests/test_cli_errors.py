"""The command line's last resort: a missing folder, a broken policy file, an unreachable
database or a year 0 is one Chinese line and a non-zero exit, never a Python traceback; the
traceback goes to the window's log when there is one. ``settle`` reads a BOM and says so in
Chinese when its input is not UTF-8."""

import io
import logging
import shutil
from pathlib import Path

import pytest

from app.cli import main
from app.paths import policies_dir
from app.services.policies import _installed
from tests.store.helpers import lanxi_window

CLAIM = (
    '{"policy": "lanxi", "date": "2026-03-09", "category": "minimum_living",'
    ' "visit": "inpatient", "insurance": "resident", "facility": "county",'
    ' "referral_approved": false, "cause": null, "total": "52000.00",'
    ' "out_of_catalog": "2000.00", "basic_insurance": "30000.00"}'
)


@pytest.fixture
def db(tmp_path) -> str:
    path = tmp_path / "desk.sqlite3"
    lanxi_window(path).close()
    return str(path)


@pytest.fixture(autouse=True)
def no_other_log(monkeypatch):
    """Only the log a command opens, closed after the test as the process's end would close
    it: an earlier test's window log (still open in this process) is not this one's."""
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [h for h in root.handlers if not _app_log(h)])
    yield
    for handler in root.handlers:
        if _app_log(handler):
            handler.close()


def _app_log(handler: logging.Handler) -> bool:
    return isinstance(handler, logging.FileHandler) and handler.baseFilename.endswith("desk.log")


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def one_chinese_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_a_missing_output_folder_is_named_in_chinese(db, tmp_path, capsys):
    out = tmp_path / "no-such-folder" / "list.pdf"
    code, _, err = run(capsys, "year-end-list", "--db", db, "--year", "2026", "--out", str(out))
    assert code != 0
    line = one_chinese_line(err)
    assert str(out) in line and "文件夹" in line and "不存在" in line
    assert "No such file" not in line


def test_year_zero_is_one_chinese_line(db, tmp_path, capsys):
    code, _, err = run(
        capsys, "year-end-list", "--db", db, "--year", "0", "--out", str(tmp_path / "x.pdf")
    )
    assert code != 0
    assert "年份" in one_chinese_line(err)


def test_a_policy_file_with_a_typo_is_named(db, tmp_path, capsys, monkeypatch):
    folder = tmp_path / "policies"
    shutil.copytree(policies_dir(), folder)
    broken = folder / "lanxi.toml"
    broken.write_text("id = = 1\n" + broken.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("ONESTOP_POLICIES", str(folder))
    _installed.cache_clear()  # the services load policies/ once per process
    try:
        code, _, err = run(
            capsys, "year-end-list", "--db", db, "--year", "2026", "--out", str(tmp_path / "x.pdf")
        )
    finally:
        _installed.cache_clear()
    assert code != 0
    line = one_chinese_line(err)
    assert line.startswith("政策文件有误") and "lanxi.toml" in line


def test_an_unreachable_postgresql_is_one_chinese_line(tmp_path, capsys):
    url = "postgresql+psycopg://nobody@127.0.0.1:1/desk?connect_timeout=2"
    code, _, err = run(
        capsys, "year-end-list", "--db", url, "--year", "2026", "--out", str(tmp_path / "x.pdf")
    )
    assert code == 3
    assert "无法连接或使用数据库" in one_chinese_line(err)


def test_the_traceback_goes_to_the_windows_log_when_there_is_one(db, tmp_path, capsys):
    log = Path(db).parent / "logs" / "desk.log"
    log.parent.mkdir()
    log.write_text("", encoding="utf-8")
    code, _, err = run(
        capsys, "year-end-list", "--db", db, "--year", "0", "--out", str(tmp_path / "x.pdf")
    )
    assert code != 0
    assert str(log) in one_chinese_line(err)
    for handler in logging.getLogger().handlers:
        handler.flush()
    written = log.read_text(encoding="utf-8")
    assert "Traceback" in written and "ValueError" in written


def test_no_log_is_made_where_the_window_never_wrote_one(db, tmp_path, capsys):
    run(capsys, "year-end-list", "--db", db, "--year", "0", "--out", str(tmp_path / "x.pdf"))
    assert not (Path(db).parent / "logs").exists()


@pytest.mark.parametrize("stdin", [False, True])
def test_settle_reads_a_utf8_file_with_a_bom(tmp_path, capsys, monkeypatch, stdin):
    data = b"\xef\xbb\xbf" + CLAIM.encode("utf-8")
    if stdin:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        code, out, err = run(capsys, "settle")
    else:
        (tmp_path / "claim.json").write_bytes(data)
        code, out, err = run(capsys, "settle", "--input", str(tmp_path / "claim.json"))
    assert (code, err) == (0, "")
    assert '"assistance"' in out


@pytest.mark.parametrize("stdin", [False, True])
def test_settle_says_in_chinese_that_its_input_is_not_utf8(tmp_path, capsys, monkeypatch, stdin):
    data = CLAIM.replace('"cause": null', '"cause": null, "note": "城乡低保"').encode("gbk")
    if stdin:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        code, out, err = run(capsys, "settle")
    else:
        (tmp_path / "claim.json").write_bytes(data)
        code, out, err = run(capsys, "settle", "--input", str(tmp_path / "claim.json"))
    assert code == 2 and out == ""
    line = one_chinese_line(err)
    assert "不是 UTF-8 编码" in line and "GBK" in line
    assert "codec" not in line


def test_settle_names_a_missing_input_file_in_chinese(tmp_path, capsys):
    missing = tmp_path / "nowhere.json"
    code, out, err = run(capsys, "settle", "--input", str(missing))
    assert code == 2 and out == ""
    line = one_chinese_line(err)
    assert str(missing) in line and "文件不存在" in line
