"""The daily close as XLSX (openpyxl), for the cashier's office to match against the hospital
information system: the detail with a totals row, by policy, by fund, slip runs and gaps,
voids, reprints and the audit chain's head."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from app.daily_close.collect import DailyClose
from app.daily_close.pdf import TITLE
from app.sheet_cells import append_row

MONEY_FORMAT = "#,##0.00"
DETAIL_COLUMNS = (
    ("结算单号", 20),
    ("结算时间", 17),
    ("经办人", 10),
    ("姓名", 10),
    ("政策", 14),
    ("就诊类型", 12),
    ("医疗总费用", 12),
    ("救助金额", 12),
    ("医院垫付", 12),
    ("医院减免", 12),
    ("个人支付", 12),
    ("状态", 8),
)
TOTALS_LABEL = "合计（不含作废）"
_MONEY = ("total", "assistance", "advanced", "hospital_reduction", "patient_pays")


def _bold_row(sheet, values) -> None:
    append_row(sheet, values)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _money_cells(sheet, first_column: int) -> None:
    for cell in sheet[sheet.max_row][first_column - 1 :]:
        if not isinstance(cell.value, str):
            cell.number_format = MONEY_FORMAT


def daily_close_xlsx(close: DailyClose) -> bytes:
    """The close's workbook; the detail's totals row sums the rows above it that count."""
    book = Workbook()
    detail = book.active
    detail.title = "结算明细"
    append_row(detail, [f"{close.site_name} {TITLE}", f"日期 {close.day}", f"经办人 {close.who}"])
    _bold_row(detail, [title for title, _width in DETAIL_COLUMNS])
    for index, (_title, width) in enumerate(DETAIL_COLUMNS, 1):
        detail.column_dimensions[chr(64 + index)].width = width
    for case in close.settlements:
        append_row(
            detail,
            [
                case.slip_number,
                f"{case.settled_at:%Y-%m-%d %H:%M}",
                close.settled_by.get(case.slip_number, ""),
                case.person_name,
                close.policy_of.get(case.slip_number, ""),
                case.visit_name,
                *(case.amounts[key] for key in _MONEY),
                "作废" if case.voided else "有效",
            ],
        )
        _money_cells(detail, 7)
    grand = close.totals
    _bold_row(
        detail,
        [TOTALS_LABEL, f"{grand.count} 笔", "", "", "", "", *(grand.sums[key] for key in _MONEY)],
    )
    _money_cells(detail, 7)

    policies = book.create_sheet("按政策汇总")
    _bold_row(policies, ["政策", "笔数", "救助金额", "医院垫付", "医院减免"])
    for line in close.by_policy:
        sums = line.totals.sums
        append_row(
            policies,
            [
                line.title,
                line.totals.count,
                sums["assistance"],
                sums["advanced"],
                sums["hospital_reduction"],
            ],
        )
        _money_cells(policies, 3)

    funds = book.create_sheet("按资金汇总")
    _bold_row(funds, ["资金", "金额"])
    for name, amount in close.fund_lines:
        append_row(funds, [name, amount])
        _money_cells(funds, 2)

    numbers = book.create_sheet("结算单号")
    _bold_row(numbers, ["起", "止", "张数"])
    for first, last, count in close.runs:
        append_row(numbers, [first, last, count])
    append_row(numbers, ["缺号", "、".join(close.gaps) or "无"])

    voids = book.create_sheet("作废与补打")
    _bold_row(voids, ["类别", "结算单号", "时间", "操作人", "说明", "金额"])
    for void in close.voids:
        append_row(
            voids,
            [
                "作废",
                void.slip_number,
                f"{void.voided_at:%Y-%m-%d %H:%M}",
                void.voided_by,
                f"{void.reason}（原经办 {void.settled_by}）",
                void.advanced,
            ],
        )
        _money_cells(voids, 6)
    for reprint in close.reprints:
        append_row(
            voids,
            [
                "补打",
                reprint.slip_number,
                f"{reprint.at:%Y-%m-%d %H:%M}",
                reprint.clerk,
                f"第 {reprint.times} 次补打",
            ],
        )
    append_row(voids, [])
    append_row(voids, ["审计链末端（audit verify --anchor）", close.chain.text()])

    book.properties.title = f"{TITLE} {close.day}"
    book.properties.creator = "一站式即时结算窗口"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
