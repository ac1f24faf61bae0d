"""The bundle's report as PDF (救助资金结算报表): totals by category, visit kind and month, a chart
of monthly assistance by category, the monitored indicators, the year-end list and every
settlement, on A4 landscape with signature lines. Built only from the bundle's cases."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app import fonts
from app.bundle.cases import BundleCase, Totals, fund_lines, totals, totals_by
from app.bundle.indicators import monthly_indicators
from app.money import ONE, ZERO, fmt
from app.printing import typeset

PAGE_W, PAGE_H = landscape(A4)
LEFT, RIGHT, TOP, BOTTOM = 14 * mm, PAGE_W - 14 * mm, PAGE_H - 14 * mm, 16 * mm
ROW = 5.2 * mm
PALETTE = (
    colors.HexColor("#2f5d8a"),
    colors.HexColor("#d07a2b"),
    colors.HexColor("#4f9a58"),
    colors.HexColor("#a33d3d"),
    colors.HexColor("#7b5ea7"),
    colors.HexColor("#8c6d3f"),
    colors.HexColor("#3d8c8c"),
    colors.HexColor("#999999"),
)


@dataclass(frozen=True)
class ReportHeading:
    site_name: str
    site_code: str
    policy_title: str
    document_number: str
    period: str
    document_id: str
    policy_version: str


class _Pages:
    """A cursor that starts a new page (with heading and footer) when the next row won't fit."""

    def __init__(self, canvas: Canvas, heading: ReportHeading):
        self.canvas, self.heading, self.page, self.y = canvas, heading, 0, TOP
        self.new_page()

    def new_page(self) -> None:
        if self.page:
            self.canvas.showPage()
        self.page += 1
        head = self.heading
        typeset.draw_text(
            self.canvas,
            PAGE_W / 2,
            TOP - 4 * mm,
            f"{head.site_name} 医疗救助资金结算报表（{head.period}）",
            15,
            align="center",
        )
        typeset.draw_text(
            self.canvas,
            PAGE_W / 2,
            TOP - 10 * mm,
            f"{head.policy_title}　{head.document_number}　站点 {head.site_code}",
            8,
            align="center",
        )
        typeset.footer(self.canvas, LEFT, RIGHT, 8 * mm, head.document_id, head.policy_version)
        self.y = TOP - 17 * mm

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.new_page()

    def title(self, text: str, keep_with: float = 2 * ROW) -> None:
        """A section title, on the same page as the first ``keep_with`` of what follows it."""
        self.need(ROW * 1.3 + keep_with)
        typeset.draw_text(self.canvas, LEFT, self.y, text, 11)
        self.y -= ROW * 1.3

    def row(
        self,
        cells: list[tuple[str, float, str]],
        size: float = 8,
        bold: bool = False,
        widths: dict[int, float] | None = None,
    ) -> None:
        """``cells``: (text, right edge or left edge x, "left"/"right"). A cell whose index is
        in ``widths`` wraps onto more lines within that width instead of being cut."""
        size += 0.5 if bold else 0
        lines = [
            typeset.wrap(text, size, widths[i]) if widths and i in widths else [text]
            for i, (text, _x, _align) in enumerate(cells)
        ]
        leading = size * 1.25
        height = ROW + leading * (max(map(len, lines)) - 1)
        self.need(height)
        # Line by line across the cells, so the row's first line reads as one line of text
        # (verify-bundle reads the amounts back from it).
        typeset.draw_texts(
            self.canvas,
            (
                (x, self.y - number * leading, cell_lines[number], align)
                for number in range(max(map(len, lines)))
                for cell_lines, (_text, x, align) in zip(lines, cells, strict=True)
                if number < len(cell_lines)
            ),
            size,
        )
        bottom = self.y - height + ROW - 1.6 * mm
        self.canvas.setLineWidth(0.2)
        self.canvas.line(LEFT, bottom, RIGHT, bottom)
        self.y -= height


SUMMARY_X = (
    LEFT,
    LEFT + 95 * mm,
    LEFT + 135 * mm,
    LEFT + 175 * mm,
    LEFT + 215 * mm,
    LEFT + 255 * mm,
)


