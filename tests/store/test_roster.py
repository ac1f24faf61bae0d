"""Roster import from CSV and XLSX: good rows in, every bad row reported with its line."""

from datetime import date, datetime

import pytest
from openpyxl import Workbook

from app.identity import make_resident_id
from app.services import ServiceError, import_roster, register_admission
from app.services.people import find_person, status_history
from db.models import BeneficiaryStatus, Person
from tests.store.helpers import admission, count, person, snapshot

HEADER = [
    "序号",
    "姓名",
    "身份证号",
    "性别",
    "类别",
    "证件类型",
    "证件号码",
    "有效期起",
    "有效期止",
]


def _rows():
    good = make_resident_id("330781", date(1950, 2, 3), 11, "M")
    other = make_resident_id("330781", date(1962, 7, 8), 12, "F")
    bad_digit = good[:17] + ("1" if good[17] != "1" else "2")
    return [
        HEADER,
        ["1", "测试甲", good, "男", "低保对象", "低保证", "LB-001", "2026-01-01", "2026-12-31"],
        ["2", "测试乙", bad_digit, "男", "低保对象", "低保证", "LB-002", "", ""],
        ["3", "测试丙", other, "男", "特困供养人员", "特困供养证", "TK-003", "", ""],
        ["4", "测试丁", other, "女", "外星人", "", "", "", ""],
        ["5", "", other, "女", "destitute", "", "", "", ""],
        ["6", "测试戊", other, "女", "destitute", "特困供养证", "TK-006", "2026-01-01", ""],
        ["7", "测试甲", good, "男", "低保对象", "低保证", "LB-001", "2026-01-01", "2026-12-31"],
        [
            "8",
            "测试己",
            make_resident_id("330781", date(1970, 1, 1), 1, "F"),
            "女",
            "低保边缘",
            "",
            "",
            "2026-13-01",
            "",
        ],
    ]


def _check(report, store):
    assert report.imported == 2
    assert [(p.line, p.reason.split("：")[0]) for p in report.problems] == [
        (3, "身份证号"),
        (4, "性别"),
        (5, "救助对象类别"),
        (6, "姓名"),
        (8, "身份证号"),  # the same person twice in one file
        (9, "有效期起"),
    ]
    assert "校验位" in str(report.problems[0])
    assert str(report.problems[0]).startswith("第3行：")
    assert count(store, Person) == 2
    assert count(store, BeneficiaryStatus) == 2


def test_csv_roster_with_broken_rows(store, tmp_path):
    path = tmp_path / "低保名册.csv"
    path.write_text("\n".join(",".join(row) for row in _rows()), encoding="gb18030")
    _check(import_roster(store, path, clerk="王", source="兰溪市民政局"), store)


def test_xlsx_roster_with_broken_rows(store, tmp_path):
    book = Workbook()
    for row in _rows():
        book.active.append(row)
    path = tmp_path / "名册.xlsx"
    book.save(path)
    _check(import_roster(store, path, clerk="王", source="兰溪市民政局"), store)


def test_an_id_number_excel_turned_into_a_number_is_explained(store, tmp_path):
    book = Workbook()
    book.active.append(["姓名", "身份证号", "类别"])
    book.active.append(["测试甲", 330781195002031131.0, "低保对象"])
    path = tmp_path / "数字.xlsx"
    book.save(path)
    report = import_roster(store, path, clerk="王", source="民政局")
    assert report.imported == 0
    assert "设为“文本”" in str(report.problems[0])


def test_a_file_without_the_needed_columns_changes_nothing(store, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("名字,号码\n甲,1\n", encoding="utf-8")
    before = snapshot(store)
    with pytest.raises(ServiceError, match="身份证号"):
        import_roster(store, path, clerk="王", source="x")
    assert snapshot(store) == before


def test_a_person_on_the_roster_registers_without_a_reason(store, make_site, tmp_path):
    make_site()
    who = person(21)
    path = tmp_path / "r.csv"
    path.write_text(
        f"姓名,身份证号,类别,有效期起,有效期止\n{who.name},{who.id_number},特困供养人员,"
        "2026-01-01,2026-12-31\n",
        encoding="utf-8-sig",
    )
    assert import_roster(store, path, clerk="王", source="民政局").imported == 1
    # Outside the roster's validity the reason is needed.
    late = admission(who, admitted_at=datetime(2027, 1, 5, 9), off_roster_reason=None)
    with pytest.raises(ServiceError) as refused:
        register_admission(store, late, clerk="王", now=datetime(2027, 1, 5, 10))
    assert refused.value.field == "off_roster_reason"
    form = admission(who, category="minimum_living", off_roster_reason=None)
    done = register_admission(store, form, clerk="王", now=datetime(2026, 3, 1, 10))
    assert any("名册中的类别为“特困供养人员”" in w for w in done.warnings)
    with store.read() as session:
        history = status_history(session, find_person(session, who.id_number).id)
        assert [s.source for s in history] == ["民政局"]


def test_people_are_found_by_id_number_or_name_prefix(store, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("\n".join(",".join(row) for row in _rows()), encoding="utf-8")
    import_roster(store, path, clerk="王", source="民政局")
    from app.services import search_people

    with store.read() as session:
        assert [p.name for p in search_people(session, "测试")] == ["测试戊", "测试甲"]
        assert [p.name for p in search_people(session, "测试甲")] == ["测试甲"]
        number = find_person(session, _rows()[1][2]).id_number
        assert [p.name for p in search_people(session, number.lower())] == ["测试甲"]
        assert search_people(session, "  ") == []


def test_a_category_is_accepted_under_every_name_the_policy_files_give_it(store, tmp_path):
    named = {
        "城乡低保对象": "minimum_living",  # 台儿庄's name, 威海's alias
        "低保对象": "minimum_living",
        "最低生活保障家庭成员（第二类）": "minimum_living",  # 兰溪's name
        "最低生活保障家庭成员": "minimum_living",  # 兰溪's alias, 靖江's name
        "农村低保对象": "minimum_living",  # 湖南
        "特困人员": "destitute",  # 威海's alias, 湖南's name
        "特困供养人员（含农村五保）": "destitute",  # 台儿庄
        "建档立卡贫困户": "registered_poor",  # 湖南's referral form
        "低保边缘对象": "near_poverty",  # 兰溪's alias
        "政府供养的孤残儿童": "orphan_child",  # 威海's alias
        "minimum_living": "minimum_living",
    }
    lines = ["姓名,身份证号,类别"]
    numbers = {}
    for sequence, name in enumerate(named, start=30):
        number = make_resident_id("330781", date(1960, 1, 1), sequence, "F")
        numbers[number] = named[name]
        lines.append(f"测试{sequence},{number},{name}")
    path = tmp_path / "名册.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    report = import_roster(store, path, clerk="王", source="民政局")
    assert [str(p) for p in report.problems] == []
    with store.read() as session:
        stored = {
            number: status_history(session, find_person(session, number).id)[-1].category
            for number in numbers
        }
    assert stored == numbers
