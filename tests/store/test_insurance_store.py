"""The insurance platform's figures imported for a day: matched, stored all or nothing, and the
day's differences from our settlements (SQLite, and PostgreSQL when TEST_POSTGRES_URL is set)."""

from datetime import date, datetime

from app.cli import main
from app.services import Amounts, DischargeInput, register_admission, settle_discharge
from app.services.audit import history
from db.models import InsuranceImport
from tests.insurance_files import csv_file, json_file, setlinfo
from tests.store.helpers import admission, count, person, snapshot, tick_all

NOW = datetime(2026, 3, 1, 10)
DAY = "2026-03-06"


def _two_admissions(store):
    first = register_admission(store, admission(person(1)), clerk="王", now=NOW)
    second = register_admission(store, admission(person(2), number="ZY002"), clerk="王", now=NOW)
    return first, second


def _import(store_target, path, *extra):
    return main(["import-insurance", str(path), "--date", DAY, "--db", store_target, *extra])


def test_a_json_file_is_matched_by_number_and_by_id_and_kept(
    store, store_target, make_site, tmp_path, capsys
):
    make_site()
    first, second = _two_admissions(store)
    id_only = setlinfo("", certno=person(2).id_number, psn_name="测试2")
    unknown = setlinfo("ZY404", psn_name="外院")
    path = tmp_path / "setl.json"
    path.write_bytes(json_file((setlinfo(), []), (id_only, []), (unknown, [])))

    assert _import(store_target, path) == 0
    out = capsys.readouterr().out
    assert "已导入 2 条，未匹配 1 条" in out
    assert "住院号 ZY001 测试1" in out and "住院号 ZY002 测试2" in out
    assert "未匹配 第" in out and "没有住院号 ZY404 的住院登记" in out

    from app.services.insurance_import import latest_figures

    figures = latest_figures(store, second.admission_id)
    assert figures.amounts["total"] == "9000.00"
    assert figures.funds == {"medical_assistance": "2800.00"}
    assert figures.import_date == date(2026, 3, 6)
    assert latest_figures(store, first.admission_id) is not None
    import hashlib

    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    with store.read() as session:
        (event,) = history(session, "insurance_import", digest)
        assert event.action == "import" and event.clerk == "system"


def test_a_broken_file_stores_nothing(store, store_target, make_site, tmp_path, capsys):
    make_site()
    _two_admissions(store)
    before = snapshot(store)
    rows = [setlinfo(), setlinfo("ZY002", oth_pay='"1,000.00"')]
    path = tmp_path / "setl.csv"
    path.write_bytes(csv_file(rows, "gbk"))
    assert _import(store_target, path) == 2
    err = capsys.readouterr().err
    assert "一条也没有导入" in err and "第3行 oth_pay" in err and "千位分隔符" in err
    assert snapshot(store) == before
    assert count(store, InsuranceImport) == 0


def test_the_same_admission_twice_refuses_the_file(store, store_target, make_site, tmp_path):
    make_site()
    _two_admissions(store)
    path = tmp_path / "setl.json"
    path.write_bytes(json_file((setlinfo(), []), (setlinfo(), [])))
    before = snapshot(store)
    assert _import(store_target, path) == 2
    assert snapshot(store) == before