def _summary(pages: _Pages, title: str, groups: dict[str, Totals], grand: Totals) -> None:
    pages.title(title)
    heads = ("", "笔数", "医疗总费用", "救助基数", "救助金额", "医院垫付（申报）")
    pages.row(
        [
            (text, x, "left" if i == 0 else "right")
            for i, (text, x) in enumerate(zip(heads, SUMMARY_X, strict=True))
        ],
        bold=True,
    )
    for name, group in [*groups.items(), ("合计（不含作废）", grand)]:
        values = (
            name,
            str(group.count),
            fmt(group.sums["total"]),
            fmt(group.sums["base"]),
            fmt(group.sums["assistance"]),
            fmt(group.sums["advanced"]),
        )
        pages.row(
            [
                (text, x, "left" if i == 0 else "right")
                for i, (text, x) in enumerate(zip(values, SUMMARY_X, strict=True))
            ]
        )
    pages.y -= ROW / 2


def _funds(pages: _Pages, grand: Totals) -> None:
    """What the hospital claims back, fund by fund; its own reduction apart, not claimed."""
    pages.title("按资金申报（医院减免由医院自担，不在申报金额内）")
    for name, amount in fund_lines(grand):
        pages.row([(name, LEFT, "left"), (fmt(amount), SUMMARY_X[2], "right")])
    pages.y -= ROW / 2


def _chart(pages: _Pages, cases: list[BundleCase]) -> None:
    """Monthly assistance by category, stacked bars; the legend is drawn as text so its
    Chinese goes through the same font handling as everything else."""
    months = sorted({case.month for case in cases if not case.voided})
    names = sorted({case.category_name for case in cases if not case.voided})
    if not months:
        return
    sums: dict[tuple[str, str], object] = defaultdict(lambda: ZERO)
    for case in cases:
        if not case.voided:
            sums[(case.category_name, case.month)] += case.amounts["assistance"]
    height = 62 * mm
    pages.title("各月救助金额（按救助类别）", keep_with=height)
    drawing = Drawing(170 * mm, height)
    # Labels the chart draws itself use the shipped font: no PDF base font is referenced.
    drawing.initialFontName = typeset.FONT_NAMES[fonts.LATIN]
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 16 * mm, 8 * mm, 140 * mm, height - 14 * mm
    # The chart is a picture: whole yuan as int (ReportLab's axis maths cannot take Decimal);
    # the exact amounts are in the tables.
    chart.data = [
        [int(sums[(name, month)].quantize(ONE, ROUND_HALF_UP)) for month in months]
        for name in names
    ]
    chart.categoryAxis.categoryNames = months
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontName = typeset.FONT_NAMES[fonts.LATIN]
    chart.valueAxis.labels.fontName = typeset.FONT_NAMES[fonts.LATIN]
    chart.valueAxis.valueMin = 0
    chart.barWidth = 8
    for index in range(len(names)):
        chart.bars[index].fillColor = PALETTE[index % len(PALETTE)]
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    renderPDF.draw(drawing, pages.canvas, LEFT, pages.y - height)
    legend_y = pages.y - 6 * mm
    for index, name in enumerate(names):
        pages.canvas.setFillColor(PALETTE[index % len(PALETTE)])
        pages.canvas.rect(LEFT + 175 * mm, legend_y - 0.5 * mm, 4 * mm, 3 * mm, stroke=0, fill=1)
        pages.canvas.setFillColor(colors.black)
        typeset.draw_text(pages.canvas, LEFT + 181 * mm, legend_y, name, 8)
        legend_y -= ROW
    pages.y -= height + ROW / 2


INDICATOR_X = (LEFT, LEFT + 50 * mm, LEFT + 100 * mm, LEFT + 150 * mm, LEFT + 200 * mm)


def _indicators(pages: _Pages, cases: list[BundleCase]) -> None:
    rows = monthly_indicators(cases)
    if not rows:
        return
    pages.title("监测指标（住院）")
    heads = ("月份", "住院人次", "次均住院费用", "住院可报比例", "自费比例")
    pages.row(
        [
            (text, x, "left" if i == 0 else "right")
            for i, (text, x) in enumerate(zip(heads, INDICATOR_X, strict=True))
        ],
        bold=True,
    )
    for row in rows:
        values = (
            row.month,
            str(row.inpatient_count),
            fmt(row.average_cost),
            f"{row.payable_ratio * 100:.2f}%",
            f"{row.self_pay_ratio * 100:.2f}%",
        )
        pages.row(
            [
                (text, x, "left" if i == 0 else "right")
                for i, (text, x) in enumerate(zip(values, INDICATOR_X, strict=True))
            ]
        )
    pages.y -= ROW / 2


