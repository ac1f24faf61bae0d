"""The insurance platform's file is not trusted beyond what it says consistently: a row whose
ID number or name is not the person of its 住院号 is refused (the rest of the file imported),
and a file that says one figure twice (a header or a JSON key repeated, a fund line listed
twice) or nests absurdly deep is refused whole with a Chinese reason."""

from datetime import date, datetime

import pytest

from app.desk import Desk
from app.insurance_import import ImportFileError, read_file
from app.services import register_admission
from app.services.insurance_import import latest_figures
from tests.insurance_files import csv_file, detail, json_file, setlinfo
from tests.store.helpers import admission, person, snapshot

NOW = datetime(2026, 3, 1, 10)
DAY = date(2026, 3, 5)


@pytest.fixture
def two(store, make_site):
    make_site()
    zhang = register_admission(store, admission(person(1, name="张三")), clerk="王", now=NOW)
    li = register_admission(
        store, admission(person(2, name="李四"), number="ZY002"), clerk="王", now=NOW
    )
    return zhang, li


def import_file(store, tmp_path, data: bytes, name="setl.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return Desk(store, "", "王").import_insurance(path, DAY)


def test_a_row_of_someone_else_is_not_filled_into_the_admission(store, two, tmp_path):
    zhang, li = two
    li_id = person(2).id_number
    wrong = setlinfo("ZY001", certno=li_id, psn_name="李四")  # 张三's 住院号, 李四's row
    right = setlinfo("ZY002", certno=li_id, psn_name="李四", medfee_sumamt="8000.00")
    report = import_file(store, tmp_path, csv_file([wrong, right]))

    (refused,) = report.unmatched
    assert refused.line == 2
    assert "登记的是张三" in refused.reason and "李四" in refused.reason
    assert li_id in refused.reason and "身份证号和姓名不一致" in refused.reason
    assert latest_figures(store, zhang.admission_id) is None
    assert [m.admission_number for m in report.matched] == ["ZY002"]
    assert latest_figures(store, li.admission_id).amounts["total"] == "8000.00"


def test_a_name_alone_that_differs_is_refused_too(store, two, tmp_path):
    zhang, _li = two
    by_number = setlinfo("ZY001", psn_name="李四")
    by_id = setlinfo("", certno=person(1).id_number, psn_name="王五")
    report = import_file(store, tmp_path, json_file((by_number, []), (by_id, [])), "s.json")
    assert report.matched == ()
    reasons = [row.reason for row in report.unmatched]
    assert "姓名不一致" in reasons[0] and "住院号 ZY001 登记的是张三" in reasons[0]
    assert "姓名不一致" in reasons[1] and "登记的是张三" in reasons[1] and "王五" in reasons[1]
    assert latest_figures(store, zhang.admission_id) is None


def test_the_same_person_written_otherwise_still_matches(store, two, tmp_path):
    zhang, _li = two
    spaced = person(1).id_number.lower().replace("", " ").strip()  # 身份证号 with spaces, x
    row = setlinfo("ZY001", certno=spaced, psn_name="张 三")
    report = import_file(store, tmp_path, csv_file([row]))
    assert [m.admission_id for m in report.matched] == [zhang.admission_id]


def test_a_refused_file_stores_nothing(store, two, tmp_path):
    before = snapshot(store)
    header = ",".join(setlinfo())
    row = ",".join(setlinfo().values())
    with pytest.raises(ImportFileError):
        import_file(store, tmp_path, f"{header},medfee_sumamt\n{row},1.00\n".encode())
    assert snapshot(store) == before


def test_a_header_given_twice_is_refused():
    header = ",".join(setlinfo())
    row = ",".join(setlinfo().values())
    with pytest.raises(ImportFileError) as refused:
        read_file(f"{header},medfee_sumamt\n{row},1.00\n".encode(), "s.csv")
    assert "第1行 medfee_sumamt：表头中有 2 列同名" in str(refused.value)


def test_a_json_key_given_twice_is_refused_with_its_line():
    text = (
        '{"setlinfo": {\n"ipt_no": "ZY001",\n"medfee_sumamt": "9000.00",\n'
        '"fulamt_ownpay_amt": "0", "overlmt_selfpay": "0", "hifp_pay": "5000.00",\n'
        '"hifmi_pay": "0", "hifob_pay": "0", "maf_pay": "0", "oth_pay": "0",\n'
        '"medfee_sumamt": "1.00"},\n"setldetail": []}'
    )
    with pytest.raises(ImportFileError) as refused:
        read_file(text.encode(), "s.json")
    assert "第6行 medfee_sumamt：在同一对象中出现了两次" in str(refused.value)


@pytest.mark.parametrize("depth", [40, 5000])
def test_json_nested_too_deep_is_refused_in_chinese(depth):
    with pytest.raises(ImportFileError) as refused:
        read_file(("[" * depth + "]" * depth).encode(), "deep.json")
    assert "嵌套层数过深" in str(refused.value)


def long_form(*funds: tuple[str, str]) -> bytes:
    return csv_file(
        [{**setlinfo(), "fund_pay_type": code, "fund_payamt": paid} for code, paid in funds]
    )


def test_a_fund_line_repeated_in_a_long_csv_is_refused():
    with pytest.raises(ImportFileError) as refused:
        read_file(long_form(("610100", "1400.00"), ("610100", "1400.00")), "s.csv")
    assert "第3行 fund_pay_type：与第2行是同一笔基金支付（610100，1400.00 元）" in str(
        refused.value
    )


def test_lines_of_one_fund_that_differ_are_added_up():
    (record,) = read_file(long_form(("610100", "1400.00"), ("610100", "1000.00")), "s.csv")
    assert record.funds_text() == {"medical_assistance": "2400.00"}
    repeated = json_file((setlinfo(), [detail("610100", "700.00"), detail("610100", "700.00")]))
    with pytest.raises(ImportFileError, match="同一笔基金支付"):
        read_file(repeated, "s.json")
