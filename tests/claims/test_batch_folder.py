"""``claims batch --to DIR`` when DIR cannot take the list: a folder missing (a pulled stick)
or read-only is refused before the batch is made, the claims staying 已审核待支付; a folder
lost after the batch was made leaves a batch whose list ``claims batch-file`` writes again."""

import os
import sys

import pytest

from app.desk import Desk
from tests.claims.test_claims_cli import ADMIN, SUPERVISOR_PW, db, run  # noqa: F401 (fixture)

CLAIM = "JJ01-BX2026-000001"
BATCH = "JJ01-DF2026-000001"
SIGNED = {"stdin": f"{SUPERVISOR_PW}\n"}


@pytest.fixture
def store_file(db):  # noqa: F811 (test_claims_cli's fixture)
    """test_claims_cli's store: a 靖江 site, claim JJ01-BX2026-000001 received."""
    return db


def _approve(capsys, monkeypatch, store_file):
    code, _, err = run(capsys, monkeypatch, "claims", "approve", CLAIM, *ADMIN, "--db", store_file,
                       **SIGNED)  # fmt: skip
    assert code == 0, err


def _batch(capsys, monkeypatch, store_file, folder):
    return run(capsys, monkeypatch, "claims", "batch", "--to", str(folder), *ADMIN, "--db", store_file,
               **SIGNED)  # fmt: skip


def _status_of_claim(capsys, monkeypatch, store_file) -> str:
    code, out, _ = run(capsys, monkeypatch, "claims", "show", CLAIM, "--db", store_file)
    assert code == 0
    return out.splitlines()[0].split()[1]


def test_a_missing_folder_is_refused_before_the_batch_is_made(
    store_file, tmp_path, capsys, monkeypatch
):
    _approve(capsys, monkeypatch, store_file)
    gone = tmp_path / "usb"

    code, _, err = _batch(capsys, monkeypatch, store_file, gone)

    assert code == 1
    assert str(gone) in err and "不存在" in err and "未生成代发清单" in err
    assert "申报包" not in err
    assert _status_of_claim(capsys, monkeypatch, store_file) == "已审核待支付"
    gone.mkdir()
    code, out, _ = _batch(capsys, monkeypatch, store_file, gone)
    assert code == 0 and BATCH in out  # the first batch number: none was made before
    assert (gone / f"代发清单-{BATCH}" / f"代发清单-{BATCH}.csv").is_file()


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="a read-only folder needs POSIX, not root"
)
def test_a_read_only_folder_is_refused_before_the_batch_is_made(
    store_file, tmp_path, capsys, monkeypatch
):
    _approve(capsys, monkeypatch, store_file)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, _, err = _batch(capsys, monkeypatch, store_file, locked)
    finally:
        locked.chmod(0o700)

    assert code == 1 and str(locked) in err and "没有写入权限" in err
    assert _status_of_claim(capsys, monkeypatch, store_file) == "已审核待支付"
    assert not any(locked.iterdir())


def test_a_folder_lost_after_the_batch_is_made_can_be_written_again(
    store_file, tmp_path, capsys, monkeypatch
):
    _approve(capsys, monkeypatch, store_file)
    stick = tmp_path / "usb"
    stick.mkdir()
    checked = Desk.check_batch_folder

    def checked_then_pulled(desk, folder):
        checked(desk, folder)
        stick.rmdir()  # the stick pulled between the check and the write

    monkeypatch.setattr(Desk, "check_batch_folder", checked_then_pulled)

    code, _, err = _batch(capsys, monkeypatch, store_file, stick)

    assert code == 1
    assert f"代发清单 {BATCH} 已生成" in err and str(stick) in err
    assert f"claims batch-file {BATCH} --to" in err and "申报包" not in err
    assert _status_of_claim(capsys, monkeypatch, store_file) == "已送银行"

    again = tmp_path / "usb2"
    again.mkdir()
    code, out, err = run(capsys, monkeypatch, "claims", "batch-file", BATCH, "--to", str(again),
                         *ADMIN, "--db", store_file, **SIGNED)  # fmt: skip
    assert code == 0, err
    assert BATCH in out and "5600.00" in out
    listed = (again / f"代发清单-{BATCH}" / f"代发清单-{BATCH}.csv").read_text("utf-8-sig")
    assert CLAIM in listed and "5600.00" in listed


def test_writing_an_unknown_batch_again_is_refused(store_file, tmp_path, capsys, monkeypatch):
    code, _, err = run(capsys, monkeypatch, "claims", "batch-file", "JJ01-DF2026-000009",
                       "--to", str(tmp_path), *ADMIN, "--db", store_file, **SIGNED)  # fmt: skip
    assert code == 2 and "没有编号为“JJ01-DF2026-000009”的代发清单" in err


def test_a_folder_that_refuses_writes_is_refused_before_the_batch_is_made(
    store_file, tmp_path, capsys, monkeypatch
):
    """As a write-protected stick answers (running as root, a read-only mode would not)."""
    import errno
    import tempfile

    _approve(capsys, monkeypatch, store_file)
    stick = tmp_path / "usb"
    stick.mkdir()

    def refused(*_args, **_kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    code, _, err = _batch(capsys, monkeypatch, store_file, stick)
    monkeypatch.undo()

    assert code == 1 and str(stick) in err and "只读" in err and "未生成代发清单" in err
    assert _status_of_claim(capsys, monkeypatch, store_file) == "已审核待支付"
