"""The bundle's report as XLSX (openpyxl): one row per settlement with a totals row, then
totals by category and by month, the monitored indicators, and the year-end list."""

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from app.bundle import xlsx_rows
from app.bundle.cases import (
    CLAIMED_LABEL,
    MONEY_FIELDS,
    BundleCase,
    Totals,
    fund_lines,
    totals,
    totals_by,
)
from app.bundle.indicators import monthly_indicators
from app.bundle.zipfiles import normalise_office_file
from app.money import ZERO
from app.national_codes import fund_pay_type, national_codes
from app.sheet_cells import append_row, as_text, print_setup
from app.vocabulary import FUND_NAMES

MONEY_FORMAT = "#,##0.00"
DETAIL_PART = "xl/worksheets/sheet1.xml"  # the 明细 sheet, the workbook's first
DETAIL_COLUMNS = (
    ("序号", 6),
    ("结算单号", 20),
    ("结算时间", 17),
    ("姓名", 10),
    ("身份证号", 20),
    ("救助类别", 16),
    ("就诊类型", 12),
    ("住院号", 12),
    ("入院日期", 11),
    ("出院日期", 11),
    ("医疗总费用", 12),
    ("目录外费用", 12),
    ("基本医保", 12),
    ("大病保险", 12),
    ("其他补偿", 12),
    ("不予救助费用", 12),
    ("救助基数", 12),
    ("救助金额", 12),
    ("窗口支付合计", 12),
    ("医院减免", 12),
    ("医院垫付（申报）", 14),
    ("个人支付", 12),
    ("结算方式", 16),
    ("状态", 18),
)
# The money columns of the detail sheet, in the order of the cases' amounts.
DETAIL_MONEY = MONEY_FIELDS
TOTALS_LABEL = "合计（不含作废）"
SUMMARY_COLUMNS = ("笔数", "医疗总费用", "救助基数", "救助金额", "医院垫付（申报）")
FUND_COLUMN = "申报：{}"
# The national codes beside ours (app.national_codes), after the fund columns so the columns
# above keep their places: 险种, 医疗类别, the site's region, the policy's code for the category,
# and the 基金支付类型 of each fund the case advanced from.
NATIONAL_COLUMNS = (
    ("险种代码 insutype", "insutype"),
    ("医疗类别代码 med_type", "med_type"),
    ("行政区划 admdvs", "admdvs"),
    ("人员类别代码（本县）", "category"),
    ("基金支付类型 fund_pay_type", "fund_pay_type"),
)


def _day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment else ""


def _header(sheet, titles) -> None:
    append_row(sheet, titles)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")


def _money(sheet, row: int, first_column: int, count: int) -> None:
    for column in range(first_column, first_column + count):
        sheet.cell(row=row, column=column).number_format = MONEY_FORMAT


def _national(case: BundleCase, policy) -> list[str]:
    if policy is None:
        return [""] * len(NATIONAL_COLUMNS)
    own = policy.national_codes.as_tables()
    codes = national_codes(
        insurance=case.insurance,
        visit=case.visit,
        region_code=policy.region_code,
        category=case.category,
        own=own,
    )
    codes["fund_pay_type"] = "；".join(
        code for fund, _amount in case.funds if (code := fund_pay_type(fund, own))
    )
    return [codes.get(key, "") for _title, key in NATIONAL_COLUMNS]


