"""what-if.pdf: A4, the year's totals today and under the draft, bar charts by month and by
category (black and white bars: readable from a monochrome printer), the cases that change
most. Every figure is the sum of the cases in what-if.xlsx."""

from decimal import ROUND_HALF_UP

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app import fonts
from app.money import ONE, ZERO, fmt
from app.printing import typeset
from app.vocabulary import FUND_NAMES
from app.whatif.replay import WhatIf

PAGE_W, PAGE_H = A4
LEFT, RIGHT, TOP, BOTTOM = 18 * mm, PAGE_W - 18 * mm, PAGE_H - 18 * mm, 18 * mm
ROW = 5.5 * mm
COLUMNS = (LEFT, LEFT + 95 * mm, LEFT + 130 * mm, RIGHT)  # label, today, draft, difference
CHART_H = 62 * mm


class _Page:
    def __init__(self, canvas: Canvas, run: WhatIf):
        self.canvas, self.run, self.y = canvas, run, TOP
        self._head()

    def _head(self) -> None:
        typeset.draw_text(
            self.canvas, PAGE_W / 2, self.y, f"{self.run.year}年医疗救助测算：现行政策与草案",
            14, align="center",
        )  # fmt: skip
        self.y -= 6 * mm
        typeset.draw_text(
            self.canvas, PAGE_W / 2, self.y, f"{self.run.policy_title}　草案文件：{self.run.draft_path}",
            7.5, align="center",
        )  # fmt: skip
        self.y -= 9 * mm

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.canvas.showPage()
            self.y = TOP
            self._head()

    def title(self, text: str, keep_with: float) -> None:
        self.need(ROW * 1.4 + keep_with)
        typeset.draw_text(self.canvas, LEFT, self.y, text, 11)
        self.y -= ROW * 1.4

    def row(self, cells: tuple[str, ...], bold: bool = False) -> None:
        self.need(ROW)
        size = 9 if bold else 8.5
        for index, (text, x) in enumerate(zip(cells, COLUMNS, strict=False)):
            typeset.draw_text(
                self.canvas, x, self.y, text, size, align="left" if index == 0 else "right"
            )
        self.canvas.setLineWidth(0.2)
        self.canvas.line(LEFT, self.y - 1.7 * mm, RIGHT, self.y - 1.7 * mm)
        self.y -= ROW


def _money(page: _Page, label: str, today, draft) -> None:
    page.row((label, fmt(today), fmt(draft), _signed(draft - today)))


def _signed(amount) -> str:
    return f"+{fmt(amount)}" if amount > 0 else fmt(amount)


def _summary(page: _Page) -> None:
    run = page.run
    page.title("全年合计（元）", 6 * ROW)
    page.row(("项目", "现行政策", "草案", "差额"), bold=True)
    _money(page, "救助合计", run.today.assistance, run.draft.assistance)
    for fund, name in FUND_NAMES.items():
        today, draft = run.today.by_fund.get(fund, ZERO), run.draft.by_fund.get(fund, ZERO)
        if today or draft:
            _money(page, f"其中 {name}", today, draft)
    _money(page, "患者自付合计", run.today.patient_pays, run.draft.patient_pays)
    capped = (len(run.today.capped), len(run.draft.capped))
    page.row(("达到封顶线人数", str(capped[0]), str(capped[1]), f"{capped[1] - capped[0]:+d}"))
    page.row(("结算笔数", str(len(run.cases)), str(len(run.cases)), "0"))
    page.y -= ROW / 2


