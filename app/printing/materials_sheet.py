"""A claim's materials sheet: the materials a policy article requires (靖江 article 24 for a
referral claim) with ticks from the case's document checklist, one A4 page.

Where the policy's paper entry asks, the sheet also prints the admission and filing times
against the filing deadlines, the referral's hospitals, the written approval the facility
needs, and the bank account the assistance is paid into; a copy that must show both sides has
its 正反两面 box ticked only when the window recorded both sides."""

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.fonts import check_fields
from app.printing import typeset
from app.printing.form_grid import Cell, card_words, date_words, draw_row, opinion_box
from app.printing.records import ChecklistItem, FilingLimit, MaterialsData

PAGE_W, PAGE_H = A4
LEFT, RIGHT = 18 * mm, PAGE_W - 18 * mm
BODY = 10
LABEL_W = 30 * mm


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
    if data.route is not None:
        texts["转出医院"] = data.route.referred_from
        texts["转入医院"] = data.route.referred_to
    if data.approval is not None:
        texts[data.approval.name] = data.approval.reference
    if data.paid_into is not None:
        texts["户名"] = data.paid_into.account_name
        texts["开户银行"] = data.paid_into.bank
    return texts


def limit_words(limit: FilingLimit) -> str:
    state = "按时备案" if limit.met else "逾期备案"
    return f"{limit.hours}小时内备案（{limit.clause}），截止 {limit.due:%Y-%m-%d %H:%M}：{state}"


def _case_rows(data: MaterialsData, width: float) -> list[list[Cell]]:
    """The rows the policy asks for beyond the patient and the case."""
    label_w = LABEL_W
    half = (width - 2 * label_w) / 2
    rows = []
    if data.filing is not None:
        rows.append(
            [
                Cell(label_w, "入院时间", label=True),
                Cell(half, f"{data.filing.admitted_at:%Y-%m-%d %H:%M}"),
                Cell(label_w, "备案时间", label=True),
                Cell(half, f"{data.filing.filed_at:%Y-%m-%d %H:%M}"),
            ]
        )
        limits = "；".join(limit_words(limit) for limit in data.filing.limits)
        rows.append([Cell(label_w, "备案时限", label=True), Cell(width - label_w, limits or "—")])
    if data.route is not None:
        rows.append(
            [
                Cell(label_w, "转出医院", label=True),
                Cell(half, data.route.referred_from),
                Cell(label_w, "转入医院", label=True),
                Cell(half, data.route.referred_to),
            ]
        )
    if data.approval is not None:
        approval = data.approval
        words = "已同意" if approval.granted else "未取得"
        if approval.granted and approval.reference:
            words += f"（转诊单号 {approval.reference}）"
        rows.append(
            [
                Cell(label_w, approval.name, label=True),
                Cell(width - label_w, f"{words}　依据{approval.clause}"),
            ]
        )
    if data.paid_into is not None:
        paid = data.paid_into
        account = "（未登记，请填写）"
        if paid.card_number:
            account = (
                f"户名：{paid.account_name}　开户银行：{paid.bank}　"
                f"卡号：{card_words(paid.card_number)}"
            )
        rows.append(
            [
                Cell(label_w, "打卡账户", label=True),
                Cell(width - label_w, f"{account}　依据{paid.clause}"),
            ]
        )
    return rows


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


def _item_row(index: int, item: ChecklistItem, widths: list[float], sides: bool) -> list[Cell]:
    cells = [
        Cell(widths[0], str(index), align="center"),
        Cell(widths[1], item.name),
        Cell(widths[2], item.clause, align="center"),
        Cell(widths[3], draw=_tick(item.original_sighted)),
        Cell(widths[4], draw=_tick(item.copy_kept)),
    ]
    if sides:
        both = item.both_sides
        cells.append(
            Cell(widths[5], draw=_tick(item.both_sides_copied))
            if both
            else Cell(widths[5], "—", align="center")
        )
    return [*cells, Cell(widths[-1], draw=_tick(item.scan_attached))]


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
    # Labels as wide as the longest the policy may ask for (市扶贫办书面同意).
    label_w = LABEL_W if _case_rows(data, width) else 22 * mm
    value_w = (width - 2 * label_w) / 2
    rows = [
        [
            Cell(label_w, "患者姓名", label=True),
            Cell(value_w, person.name),
            Cell(label_w, "身份证号", label=True),
            Cell(value_w, person.id_number),
        ],
        [
            Cell(label_w, "救助类别", label=True),
            Cell(value_w, person.category),
            Cell(label_w, "住院号", label=True),
            Cell(value_w, data.admission_number),
        ],
        [Cell(label_w, "诊断", label=True), Cell(width - label_w, data.diagnosis)],
        [Cell(label_w, "经办医院", label=True), Cell(width - label_w, data.site.hospital_name)],
    ]
    y = PAGE_H - 40 * mm
    for cells in rows:
        y = draw_row(canvas, LEFT, y, 10 * mm, cells, BODY)
    for cells in _case_rows(data, width):
        y = draw_row(canvas, LEFT, y, 9 * mm, cells, BODY)
    y -= 6 * mm
    # 正反两面 only where some material must be copied on both sides.
    sides = any(item.both_sides for item in data.items)
    marks = ["原件\n已验", "复印件\n已留", "正反\n两面", "扫描件"]
    if not sides:
        marks = ["原件已验", "复印件已留", "扫描件"]
    mark_w = 16 * mm if sides else 18 * mm
    clause_w = 24 * mm if sides else 28 * mm
    widths = [10 * mm, width - 10 * mm - clause_w - len(marks) * mark_w, clause_w]
    widths += [mark_w] * len(marks)
    header = ["序号", "材料", "条款", *marks]
    y = draw_row(
        canvas,
        LEFT,
        y,
        11 * mm if sides else 9 * mm,
        [Cell(w, text, label=True) for w, text in zip(widths, header, strict=True)],
        BODY,
    )
    for index, item in enumerate(data.items, 1):
        y = draw_row(canvas, LEFT, y, 13 * mm, _item_row(index, item, widths, sides), BODY)
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