def _detail(sheet, cases: list[BundleCase], grand: Totals, policy=None) -> "_PlainRows":
    funds = list(grand.by_fund)
    fund_titles = [FUND_COLUMN.format(FUND_NAMES[fund]) for fund in funds]
    national_titles = [title for title, _key in NATIONAL_COLUMNS] if policy is not None else []
    _header(sheet, [*(title for title, _ in DETAIL_COLUMNS), *fund_titles, *national_titles])
    for index, (_, width) in enumerate(DETAIL_COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    fund_column = len(DETAIL_COLUMNS) + 1
    for index in range(fund_column, fund_column + len(funds) + len(national_titles)):
        sheet.column_dimensions[get_column_letter(index)].width = 16
    money_columns = [
        *range(11, 11 + len(DETAIL_MONEY)),
        *range(fund_column, fund_column + len(funds)),
    ]
    plain_rows: dict[int, list] = {}
    for number, case in enumerate(cases, 1):
        status = f"作废：{case.void_reason or ''}" if case.voided else "正常"
        values = [
            number,
            case.slip_number,
            case.settled_at.strftime("%Y-%m-%d %H:%M"),
            case.person_name,
            case.id_number,
            case.category_name,
            case.visit_name,
            case.admission_number or "（门诊）",
            _day(case.admitted_at),
            _day(case.discharged_at),
            *(case.amounts[key] for key in DETAIL_MONEY),
            case.settle_mode_name,
            status,
            *(dict(case.funds).get(fund, ZERO) for fund in funds),
            *(_national(case, policy) if policy is not None else ()),
        ]
        # the header is row 1; the first case's row always goes through openpyxl, which
        # gives the money columns the style the spliced rows take from it
        if number > 1 and xlsx_rows.plain(values):
            plain_rows[number + 1] = values
            continue
        _put_row(sheet, number + 1, values)
        for column in money_columns:
            sheet.cell(row=number + 1, column=column).number_format = MONEY_FORMAT
    _put_row(
        sheet,
        len(cases) + 2,
        [
            TOTALS_LABEL,
            f"{grand.count} 笔",
            *[""] * 8,
            *(grand.sums[key] for key in DETAIL_MONEY),
            "",
            "",
            *(grand.by_fund[fund] for fund in funds),
        ],
    )
    _money(sheet, sheet.max_row, 11, len(DETAIL_MONEY))
    _money(sheet, sheet.max_row, fund_column, len(funds))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "C2"
    return _PlainRows(plain_rows, money_columns)


@dataclass(frozen=True)
class _PlainRows:
    """Detail rows kept out of openpyxl (row number -> values), spliced in at save
    (``app.bundle.xlsx_rows``), and the money columns whose style they take from row 2."""

    rows: dict[int, list]
    money_columns: list[int]

    def splice(self, sheet_xml: bytes) -> bytes:
        if not self.rows:
            return sheet_xml
        styles = xlsx_rows.cell_styles(sheet_xml, 2, self.money_columns)
        made = {number: xlsx_rows.row_xml(number, v, styles) for number, v in self.rows.items()}
        return xlsx_rows.splice_rows(sheet_xml, made)


def _put_row(sheet, row: int, values: list) -> None:
    """``append_row`` at row ``row`` (rows before it may be left to ``xlsx_rows``)."""
    for column, value in enumerate(values, 1):
        as_text(sheet.cell(row=row, column=column, value=value))


def _summary(sheet, title: str, groups: dict[str, Totals], grand: Totals) -> None:
    _header(sheet, (title, *SUMMARY_COLUMNS))
    sheet.column_dimensions["A"].width = 22
    for letter in "BCDEF":
        sheet.column_dimensions[letter].width = 14
    for name, group in [*groups.items(), (TOTALS_LABEL, grand)]:
        append_row(
            sheet,
            [
                name,
                group.count,
                group.sums["total"],
                group.sums["base"],
                group.sums["assistance"],
                group.sums["advanced"],
            ],
        )
        _money(sheet, sheet.max_row, 3, 4)


def _funds(sheet, grand: Totals) -> None:
    """What the hospital claims back, fund by fund; its own reduction listed apart, unclaimed."""
    _header(sheet, ("资金", "申报金额"))
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 16
    for name, amount in fund_lines(grand):
        append_row(sheet, [name, amount])
        _money(sheet, sheet.max_row, 2, 1)
        if name == CLAIMED_LABEL:
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)


