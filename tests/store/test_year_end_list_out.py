"""``claims year-end``: the publicity list's folder is checked before any claim is made, a
list that still fails after says the claims were made and how to write it again, and a year
out of range is refused in Chinese naming 年度."""

import errno
from datetime import datetime

import pytest

from app.cli import main
from app.services import Amounts, DischargeInput, register_admission, settle_discharge
from db.models import PaidLaterClaim
from tests.store.helpers import admission, count, person, snapshot, tick_all


@pytest.fixture
def weihai(store, make_site):
    """A 威海 low-income stay settled in 2026, its assistance left to the year-end claim."""
    make_site("WH01", "weihai", name="威海某医院")
    who = person(21, "weihai", name="张三丰")
    form = admission(who, number="ZY1", category="low_income", admitted_at=datetime(2026, 3, 1, 8))
    registered = register_admission(store, form, clerk="王", now=datetime(2026, 3, 1, 9))
    tick_all(store, registered.admission_id)
    stay = DischargeInput(
        registered.admission_id, datetime(2026, 3, 7, 8), Amounts("50000.00", "0", "20000.00")
    )
    settle_discharge(store, stay, clerk="王", now=datetime(2026, 3, 8))
    return store


def year_end(store_target, capsys, *extra):
    code = main(["claims", "year-end", "--policy", "weihai", "--db", store_target, *extra])
    return code, capsys.readouterr()


def test_a_list_that_cannot_be_written_makes_no_claim(weihai, store_target, tmp_path, capsys):
    before = snapshot(weihai)
    for out in (tmp_path / "no-such-stick" / "p.pdf", tmp_path):
        code, said = year_end(store_target, capsys, "--year", "2026", "--out", str(out))
        assert code == 2
        assert said.err.startswith(f"拒绝：公示名单 {out}：") and "未生成年底救助" in said.err
    assert snapshot(weihai) == before

    out = tmp_path / "公示名单.pdf"
    code, said = year_end(store_target, capsys, "--year", "2026", "--out", str(out))
    assert code == 0 and "新生成年底救助 1 笔" in said.out
    assert out.read_bytes().startswith(b"%PDF")


def test_a_list_failing_after_the_claims_says_how_to_write_it_again(
    weihai, store_target, tmp_path, capsys, monkeypatch
):
    def full_disk(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    out = tmp_path / "公示名单.pdf"
    with monkeypatch.context() as patched:
        patched.setattr("app.paths.write_whole", full_disk)
        code, said = year_end(store_target, capsys, "--year", "2026", "--out", str(out))
    assert code == 1 and "Traceback" not in said.err
    assert "年底救助已生成 1 笔（已保存），但公示名单未能写出" in said.err
    assert "claims year-end --year 2026 --policy weihai" in said.err
    assert count(weihai, PaidLaterClaim) == 1 and not out.exists()

    code, said = year_end(store_target, capsys, "--year", "2026", "--out", str(out))
    assert code == 0 and "新生成年底救助 0 笔" in said.out and out.is_file()
    assert count(weihai, PaidLaterClaim) == 1


@pytest.mark.parametrize("year", ["0", "99999"])
def test_a_year_out_of_range_is_refused(weihai, store_target, tmp_path, capsys, year):
    before = snapshot(weihai)
    code, said = year_end(store_target, capsys, "--year", year, "--out", str(tmp_path / "p.pdf"))
    assert code == 2 and said.err.startswith("拒绝：年度：")
    assert snapshot(weihai) == before