DETAIL = (
    ("序号", LEFT, "left"),
    ("结算单号", LEFT + 10 * mm, "left"),
    ("姓名", LEFT + 46 * mm, "left"),
    ("身份证号", LEFT + 64 * mm, "left"),
    ("类别", LEFT + 100 * mm, "left"),
    ("住院号", LEFT + 128 * mm, "left"),
    ("总费用", LEFT + 166 * mm, "right"),
    ("救助基数", LEFT + 188 * mm, "right"),
    ("救助金额", LEFT + 210 * mm, "right"),
    ("医院垫付", LEFT + 232 * mm, "right"),
    ("状态", LEFT + 236 * mm, "left"),
)


# 姓名 and 类别 wrap within their columns (靖江's longest category is 26 characters), and so
# does a long 住院号, within what the 总费用 (right-aligned at the next edge) leaves it.
_WRAP_LEFT_FOR_NEXT = {"姓名": 0, "类别": 0, "住院号": 16.5 * mm}
DETAIL_WRAPPED = {
    index: DETAIL[index + 1][1] - DETAIL[index][1] - 1.5 * mm - _WRAP_LEFT_FOR_NEXT[title]
    for index, (title, _x, _align) in enumerate(DETAIL)
    if title in _WRAP_LEFT_FOR_NEXT
}


def _detail(pages: _Pages, cases: list[BundleCase]) -> None:
    pages.title("结算明细")
    pages.row([(title, x, align) for title, x, align in DETAIL], bold=True)
    for number, case in enumerate(cases, 1):
        status = "作废" if case.voided else case.settle_mode_name[:4]
        values = (
            str(number),
            case.slip_number,
            case.person_name,
            case.id_number,
            case.category_name,
            # An outpatient visit has no 住院号 (its record's number is the slip's own).
            case.admission_number if case.visit == "inpatient" else case.visit_name,
            fmt(case.amounts["total"]),
            fmt(case.amounts["base"]),
            fmt(case.amounts["assistance"]),
            fmt(case.amounts["advanced"]),
            status,
        )
        pages.row(
            [(text, x, align) for text, (_, x, align) in zip(values, DETAIL, strict=True)],
            size=7.5,
            widths=DETAIL_WRAPPED,
        )


def _year_end(pages: _Pages, cases: list[BundleCase]) -> None:
    due = [case for case in cases if case.settle_mode == "year_end" and not case.voided]
    if not due:
        return
    pages.title("年底统一救助名单（由主管部门另行发放，不在本期垫付）")
    for case in due:
        pages.row(
            [
                (case.person_name, LEFT, "left"),
                (case.id_number, LEFT + 30 * mm, "left"),
                (case.category_name, LEFT + 75 * mm, "left"),
                (f"基数 {fmt(case.amounts['base'])}", LEFT + 170 * mm, "right"),
                (f"应发 {fmt(case.amounts['assistance'])}", LEFT + 215 * mm, "right"),
            ],
            widths={2: 65 * mm},
        )
    pages.y -= ROW / 2


def _signatures(pages: _Pages) -> None:
    pages.y -= ROW
    for text, x in (
        ("定点医疗机构（盖章）：", LEFT),
        ("经办人：", LEFT + 100 * mm),
        ("审核人：", LEFT + 160 * mm),
        ("日期：", LEFT + 215 * mm),
    ):
        typeset.draw_text(pages.canvas, x, pages.y, text, 9)


def report_pdf(cases: list[BundleCase], heading: ReportHeading) -> bytes:
    grand = totals(cases)

    def draw(canvas: Canvas) -> None:
        pages = _Pages(canvas, heading)
        _summary(pages, "按救助类别汇总", totals_by(cases, lambda c: c.category_name), grand)
        _summary(pages, "按就诊类型汇总", totals_by(cases, lambda c: c.visit_name), grand)
        _summary(pages, "按月汇总", totals_by(cases, lambda c: c.month), grand)
        _funds(pages, grand)
        _chart(pages, cases)
        _indicators(pages, cases)
        _year_end(pages, cases)
        _detail(pages, cases)
        voided = sum(case.voided for case in cases)
        pages.need(3 * ROW)  # the count and the signatures stay together on the last page
        pages.row([(f"共 {len(cases)} 笔，其中作废 {voided} 笔（作废不计入合计）", LEFT, "left")])
        _signatures(pages)

    return typeset.build_pdf(
        landscape(A4),
        f"医疗救助资金结算报表 {heading.period}",
        heading.document_id,
        draw,
        page_numbers=_page_number,
    )


def _page_number(canvas: Canvas, page: int, pages: int) -> None:
    typeset.draw_text(canvas, PAGE_W / 2, 8 * mm, f"第 {page} 页 共 {pages} 页", 7, align="center")