def _indicators(sheet, cases: list[BundleCase]) -> None:
    _header(sheet, ("月份", "住院人次", "次均住院费用", "住院可报比例", "自费比例"))
    for letter, width in zip("ABCDE", (10, 10, 14, 14, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in monthly_indicators(cases):
        append_row(
            sheet,
            [
                row.month,
                row.inpatient_count,
                row.average_cost,
                row.payable_ratio,
                row.self_pay_ratio,
            ],
        )
        sheet.cell(row=sheet.max_row, column=3).number_format = MONEY_FORMAT
        for column in (4, 5):
            sheet.cell(row=sheet.max_row, column=column).number_format = "0.00%"


def _year_end(sheet, cases: list[BundleCase]) -> None:
    _header(sheet, ("结算单号", "姓名", "身份证号", "救助类别", "救助基数", "应发救助金额"))
    for case in cases:
        if case.settle_mode == "year_end" and not case.voided:
            append_row(
                sheet,
                [
                    case.slip_number,
                    case.person_name,
                    case.id_number,
                    case.category_name,
                    case.amounts["base"],
                    case.amounts["assistance"],
                ],
            )
            _money(sheet, sheet.max_row, 5, 2)


def report_xlsx(cases: list[BundleCase], title: str, stamp: datetime, policy=None) -> bytes:
    """The report workbook; ``stamp`` (when the data was last changed) is its only date.
    With the ``policy`` definition, the detail carries the national codes (``NATIONAL_COLUMNS``)."""
    grand = totals(cases)
    book = Workbook()
    detail = book.active
    detail.title = "明细"
    plain_rows = _detail(detail, cases, grand, policy)
    _summary(
        book.create_sheet("按类别汇总"),
        "救助类别",
        totals_by(cases, lambda c: c.category_name),
        grand,
    )
    _summary(
        book.create_sheet("按就诊类型汇总"),
        "就诊类型",
        totals_by(cases, lambda c: c.visit_name),
        grand,
    )
    _summary(book.create_sheet("按月汇总"), "月份", totals_by(cases, lambda c: c.month), grand)
    _funds(book.create_sheet("按资金汇总"), grand)
    _indicators(book.create_sheet("监测指标"), cases)
    if any(case.settle_mode == "year_end" for case in cases):
        _year_end(book.create_sheet("年底救助名单"), cases)
    for sheet in book.worksheets:
        print_setup(sheet, f"{title}　{sheet.title}")
    book.properties.title = title
    book.properties.creator = "一站式即时结算窗口"
    buffer = io.BytesIO()
    book.save(buffer)
    return normalise_office_file(
        buffer.getvalue(),
        stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        rewrite={DETAIL_PART: plain_rows.splice},
    )


def read_detail_totals(data: bytes) -> dict[str, Decimal]:
    """The totals row of the 明细 sheet, for verification: column title -> amount."""
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data), read_only=True)["明细"]
    rows = list(sheet.iter_rows(values_only=True))
    titles, last = rows[0], rows[-1]
    if last[0] != TOTALS_LABEL:
        raise ValueError("报表明细缺少合计行")
    return {
        str(title): Decimal(str(value))
        for title, value in zip(titles, last, strict=True)
        if isinstance(value, int | float | Decimal) and title != "序号"
    }


@dataclass(frozen=True)
class DetailSheet:
    """The 明细 sheet read back for verification: per settlement its slip number, whether it
    is voided and its amounts by column title; and the totals row by column title."""

    rows: tuple[tuple[str, bool, dict[str, Decimal]], ...]
    totals: dict[str, Decimal]


def _amount(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return Decimal(str(value))


def read_detail(data: bytes) -> DetailSheet:
    """Every settlement row of the 明细 sheet and its totals row; the money columns are the
    detail's amounts and the per-fund claims (``申报：…``)."""
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data), read_only=True)["明细"]
    rows = list(sheet.iter_rows(values_only=True))
    if not rows or rows[-1][0] != TOTALS_LABEL:
        raise ValueError("报表明细缺少合计行")
    titles = [str(title) for title in rows[0]]
    first = 10  # 医疗总费用, the first money column
    money = list(range(first, first + len(DETAIL_MONEY)))
    money += [index for index, title in enumerate(titles) if title.startswith("申报：")]

    def amounts(row) -> dict[str, Decimal]:
        return {titles[i]: _amount(row[i]) or ZERO for i in money if i < len(row)}

    status = titles.index("状态")
    settlements = tuple(
        (str(row[1]), str(row[status] or "").startswith("作废"), amounts(row)) for row in rows[1:-1]
    )
    return DetailSheet(settlements, amounts(rows[-1]))
