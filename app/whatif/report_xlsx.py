"""what-if.xlsx: the summary, per month and per category with charts (black and white bars
so a monochrome printer keeps them apart), the cases that change most, and every case."""

import io

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font

from app.money import ZERO
from app.sheet_cells import append_row, print_setup
from app.vocabulary import FUND_NAMES
from app.whatif.replay import WhatIf

MONEY = "#,##0.00"
TODAY, DRAFT = "现行政策", "草案"
CHART_ROWS = 20  # rows the chart under a table covers (8 cm)


def whatif_xlsx(run: WhatIf) -> bytes:
    book = Workbook()
    _summary(book.active, run)
    _by(book.create_sheet("按月"), "月份", run.today.by_month, run.draft.by_month)
    _by(book.create_sheet("按类别"), "救助类别", run.today.by_category, run.draft.by_category)
    _cases(book.create_sheet("变化最大"), run.largest_changes(20))
    _cases(book.create_sheet("明细"), run.cases)
    for sheet in book.worksheets:
        charted = CHART_ROWS if sheet._charts else 0
        print_setup(sheet, f"{run.year}年救助测算（{run.policy_title}）　{sheet.title}", 1, charted)
    book.properties.title = f"{run.year}年救助测算"
    book.properties.creator = "一站式即时结算窗口"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header(sheet, titles) -> None:
    append_row(sheet, titles)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _money_row(sheet, label, today, draft) -> None:
    append_row(sheet, [label, today, draft, draft - today])
    for cell in sheet[sheet.max_row][1:]:
        cell.number_format = MONEY


def _summary(sheet, run: WhatIf) -> None:
    sheet.title = "汇总"
    append_row(sheet, [f"{run.year}年 {run.policy_title}：现行政策与草案（{run.draft_path}）"])
    sheet["A1"].font = Font(bold=True, size=12)
    _header(sheet, ["项目", TODAY, DRAFT, "差额"])
    _money_row(sheet, "救助合计", run.today.assistance, run.draft.assistance)
    for fund, name in FUND_NAMES.items():
        today, draft = run.today.by_fund.get(fund, ZERO), run.draft.by_fund.get(fund, ZERO)
        if today or draft:
            _money_row(sheet, f"其中 {name}", today, draft)
    _money_row(sheet, "患者自付合计", run.today.patient_pays, run.draft.patient_pays)
    append_row(
        sheet,
        ["达到封顶线人数", len(run.today.capped), len(run.draft.capped),
         len(run.draft.capped) - len(run.today.capped)],
    )  # fmt: skip
    append_row(sheet, ["结算笔数", len(run.cases), len(run.cases), 0])
    sheet.column_dimensions["A"].width = 30
    for letter in "BCD":
        sheet.column_dimensions[letter].width = 16


def _by(sheet, title: str, today: dict, draft: dict) -> None:
    _header(sheet, [title, TODAY, DRAFT, "差额"])
    keys = sorted(set(today) | set(draft))
    for key in keys:
        _money_row(sheet, key, today.get(key, 0), draft.get(key, 0))
    sheet.column_dimensions["A"].width = 28
    for letter in "BCD":
        sheet.column_dimensions[letter].width = 16
    if not keys:
        return
    chart = BarChart()
    chart.type = "col"
    chart.title = f"救助金额（按{title}）"
    chart.y_axis.title = "元"
    data = Reference(sheet, min_col=2, max_col=3, min_row=1, max_row=len(keys) + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(keys) + 1))
    # Black and white: a solid black bar beside a white one outlined in black.
    for series, fill in zip(chart.series, ("000000", "FFFFFF"), strict=True):
        series.graphicalProperties.solidFill = fill
        series.graphicalProperties.line.solidFill = "000000"
    chart.width, chart.height = 14, 8
    sheet.add_chart(chart, f"A{len(keys) + 3}")


def _cases(sheet, cases) -> None:
    _header(
        sheet,
        ["结算单号", "姓名", "救助类别", "月份", f"救助（{TODAY}）", f"救助（{DRAFT}）", "差额",
         f"自付（{TODAY}）", f"自付（{DRAFT}）"],
    )  # fmt: skip
    for case in cases:
        append_row(
            sheet,
            [case.slip_number, case.person_name, case.category, case.month, case.today,
             case.draft, case.difference, case.today_pays, case.draft_pays],
        )  # fmt: skip
        for cell in sheet[sheet.max_row][4:]:
            cell.number_format = MONEY
    for letter, width in zip("ABCDEFGHI", (20, 10, 24, 9, 14, 14, 12, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width
