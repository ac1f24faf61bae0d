"""Reading the insurance platform's settlement files (pure: no store)."""

from decimal import Decimal

import pytest

from app.insurance_import import IMPORT_MAP, ImportFileError, compare, read_file
from tests.insurance_files import csv_file, detail, json_file, setlinfo


def test_json_in_the_platforms_envelope_maps_to_our_amounts():
    info = setlinfo(fulamt_ownpay_amt="300.00", overlmt_selfpay="20.50", hifmi_pay=1000)
    (record,) = read_file(json_file((info, [detail("610100", "2800.00")])), "setl.json")
    assert record.admission_number == "ZY001"
    assert record.amounts == {
        "total": Decimal("9000.00"),
        "out_of_catalog": Decimal("320.50"),
        "basic_insurance": Decimal("5000.00"),
        "critical_illness": Decimal("1000.00"),
        "other_compensation": Decimal("0.00"),
    }
    assert record.funds == {"medical_assistance": Decimal("2800.00")}
    assert set(IMPORT_MAP) | {"excluded"} == {
        "total", "out_of_catalog", "basic_insurance", "critical_illness",
        "other_compensation", "excluded",
    }  # fmt: skip


def test_supplementary_insurance_and_civil_servant_subsidy_count_as_other_compensation():
    # 兰溪 三(二): 扣除基本医保、大病保险和其他补充医疗保险补偿后的个人负担 → the base.
    with_them = setlinfo(oth_pay="100.00", hifes_pay="4000.00", cvlserv_pay="500.00")
    without = {k: v for k, v in setlinfo("ZY002").items() if k not in ("hifes_pay", "cvlserv_pay")}
    first, second = read_file(json_file((with_them, []), (without, [])), "setl.json")
    assert first.amounts["other_compensation"] == Decimal("4600.00")
    assert first.figures["hifes_pay"] == Decimal("4000.00")
    assert second.amounts["other_compensation"] == Decimal("0.00")  # absent: nothing paid


def test_hunans_funds_are_read_from_the_detail_lines():
    details = [detail("610100", "100.00"), detail("620100", "50.00"), detail("640100", "7.00")]
    data = json_file((setlinfo(maf_pay="100.00"), details), (setlinfo("ZY002"), []))
    first, second = read_file(data, "setl.json")
    assert first.funds == {
        "medical_assistance": Decimal("100.00"),
        "insurer": Decimal("50.00"),
        "fiscal": Decimal("7.00"),
    }
    assert second.funds == {"medical_assistance": Decimal("2800.00")}  # from maf_pay
    assert second.line > first.line


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_with_or_without_bom_and_gbk(encoding):
    rows = [setlinfo(psn_name="张三"), setlinfo("ZY002", psn_name="李四", maf_pay="")]
    first, second = read_file(csv_file(rows, encoding), "setl.csv")
    assert (first.name, second.name) == ("张三", "李四")
    assert second.funds == {}
    assert first.amounts["basic_insurance"] == Decimal("5000.00")


def test_csv_one_row_per_detail_line_is_one_settlement():
    rows = [
        {**setlinfo(), "fund_pay_type": "610100", "fund_payamt": "2799.99"},
        {**setlinfo(), "fund_pay_type": "630100", "fund_payamt": "10.00"},
    ]
    (record,) = read_file(csv_file(rows), "setl.csv")
    assert record.funds == {
        "medical_assistance": Decimal("2799.99"),
        "hospital": Decimal("10.00"),
    }


def _refused(data: bytes, name="bad.csv") -> list[str]:
    with pytest.raises(ImportFileError) as refused:
        read_file(data, name)
    assert "一条也没有导入" in str(refused.value)
    return [str(problem) for problem in refused.value.problems]


def test_amounts_with_commas_are_refused_with_line_and_field():
    rows = [setlinfo(), setlinfo("ZY002", hifp_pay='"5,000.00"')]
    problems = _refused(csv_file(rows))
    assert len(problems) == 1
    assert problems[0].startswith("第3行 hifp_pay：")
    assert "千位分隔符" in problems[0]
    problems = _refused(json_file((setlinfo(medfee_sumamt="9,000.00"), [])), "bad.json")
    assert problems[0].startswith("第11行 medfee_sumamt：")  # its own line in the file


def test_missing_columns_are_named():
    row = setlinfo()
    del row["hifp_pay"], row["maf_pay"]
    problems = _refused(csv_file([row]))
    assert problems == ["第1行 hifp_pay：缺少此列", "第1行 maf_pay：缺少此列"]


def test_a_file_neither_utf8_nor_gbk_is_refused_with_its_line():
    good = csv_file([setlinfo()])
    problems = _refused(good + b"\xff\xfe\xff,x\r\n")
    assert problems[0].startswith("第3行：编码无法识别")


def test_gbk_text_read_as_utf8_is_not_garbled():
    data = csv_file([setlinfo(psn_name="王五")], "gbk")
    (record,) = read_file(data, "setl.csv")
    assert record.name == "王五"


def test_compare_flags_a_fen():
    result = {
        "layers": [
            {"code": "a", "name": "医疗救助", "amount": "2800.00", "fund": "medical_assistance"}
        ]
    }
    (same,) = compare({"medical_assistance": "2800.00"}, result)
    assert not same.differs
    (off,) = compare({"medical_assistance": "2799.99"}, result)
    assert off.differs and off.difference == "0.01" and off.layers == "医疗救助"