def _chart(page: _Page, title: str, today: dict, draft: dict) -> None:
    keys = sorted(set(today) | set(draft))
    if not keys:
        return
    page.title(title, CHART_H)
    drawing = Drawing(RIGHT - LEFT, CHART_H)
    drawing.initialFontName = typeset.FONT_NAMES[fonts.LATIN]
    chart = VerticalBarChart()
    chart.x, chart.y = 16 * mm, 14 * mm
    chart.width, chart.height = RIGHT - LEFT - 50 * mm, CHART_H - 18 * mm
    # A picture: whole yuan (ReportLab's axis maths takes no Decimal); exact figures above.
    chart.data = [
        [int(side.get(key, 0).quantize(ONE, ROUND_HALF_UP)) for key in keys]
        for side in (today, draft)
    ]
    chart.categoryAxis.categoryNames = [""] * len(keys)  # labels drawn below as text
    chart.valueAxis.labels.fontName = typeset.FONT_NAMES[fonts.LATIN]
    chart.categoryAxis.labels.fontName = typeset.FONT_NAMES[fonts.LATIN]
    chart.valueAxis.valueMin = 0
    chart.barSpacing = 1
    for index, fill in enumerate((colors.black, colors.white)):
        chart.bars[index].fillColor = fill
        chart.bars[index].strokeColor = colors.black
        chart.bars[index].strokeWidth = 0.6
    drawing.add(chart)
    bottom = page.y - CHART_H
    renderPDF.draw(drawing, page.canvas, LEFT, bottom)
    step = chart.width / len(keys)
    for index, key in enumerate(keys):
        x = LEFT + chart.x + step * (index + 0.5)
        size = typeset.fit_size(key, 7, step - 1 * mm, smallest=5)
        typeset.draw_text(page.canvas, x, bottom + chart.y - 4 * mm, key, size, align="center")
    legend_x, legend_y = LEFT + chart.x + chart.width + 6 * mm, page.y - 10 * mm
    for fill, name in ((colors.black, "现行政策"), (colors.white, "草案")):
        page.canvas.setFillColor(fill)
        page.canvas.setStrokeColor(colors.black)
        page.canvas.rect(legend_x, legend_y - 0.5 * mm, 4 * mm, 3 * mm, stroke=1, fill=1)
        page.canvas.setFillColor(colors.black)
        typeset.draw_text(page.canvas, legend_x + 6 * mm, legend_y, name, 8)
        legend_y -= ROW
    page.y = bottom - ROW / 2


def _largest(page: _Page) -> None:
    changes = page.run.largest_changes(15)
    if not changes:
        page.title("各笔结算的救助金额均无变化", 0)
        return
    page.title("救助金额变化最大的结算（元）", 3 * ROW)
    page.row(("结算单号　姓名　类别", "现行政策", "草案", "差额"), bold=True)
    for case in changes:
        label = f"{case.slip_number}　{case.person_name}　{case.category}"
        label_size = typeset.fit_size(label, 8.5, COLUMNS[1] - LEFT - 22 * mm, smallest=6)
        page.need(ROW)
        typeset.draw_text(page.canvas, LEFT, page.y, label, label_size)
        for text, x in zip(
            (fmt(case.today), fmt(case.draft), _signed(case.difference)), COLUMNS[1:], strict=True
        ):
            typeset.draw_text(page.canvas, x, page.y, text, 8.5, align="right")
        page.canvas.setLineWidth(0.2)
        page.canvas.line(LEFT, page.y - 1.7 * mm, RIGHT, page.y - 1.7 * mm)
        page.y -= ROW


def whatif_pdf(run: WhatIf) -> bytes:
    def draw(canvas: Canvas) -> None:
        page = _Page(canvas, run)
        _summary(page)
        _chart(page, "各月救助金额（元）", run.today.by_month, run.draft.by_month)
        _chart(page, "各救助类别救助金额（元）", run.today.by_category, run.draft.by_category)
        _largest(page)

    def number(canvas: Canvas, page: int, pages: int) -> None:
        typeset.draw_text(
            canvas, PAGE_W / 2, 10 * mm, f"第 {page} 页 共 {pages} 页", 7, align="center"
        )

    return typeset.build_pdf(
        A4, f"{run.year}年医疗救助测算", f"what-if-{run.policy_id}-{run.year}", draw, number
    )
