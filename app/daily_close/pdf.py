"""The daily close on A4 portrait (日结单), in the shipped CJK font, with signature lines."""

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.daily_close.collect import DailyClose
from app.money import fmt
from app.printing import typeset

PAGE_W, PAGE_H = A4
LEFT, RIGHT, TOP, BOTTOM = 14 * mm, PAGE_W - 14 * mm, PAGE_H - 14 * mm, 18 * mm
ROW = 5.2 * mm
TITLE = "医疗救助窗口日结单（交班）"
# Detail columns: (heading, x, align); amounts right-aligned at their x.
DETAIL = (
    ("结算单号", LEFT, "left"),
    ("时间", LEFT + 36 * mm, "left"),
    ("经办人", LEFT + 48 * mm, "left"),
    ("姓名", LEFT + 66 * mm, "left"),
    ("就诊类型", LEFT + 84 * mm, "left"),
    ("医疗总费用", LEFT + 128 * mm, "right"),
    ("医院垫付", LEFT + 150 * mm, "right"),
    ("医院减免", LEFT + 168 * mm, "right"),
    ("状态", RIGHT, "right"),
)
AMOUNT_X = LEFT + 128 * mm


def document_id(close: DailyClose) -> str:
    who = close.clerk or "ALL"
    return f"RJ-{close.site_code}-{close.day:%Y%m%d}-{who}"


class _Pages:
    def __init__(self, canvas: Canvas, close: DailyClose):
        self.canvas, self.close, self.page, self.y = canvas, close, 0, TOP
        self.new_page()

    def new_page(self) -> None:
        if self.page:
            self.canvas.showPage()
        self.page += 1
        close = self.close
        typeset.draw_text(
            self.canvas, PAGE_W / 2, TOP - 4 * mm, f"{close.site_name} {TITLE}", 14, align="center"
        )
        typeset.draw_text(
            self.canvas,
            PAGE_W / 2,
            TOP - 10 * mm,
            f"日期 {close.day.isoformat()}　经办人 {close.who}　站点 {close.site_code}"
            f"　第 {self.page} 页",
            8.5,
            align="center",
        )
        typeset.draw_text(self.canvas, LEFT, 8 * mm, f"文档编号：{document_id(close)}", 6)
        typeset.draw_text(
            self.canvas, RIGHT, 8 * mm, f"生成于 {close.made_at:%Y-%m-%d %H:%M}", 6, align="right"
        )
        self.y = TOP - 17 * mm

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.new_page()

    def title(self, text: str) -> None:
        self.need(3 * ROW)
        typeset.draw_text(self.canvas, LEFT, self.y, text, 10.5)
        self.y -= ROW * 1.3

    def row(self, cells, size: float = 8) -> None:
        """``cells``: (text, x, align) or (text, x, align, size of that cell). A left-aligned
        cell keeps to its column: smaller down to 5 pt, then cut with …, never over the next
        (a long void reason or name ran over 原经办 and 就诊类型)."""
        self.need(ROW)
        cells = [(text, x, align, own[0] if own else size) for text, x, align, *own in cells]
        for index, (text, x, align, cell_size) in enumerate(cells):
            if align == "left":
                room = _room(x, cells[index + 1 :])
                cell_size = typeset.fit_size(text, cell_size, room)
                text = _cut_to(text, cell_size, room)
            typeset.draw_text(self.canvas, x, self.y, text, cell_size, align=align)
        self.canvas.setLineWidth(0.2)
        self.canvas.line(LEFT, self.y - 1.6 * mm, RIGHT, self.y - 1.6 * mm)
        self.y -= ROW

    def gap(self) -> None:
        self.y -= ROW / 2


def _room(x: float, later) -> float:
    """The width from ``x`` to where the next cell of the row begins (or the right margin)."""
    for text, next_x, align, size in later:
        start = next_x - typeset.text_width(text, size) if align == "right" else next_x
        if start > x:
            return start - x - 1.5 * mm
    return RIGHT - x


def _cut_to(text: str, size: float, room: float) -> str:
    if typeset.text_width(text, size) <= room:
        return text
    while text and typeset.text_width(text + "…", size) > room:
        text = text[:-1]
    return text + "…"


