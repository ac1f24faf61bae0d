"""Values typed on the command line are read as the forms read them: a date only as
YYYY-MM-DD (``20260510`` was taken as 10 May), a clerk's name only if it is someone's (a typo
printed an empty 日结, read as a day with nothing done)."""

import pytest

from app.cli import main
from app.services import save_site
from db import open_store


@pytest.fixture
def db(tmp_path) -> str:
    path = tmp_path / "desk.sqlite3"
    store = open_store(str(path), data_dir=tmp_path)
    save_site(store, code="LX01", name="测试医院", facility="county", default_policy="lanxi",
              clerk="王")  # fmt: skip
    store.close()
    return str(path)


@pytest.mark.parametrize("typed", ["20260510", "2026-W19-1", "0001-01-01"])
def test_a_date_option_takes_only_a_plain_day(db, typed, capsys):
    with pytest.raises(SystemExit) as ended:
        main(["--db", db, "import-insurance", "x.csv", "--date", typed])
    assert ended.value.code == 2
    said = capsys.readouterr().err
    assert "参数 --date：" in said and ("不符合格式" in said or "超出合理范围" in said)


def test_a_daily_close_for_nobody_is_refused(db, tmp_path, capsys):
    out = tmp_path / "close.pdf"
    code = main(["--db", db, "daily-close", "--date", "2026-12-01", "--clerk", "王晓明",
                 "--out", str(out)])  # fmt: skip
    assert code == 2 and not out.exists()
    assert "没有名为“王晓明”的经办人" in capsys.readouterr().err
    assert main(["--db", db, "daily-close", "--date", "2026-12-01", "--out", str(out)]) == 0
    assert out.is_file()
