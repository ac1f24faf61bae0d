"""The national codes beside ours in the bundle's report.xlsx detail (issue 19, point 2)."""

import io

from openpyxl import load_workbook

from app.bundle.export import export_bundle
from app.bundle.manifest import verify_bundle
from app.bundle.report_xlsx import NATIONAL_COLUMNS


def test_the_detail_carries_the_national_codes_after_ours(quarter, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    report = export_bundle(quarter.store, quarter.policies, period_text="2026Q3", target_dir=usb)
    assert verify_bundle(report.path).ok
    data = (report.path / "report.xlsx").read_bytes()
    rows = list(load_workbook(io.BytesIO(data), read_only=True)["明细"].iter_rows(values_only=True))
    titles = list(rows[0])
    assert titles[-len(NATIONAL_COLUMNS) :] == [title for title, _key in NATIONAL_COLUMNS]
    column = {title: titles.index(title) for title, _key in NATIONAL_COLUMNS}
    first = rows[1]
    assert first[column["险种代码 insutype"]] == "390"  # 城乡居民
    assert first[column["医疗类别代码 med_type"]] == "21"  # 普通住院
    assert first[column["行政区划 admdvs"]] == "370405"  # 台儿庄区
    assert first[column["基金支付类型 fund_pay_type"]] == "610100"
