"""Paper for claims paid after discharge: the 受理回执 given at intake (claim number as a
Code 128 barcode, the materials received, the date by which it will be paid) and 威海's
year-end 公示 list (names masked as the policy allows, category, amount). A4 portrait."""

from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.fonts import check_fields
from app.money import fmt
from app.printing import typeset
from app.printing.code128 import draw_code128

PAGE_W, PAGE_H = A4
LEFT, RIGHT = 20 * mm, PAGE_W - 20 * mm
MODULE = 72 / 75  # as the slip: decodes from a 150 dpi rendering
BAR_H = 12 * mm


@dataclass(frozen=True)
class ReceiptData:
    claim_number: str
    site_name: str
    name: str
    id_number: str  # masked as the window shows it
    kind: str
    route: str  # the policy's name for this way of paying, with its clause
    office: str
    hospital: str
    admitted_on: date
    discharged_on: date
    materials: tuple[str, ...]
    payable: str
    received_at: datetime
    received_by: str
    review_due: date
    pay_due: date
    bank: str
    card_tail: str


@dataclass(frozen=True)
class PublicityRow:
    name: str
    category: str
    amount: str


@dataclass(frozen=True)
class PublicityData:
    title: str
    year: int
    office: str
    clause: str
    days: int
    rows: tuple[PublicityRow, ...]
    total: str
    printed_on: date


def mask_name(name: str) -> str:
    """The surname and one * for each other character (张三丰 → 张**)."""
    return name[:1] + "*" * (len(name) - 1) if name else name


def _line(canvas: Canvas, y: float, label: str, value: str, size: float = 11) -> float:
    typeset.draw_text(canvas, LEFT, y, label, size)
    typeset.draw_text(canvas, LEFT + 32 * mm, y, value, size)
    return y - size * 1.8


def render_receipt(data: ReceiptData) -> bytes:
    fields = {
        "name": data.name,
        "hospital": data.hospital,
        "site": data.site_name,
        "route": data.route,
        "office": data.office,
        "bank": data.bank,
        **{f"material{i}": m for i, m in enumerate(data.materials)},
    }
    check_fields(fields)

    def draw(canvas: Canvas) -> None:
        y = PAGE_H - 25 * mm
        typeset.draw_text(canvas, PAGE_W / 2, y, "事后报销受理回执", 18, align="center")
        y -= 9 * mm
        typeset.draw_text(canvas, PAGE_W / 2, y, data.site_name, 11, align="center")
        y -= 22 * mm
        width = draw_code128(canvas, LEFT - 10 * MODULE, y, data.claim_number, MODULE, BAR_H)
        typeset.draw_text(canvas, LEFT + width + 4 * mm, y + 4 * mm, data.claim_number, 12)
        y -= 10 * mm
        y = _line(canvas, y, "报销单号", data.claim_number)
        y = _line(canvas, y, "姓名", data.name)
        y = _line(canvas, y, "身份证号", data.id_number)
        y = _line(canvas, y, "报销类别", f"{data.kind}（{data.route}）")
        y = _line(canvas, y, "就诊医院", data.hospital)
        y = _line(
            canvas, y, "住院日期", f"{data.admitted_on:%Y-%m-%d} 至 {data.discharged_on:%Y-%m-%d}"
        )
        y = _line(canvas, y, "核定金额", f"{data.payable} 元（以审核结果为准）")
        y = _line(canvas, y, "收款账户", f"{data.bank} 尾号 {data.card_tail}")
        y = _line(canvas, y, "受理时间", f"{data.received_at:%Y-%m-%d %H:%M}（{data.received_by}）")
        y = _line(canvas, y, "审核期限", f"{data.review_due:%Y-%m-%d} 前")
        y = _line(canvas, y, "支付期限", f"{data.pay_due:%Y-%m-%d} 前打卡支付")
        y = _line(canvas, y, "办理机构", data.office)
        y -= 3 * mm
        typeset.draw_text(canvas, LEFT, y, "已收材料：", 11)
        y -= 7 * mm
        for material in data.materials:
            for part in typeset.wrap(f"√ {material}", 10.5, RIGHT - LEFT - 8 * mm):
                typeset.draw_text(canvas, LEFT + 6 * mm, y, part, 10.5)
                y -= 6 * mm
        y -= 6 * mm
        typeset.draw_text(canvas, LEFT, y, "经办人签字：", 11)
        typeset.draw_text(canvas, PAGE_W / 2, y, "申请人签字：", 11)

    return typeset.build_pdf(A4, "事后报销受理回执", data.claim_number, draw)


def render_publicity(data: PublicityData) -> bytes:
    check_fields({"title": data.title, "office": data.office})
    per_page = 30
    pages = [data.rows[i : i + per_page] for i in range(0, len(data.rows), per_page)] or [()]

    def draw(canvas: Canvas) -> None:
        for number, rows in enumerate(pages, start=1):
            y = PAGE_H - 25 * mm
            heading = f"{data.year}年度{data.title}公示名单"
            typeset.draw_text(canvas, PAGE_W / 2, y, heading, 16, align="center")
            y -= 8 * mm
            note = f"依据{data.clause}；公示期{data.days}天，如有异议请向{data.office}反映。"
            for part in typeset.wrap(note, 10, RIGHT - LEFT):
                typeset.draw_text(canvas, LEFT, y, part, 10)
                y -= 5.5 * mm
            y -= 4 * mm
            columns = (LEFT, LEFT + 15 * mm, LEFT + 55 * mm, RIGHT)
            for x, title in zip(
                columns, ("序号", "姓名", "救助对象类别", "救助金额（元）"), strict=True
            ):
                typeset.draw_text(canvas, x, y, title, 11, align="right" if x == RIGHT else "left")
            y -= 2.5 * mm
            canvas.line(LEFT, y, RIGHT, y)
            y -= 6 * mm
            start = (number - 1) * per_page
            for index, row in enumerate(rows, start=start + 1):
                typeset.draw_text(canvas, LEFT, y, str(index), 10.5)
                typeset.draw_text(canvas, columns[1], y, row.name, 10.5)
                typeset.draw_text(canvas, columns[2], y, row.category, 10.5)
                typeset.draw_text(canvas, RIGHT, y, row.amount, 10.5, align="right")
                y -= 6.5 * mm
            if number == len(pages):
                canvas.line(LEFT, y + 4 * mm, RIGHT, y + 4 * mm)
                typeset.draw_text(canvas, LEFT, y - 1 * mm, f"合计 {len(data.rows)} 人", 11)
                typeset.draw_text(canvas, RIGHT, y - 1 * mm, data.total, 11, align="right")
            footer = f"第{number}页 共{len(pages)}页　{data.office}　{data.printed_on:%Y-%m-%d}"
            typeset.draw_text(canvas, PAGE_W / 2, 15 * mm, footer, 9, align="center")
            canvas.showPage()

    return typeset.build_pdf(A4, "公示名单", f"{data.title}-{data.year}", draw)


def money(value) -> str:
    return fmt(value)
