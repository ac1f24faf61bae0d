"""A claim's materials sheet: the materials a policy article requires (靖江 article 24 for a
referral claim) with ticks from the case's document checklist, one A4 page."""

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.fonts import check_fields
from app.printing import typeset
from app.printing.form_grid import Cell, date_words, draw_row, opinion_box
from app.printing.records import ChecklistItem, MaterialsData

PAGE_W, PAGE_H = A4
LEFT, RIGHT = 18 * mm, PAGE_W - 18 * mm
BODY = 10


def materials_texts(data: MaterialsData) -> dict[str, str]:
    texts = {
        "患者姓名": data.patient.name,
        "身份证号": data.patient.id_number,
        "救助类别": data.patient.category,
        "住院号": data.admission_number,
        "诊断": data.diagnosis,
        "医院名称": data.site.hospital_name,
        "经办人": data.clerk,
    }
    for index, item in enumerate(data.items, 1):
        texts[f"材料{index}"] = item.name + item.clause
    return texts


def render_materials_sheet(data: MaterialsData) -> bytes:
    """The sheet as PDF bytes. Raises ``MissingGlyphError`` naming the field of any character
    the fonts cannot draw."""
    check_fields(materials_texts(data))

    def draw(canvas: Canvas) -> None:
        _draw_sheet(canvas, data)
        canvas.showPage()

    return typeset.build_pdf(A4, data.sheet_title, data.document_id, draw)


def _tick(ticked: bool):
    def draw(canvas: Canvas, left: float, bottom: float, width: float, height: float) -> None:
        side = 4 * mm
        typeset.checkbox(
            canvas, left + (width - side) / 2, bottom + (height - side) / 2, side, ticked
        )

    return draw


def _item_row(index: int, item: ChecklistItem, widths: list[float]) -> list[Cell]:
    return [
        Cell(widths[0], str(index), align="center"),
        Cell(widths[1], item.name),
        Cell(widths[2], item.clause, align="center"),
        Cell(widths[3], draw=_tick(item.original_sighted)),
        Cell(widths[4], draw=_tick(item.copy_kept)),
        Cell(widths[5], draw=_tick(item.scan_attached)),
    ]


def _draw_sheet(canvas: Canvas, data: MaterialsData) -> None:
    person = data.patient
    width = RIGHT - LEFT
    title = data.sheet_title
    typeset.draw_text(
        canvas,
        PAGE_W / 2,
        PAGE_H - 25 * mm,
        title,
        typeset.fit_size(title, 15, width),
        align="center",
    )
    basis = f"依据：《{data.policy.title}》（{data.policy.document_number}）{data.article}"
    typeset.draw_text(
        canvas,
        PAGE_W / 2,
        PAGE_H - 32 * mm,
        basis,
        typeset.fit_size(basis, 9.5, width),
        align="center",
    )
    value_w = (width - 2 * 22 * mm) / 2
    rows = [
        [
            Cell(22 * mm, "患者姓名", label=True),
            Cell(value_w, person.name),
            Cell(22 * mm, "身份证号", label=True),
            Cell(value_w, person.id_number),
        ],
        [
            Cell(22 * mm, "救助类别", label=True),
            Cell(value_w, person.category),
            Cell(22 * mm, "住院号", label=True),
            Cell(value_w, data.admission_number),
        ],
        [Cell(22 * mm, "诊断", label=True), Cell(width - 22 * mm, data.diagnosis)],
        [Cell(22 * mm, "经办医院", label=True), Cell(width - 22 * mm, data.site.hospital_name)],
    ]
    y = PAGE_H - 40 * mm
    for cells in rows:
        y = draw_row(canvas, LEFT, y, 10 * mm, cells, BODY)
    y -= 6 * mm
    widths = [10 * mm, width - 10 * mm - 28 * mm - 3 * 18 * mm, 28 * mm, 18 * mm, 18 * mm, 18 * mm]
    header = ["序号", "材料", "条款", "原件已验", "复印件已留", "扫描件"]
    y = draw_row(
        canvas,
        LEFT,
        y,
        9 * mm,
        [Cell(w, text, label=True) for w, text in zip(widths, header, strict=True)],
        BODY,
    )
    for index, item in enumerate(data.items, 1):
        y = draw_row(canvas, LEFT, y, 13 * mm, _item_row(index, item, widths), BODY)
    done = sum(item.done for item in data.items)
    y -= 7 * mm
    summary = f"共 {len(data.items)} 项，已备齐 {done} 项"
    if done < len(data.items):
        missing = "、".join(str(i) for i, item in enumerate(data.items, 1) if not item.done)
        summary += f"，尚缺第 {missing} 项（复印件或扫描件）"
    typeset.draw_text(canvas, LEFT, y, summary, BODY)
    y -= 6 * mm
    y = draw_row(
        canvas,
        LEFT,
        y,
        30 * mm,
        [
            Cell(40 * mm, "经办人核对", label=True),
            Cell(
                width - 40 * mm,
                draw=opinion_box([f"经办人：{data.clerk}"], BODY, "签字：", data.checked_on),
            ),
        ],
        BODY,
    )
    typeset.draw_text(canvas, LEFT, y - 6 * mm, f"核对日期：{date_words(data.checked_on)}", 8)
    typeset.footer(canvas, LEFT, RIGHT, 10 * mm, data.document_id, data.policy.label)