def test_the_days_differences_flag_a_fen_with_its_layer(
    store, store_target, make_site, tmp_path, capsys
):
    make_site()
    first, second = _two_admissions(store)
    for registered in (first, second):
        tick_all(store, registered.admission_id)
    # Imported before the discharge, as the clerk would; the platform paid 2799.99 for ZY002.
    path = tmp_path / "setl.csv"
    rows = [
        {**setlinfo(), "fund_pay_type": "610100", "fund_payamt": "2800.00"},
        {
            **setlinfo("ZY002", psn_name="测试2"),
            "fund_pay_type": "610100",
            "fund_payamt": "2799.99",
        },
    ]
    path.write_bytes(csv_file(rows, "utf-8"))
    assert _import(store_target, path) == 0
    for registered in (first, second):
        settle_discharge(
            store,
            DischargeInput(
                registered.admission_id,
                datetime(2026, 3, 6, 10),
                Amounts(total="9000.00", basic_insurance="5000.00"),
            ),
            clerk="王",
            now=datetime(2026, 3, 6, 11),
        )
    capsys.readouterr()
    assert main(["import-insurance", "--differences", "--date", DAY, "--db", store_target]) == 0
    out = capsys.readouterr().out
    (flagged,) = [line for line in out.splitlines() if "【差异】" in line]
    assert "ZY002" in flagged and "相差 0.01 元" in flagged
    assert "医保平台已付医疗救助资金 2799.99 元" in flagged
    assert "本院计算（医疗救助）2800.00 元" in flagged
    assert "有差异 1 笔" in out


def test_the_settlements_audit_names_imported_figures_and_the_clerks_changes(store, make_site):
    import json

    make_site()
    registered = register_admission(store, admission(person(1)), clerk="王", now=NOW)
    tick_all(store, registered.admission_id)
    imported = {"total": "9000.00", "basic_insurance": "5000.00", "out_of_catalog": "0.00"}
    row = settle_discharge(
        store,
        DischargeInput(
            registered.admission_id,
            datetime(2026, 3, 6, 10),
            Amounts(total="9000.00", basic_insurance="4999.00"),
            imported=imported,
        ),
        clerk="王",
        now=datetime(2026, 3, 6, 11),
    )
    with store.read() as session:
        (event,) = history(session, "settlement", row.slip_number)
        changes = json.loads(event.changes_json)
    assert changes["imported_figures"] == imported
    assert changes["changed_from_import"] == {"basic_insurance": ["5000.00", "4999.00"]}


def test_importing_runs_as_a_signed_in_account(
    store, store_target, make_site, tmp_path, monkeypatch, capsys
):
    """Once accounts exist, an import needs someone to sign in; an unknown name writes
    nothing but the refused sign-in, and the audit names who imported."""
    import io

    from app.accounts.service import change_password, create_user, login

    make_site()
    _two_admissions(store)
    admin = create_user(store, None, "admin", "administrator", "Keeper#2026okay")
    create_user(store, login(store, "admin", "Keeper#2026okay"), "clerk1", "clerk", "First#2026x")
    change_password(store, "clerk1", "First#2026x", "Window#2026desk")
    path = tmp_path / "setl.json"
    path.write_bytes(json_file((setlinfo(), [])))

    assert _import(store_target, path) == 2  # nobody named
    monkeypatch.setattr("sys.stdin", io.StringIO("whatever\n"))
    assert _import(store_target, path, "--user", "不存在", "--password-stdin") == 1
    assert count(store, InsuranceImport) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("Window#2026desk\n"))
    assert _import(store_target, path, "--user", "clerk1", "--password-stdin") == 0
    assert count(store, InsuranceImport) == 1
    import hashlib

    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    with store.read() as session:
        (event,) = history(session, "insurance_import", digest)
        assert event.clerk == "clerk1" and admin.name == "admin"


def test_a_platform_file_finds_the_admission_number_in_any_case_or_width(
    store, store_target, make_site, tmp_path, capsys
):
    """As the search and the discharge dialog's file match find it (the day's import matched
    only the exact spelling)."""
    make_site()
    first, second = _two_admissions(store)
    lower, wide = setlinfo("zy001"), setlinfo("ＺＹ００２", psn_name="测试2")
    path = tmp_path / "setl.json"
    path.write_bytes(json_file((lower, []), (wide, [])))

    assert _import(store_target, path) == 0
    assert "已导入 2 条，未匹配 0 条" in capsys.readouterr().out
    from app.services.insurance_import import latest_figures

    assert latest_figures(store, first.admission_id) is not None
    assert latest_figures(store, second.admission_id) is not None