def _detail(pages: _Pages, close: DailyClose) -> None:
    pages.title(f"一、结算明细（{len(close.settlements)} 笔，作废的列出但不计入合计）")
    pages.row([(head, x, align) for head, x, align in DETAIL])
    for case in close.settlements:
        values = (
            case.slip_number,
            f"{case.settled_at:%H:%M}",
            close.settled_by.get(case.slip_number, ""),
            case.person_name,
            case.visit_name,
            fmt(case.amounts["total"]),
            fmt(case.amounts["advanced"]),
            fmt(case.amounts["hospital_reduction"]),
            "作废" if case.voided else "有效",
        )
        pages.row([(v, x, a) for v, (_h, x, a) in zip(values, DETAIL, strict=True)])
    grand = close.totals
    pages.row(
        [
            (f"合计（有效 {grand.count} 笔）", LEFT, "left"),
            (fmt(grand.sums["total"]), DETAIL[5][1], "right"),
            (fmt(grand.sums["advanced"]), DETAIL[6][1], "right"),
            (fmt(grand.sums["hospital_reduction"]), DETAIL[7][1], "right"),
        ],
        size=8.5,
    )
    pages.gap()


def _by_policy(pages: _Pages, close: DailyClose) -> None:
    pages.title("二、按政策汇总（医院垫付）")
    for line in close.by_policy:
        size = typeset.fit_size(line.title, 8, 95 * mm)
        pages.row(
            [
                (line.title, LEFT, "left", size),
                (f"{line.totals.count} 笔", LEFT + 110 * mm, "right"),
                (fmt(line.totals.sums["advanced"]), AMOUNT_X + 22 * mm, "right"),
            ]
        )
    if not close.by_policy:
        pages.row([("当日无结算", LEFT, "left")])
    pages.gap()
    pages.title("三、按资金汇总（医院减免由医院自担，不申报）")
    for name, amount in close.fund_lines:
        pages.row([(name, LEFT, "left"), (fmt(amount), AMOUNT_X + 22 * mm, "right")])
    pages.gap()


def _numbers(pages: _Pages, close: DailyClose) -> None:
    pages.title(f"四、结算单号（共 {close.slip_count} 张）")
    for first, last, count in close.runs:
        span = first if first == last else f"{first} 至 {last}"
        pages.row([(f"{span}　连续 {count} 张", LEFT, "left")])
    if close.gaps:
        pages.row([(f"缺号 {len(close.gaps)} 个：{'、'.join(close.gaps)}", LEFT, "left")])
    else:
        pages.row([("单号连续，无缺号", LEFT, "left")])
    pages.gap()


def _voids_and_reprints(pages: _Pages, close: DailyClose) -> None:
    pages.title(f"五、作废（{len(close.voids)} 笔）")
    for void in close.voids:
        pages.row(
            [
                (void.slip_number, LEFT, "left"),
                (f"{void.voided_at:%H:%M} {void.voided_by}", LEFT + 36 * mm, "left"),
                (void.reason, LEFT + 66 * mm, "left"),
                (f"原经办 {void.settled_by}", LEFT + 130 * mm, "left"),
                (fmt(void.advanced), RIGHT, "right"),
            ]
        )
    pages.gap()
    pages.title(f"六、补打（{len(close.reprints)} 次）")
    for reprint in close.reprints:
        pages.row(
            [
                (reprint.slip_number, LEFT, "left"),
                (f"{reprint.at:%H:%M} {reprint.clerk}", LEFT + 36 * mm, "left"),
                (f"第 {reprint.times} 次补打", LEFT + 66 * mm, "left"),
            ]
        )
    pages.gap()


def _chain_and_signatures(pages: _Pages, close: DailyClose) -> None:
    chain = close.chain
    pages.title("七、审计记录")
    pages.row([(f"审计链末端（核对用：audit verify --anchor）：{chain.text()}", LEFT, "left")])
    pages.need(4 * ROW)
    pages.y -= ROW * 1.5
    for text, x in (
        ("经办人签字：", LEFT),
        ("接班人签字：", LEFT + 62 * mm),
        ("收费处核对：", LEFT + 124 * mm),
    ):
        typeset.draw_text(pages.canvas, x, pages.y, text, 9)


def daily_close_pdf(close: DailyClose) -> bytes:
    """The close on A4 portrait: detail, totals by policy and fund, slip runs and gaps,
    voids and reprints, the audit chain's head, signature lines."""

    def draw(canvas: Canvas) -> None:
        pages = _Pages(canvas, close)
        _detail(pages, close)
        _by_policy(pages, close)
        _numbers(pages, close)
        _voids_and_reprints(pages, close)
        _chain_and_signatures(pages, close)

    return typeset.build_pdf(A4, f"{TITLE} {close.day}", document_id(close), draw)
