"""The settlement slip (城乡医疗救助"一站式"即时结算单), one copy per frame.

Paper ``A5``: each copy on its own A5 page. Paper ``A4``: both copies side by side on one A4
landscape sheet with a cut line between them. The 241 mm continuous paper of dot-matrix
printers takes a wide frame (241 mm by about 140 mm) in two columns: ``241x140`` one copy per
form, ``241x279`` both copies one above the other with a cut line between them. Every frame
prints the same fields; frames are laid out in points from the frame's bottom-left corner, and
no ink comes within ``MARGIN_MM`` of any edge of the sheet.
"""

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.fonts import check_fields
from app.money import fmt
from app.printing import typeset
from app.printing.capital import capital_figures
from app.printing.code128 import code128_width, draw_code128
from app.printing.paper_sizes import paper_problem
from app.printing.records import (
    HOSPITAL_COPY,
    PATIENT_COPY,
    SLIP_COPY_NAMES,
    SlipData,
    slip_copy_label,
)
from app.printing.slip_sheets import FRAME_H, FRAME_W, SHEETS, Frame, Sheet, stamp_area

__all__ = ["FRAME_H", "FRAME_W", "PREVIEW_MARK", "TITLE", "render_slip", "slip_texts"]
from app.vocabulary import POOL_NAMES

TITLE = "城乡医疗救助“一站式”即时结算单"
FOOTER_Y = 5.9 * mm  # the footer's 6 pt letters hang 0.5 mm under its baseline
LABEL_W = 15 * mm
ROW_H = 5.5 * mm
AMOUNT_ROW_H = 5 * mm
BODY = 7.5
SMALL = 6.5
# 0.33 mm and up decode reliably from a 150 dpi rendering; 0.3 mm does not.
# 1/75 inch: a whole number of pixels at 75, 150, 300 and 600 dpi. 0.3 mm did not decode
# from a 150 dpi rendering and 0.36 mm failed at some positions; this decodes at all of them.
BARCODE_MODULE = 72 / 75
# Bars at least 10 mm tall, so a hand scanner held at a slant still crosses every bar.
BARCODE_HEIGHT = 10.5 * mm
NUMBER_BLOCK_H = BARCODE_HEIGHT + 3.5 * mm  # the bars and the number printed under them
SMALLEST_CLAUSE = 6.0
SEAL_W, SEAL_H = 36 * mm, 21 * mm
SEAL_BOTTOM = 9 * mm  # clear of the footer under it
PREVIEW_MARK = "预览"


def slip_texts(data: SlipData) -> dict[str, str]:
    """Every text the slip prints, by the Chinese name of its field (for the font check)."""
    texts = {
        "医院名称": data.site.hospital_name,
        "结算单号": data.slip_number,
        "患者姓名": data.patient.name,
        "性别": data.patient.sex,
        "身份证号": data.patient.id_number,
        "救助类别": data.patient.category,
        "就诊类型": data.visit,
        "住院号": data.admission_number,
        "科室": data.department,
        "诊断": data.diagnosis,
        "政策名称": data.policy.title,
        "政策文号": data.policy.document_number,
        "结算方式": data.settle_mode,
        "不予救助原因": data.reason,
        "经办人": data.clerk,
        "作废原因": data.void_reason,
    }
    for index, layer in enumerate(data.layers, 1):
        texts[f"救助分项{index}"] = layer.name
    for index, clause in enumerate(data.clauses, 1):
        texts[f"政策条款{index}"] = clause.clause + clause.text
    return texts


def render_slip(
    data: SlipData,
    paper: str = "A4",
    copies: Sequence[str] = (PATIENT_COPY, HOSPITAL_COPY),
    *,
    preview: bool = False,
) -> bytes:
    """The slip as PDF bytes. ``paper`` is "A4" (copies side by side), "A5" (a page each),
    "241x140" (continuous paper, a form each) or "241x279" (continuous, copies one above the
    other), as ``app.printing.paper_sizes.SLIP_PAPERS`` names them;
    ``copies`` picks and orders the copies (``PATIENT_COPY``, ``HOSPITAL_COPY``), each keeping
    its own number (第一联 患者留存, 第二联 医院留存).

    ``preview`` makes the page shown on screen before printing: 预览 across every copy and no
    barcode, so a screenshot or a stray print of it is never taken for a slip.

    Raises ``MissingGlyphError`` naming the field of a character the fonts cannot draw."""
    problem = paper_problem(paper)
    if problem:
        raise ValueError(f"纸张{problem}")
    if not copies or any(copy not in SLIP_COPY_NAMES for copy in copies):
        raise ValueError(f"联次应为 {', '.join(SLIP_COPY_NAMES)}：{copies}")
    check_fields(slip_texts(data))
    labels = [slip_copy_label(copy) for copy in copies]

    sheet = SHEETS[paper]

    def draw(canvas: Canvas) -> None:
        per_sheet = len(sheet.origins)
        for start in range(0, len(labels), per_sheet):
            on_sheet = labels[start : start + per_sheet]
            overflow = [
                _in_frame(canvas, sheet, i, _draw_copy, data, label, preview)
                for i, label in enumerate(on_sheet)
            ]
            _end_sheet(canvas, sheet, len(on_sheet) if preview else 0)
            if any(overflow):
                for index, (label, rest) in enumerate(zip(on_sheet, overflow, strict=True)):
                    _in_frame(canvas, sheet, index, _draw_continuation, data, label, rest)
                _end_sheet(canvas, sheet, len(on_sheet) if preview else 0)

    title = f"{_title(data)}（{PREVIEW_MARK}）" if preview else _title(data)
    return typeset.build_pdf(sheet.size, title, data.document_id, draw)


def _title(data: SlipData) -> str:
    """The slip's title as the policy file names it, else the common one."""
    return data.policy.slip_title or TITLE


def _in_frame(canvas: Canvas, sheet: Sheet, index: int, draw, *args):
    """Run ``draw(canvas, *args, frame, origin_x)`` in the sheet's index-th frame."""
    x, y = sheet.origins[index]
    canvas.saveState()
    canvas.translate(x, y)
    try:
        return draw(canvas, *args, frame=sheet.frame, origin_x=x)
    finally:
        canvas.restoreState()


def _end_sheet(canvas: Canvas, sheet: Sheet, stamped: int) -> None:
    """Close the sheet: the cut line between its frames, then 预览 across the first
    ``stamped`` frames (a preview's copies and their 续页), over everything drawn."""
    if sheet.cut is not None:
        typeset.dashed_line(canvas, *sheet.cut)
    left, bottom, width, height = stamp_area(sheet.frame)
    for x, y in sheet.origins[:stamped]:
        typeset.diagonal_stamp(
            canvas, x + left, y + bottom, width, height, PREVIEW_MARK, typeset.GREY
        )
    canvas.showPage()


def _draw_copy(
    canvas: Canvas, data: SlipData, copy_label: str, preview: bool, frame: Frame, origin_x: float
) -> list:
    """One copy in a frame; returns the clause lines that did not fit (for a 续 page)."""
    f, top = frame, frame.top
    typeset.labelled_box(canvas, f.notes_right, top + 3 * mm, copy_label, 7.5)
    if data.reprint_count:
        typeset.labelled_box(
            canvas, f.left, top + 3 * mm, f"补打（第{data.reprint_count}次）", 7.5, align="left"
        )
    typeset.draw_text(canvas, f.width / 2, top - 8 * mm, _title(data), 12.5, align="center")
    hospital = data.site.hospital_name
    if data.site.hospital_code:
        hospital += f"（机构编码 {data.site.hospital_code}）"
    typeset.draw_text(canvas, f.width / 2, top - 13.5 * mm, hospital, 8.5, align="center")
    y = _draw_number_block(canvas, data, f, top - 16 * mm, origin_x, preview)
    y = _draw_person_table(canvas, data, f, y - 2 * mm)
    y = _draw_amounts(canvas, data, f, y - 2.5 * mm)
    # A wide frame's notes start beside the number block; a portrait frame's under the tables.
    notes_top = top - 19 * mm if f.two_columns else y - 4 * mm
    y = _draw_year_and_mode(canvas, data, f, notes_top)
    overflow = _draw_clauses(canvas, data, f, y - 1 * mm, SEAL_BOTTOM + SEAL_H + 0.5 * mm)
    _draw_signatures(canvas, data, f)
    typeset.footer(canvas, f.left, f.notes_right, FOOTER_Y, data.document_id, data.policy.label)
    if data.voided:
        typeset.void_stamp(canvas, *stamp_area(f))
    return overflow


def _draw_continuation(
    canvas: Canvas, data: SlipData, copy_label: str, rows: list, frame: Frame, origin_x: float
) -> None:
    """The clause lines that did not fit, on a page of their own, marked as its copy's 续页
    (in two columns in a wide frame, where the lines were wrapped to the notes column)."""
    if not rows:
        return
    f, top = frame, frame.top
    typeset.labelled_box(canvas, f.notes_right, top + 3 * mm, f"{copy_label}（续页）", 7.5)
    typeset.draw_text(
        canvas, f.width / 2, top - 8 * mm, f"{_title(data)}（续）", 12.5, align="center"
    )
    typeset.draw_text(canvas, f.left, top - 15 * mm, f"结算单号：{data.slip_number}", 9)
    bottom = FOOTER_Y + 4 * mm
    if f.two_columns:
        width = f.notes_right - f.notes_left
        rows = _draw_clause_rows(canvas, rows, f.left, f.left + width, top - 19 * mm,
                                 SMALLEST_CLAUSE, bottom)  # fmt: skip
    _draw_clause_rows(canvas, rows, f.notes_left, f.notes_right, top - 19 * mm, SMALLEST_CLAUSE)
    typeset.footer(canvas, f.left, f.notes_right, FOOTER_Y, data.document_id, data.policy.label)
    if data.voided:
        typeset.void_stamp(canvas, *stamp_area(f))


def _draw_number_block(
    canvas: Canvas, data: SlipData, f: Frame, top: float, origin_x: float, preview: bool
) -> float:
    """The slip number in words and as a barcode (its quiet zones kept clear of any text);
    a preview leaves the barcode out and says so in its place."""
    height = NUMBER_BLOCK_H
    width = code128_width(data.slip_number, BARCODE_MODULE)
    bars_bottom = top - height + 3 * mm
    # Start the symbol on the module grid of the page, so every bar edge falls on a pixel edge.
    left = (f.right - width + origin_x) // BARCODE_MODULE * BARCODE_MODULE - origin_x
    if preview:
        canvas.saveState()
        canvas.setFillColorRGB(*typeset.GREY)
        note = "预览：不含条码，不作结算凭证"
        typeset.draw_text(canvas, left + width / 2, bars_bottom + 4 * mm, note, 8, align="center")
        canvas.restoreState()
    else:
        draw_code128(canvas, left, bars_bottom, data.slip_number, BARCODE_MODULE, BARCODE_HEIGHT)
    typeset.draw_text(
        canvas, left + width / 2, top - height + 0.5 * mm, data.slip_number, SMALL, align="center"
    )
    text_w = f.right - f.left - width
    number = f"结算单号：{data.slip_number}"
    typeset.draw_text(canvas, f.left, top - 4 * mm, number, typeset.fit_size(number, 9, text_w))
    stamp = f"结算时间：{data.settled_at.strftime('%Y-%m-%d %H:%M')}"
    typeset.draw_text(canvas, f.left, top - 8 * mm, stamp, BODY)
    clerk = f"经办人：{data.clerk}"
    size = typeset.fit_size(clerk, BODY, text_w)
    typeset.draw_text(canvas, f.left, top - 11.5 * mm, clerk, size)
    if data.voided:
        canvas.saveState()
        canvas.setFillColorRGB(*typeset.RED)
        reason = f"本结算已作废：{data.void_reason}" if data.void_reason else "本结算已作废"
        size = typeset.fit_size(reason, 8.5, f.right - f.left)
        typeset.draw_text(canvas, f.left, top - height - 3.5 * mm, reason, size)
        canvas.restoreState()
        return top - height - 4.5 * mm
    return top - height


def _cell(
    canvas: Canvas,
    x: float,
    y: float,
    w: float,
    h: float,
    text: str,
    size: float,
    align: str = "left",
    shade: bool = False,
) -> None:
    """A bordered cell with its top-left at (x, y); text is shrunk to fit, never cut."""
    if shade:
        canvas.saveState()
        canvas.setFillColorRGB(0.93, 0.93, 0.93)
        canvas.rect(x, y - h, w, h, stroke=0, fill=1)
        canvas.restoreState()
    canvas.setLineWidth(0.5)
    canvas.rect(x, y - h, w, h)
    if not text:
        return
    pad = 1.2 * mm
    size = typeset.fit_size(text, size, w - 2 * pad)
    baseline = y - h / 2 - size * 0.35
    anchor = {"left": x + pad, "right": x + w - pad, "center": x + w / 2}[align]
    typeset.draw_text(canvas, anchor, baseline, text, size, align=align)


def _draw_row(canvas: Canvas, f: Frame, y: float, cells: list[tuple[str, str, float]]) -> float:
    x = f.left
    for label, value, value_w in cells:
        _cell(canvas, x, y, LABEL_W, ROW_H, label, BODY, align="center", shade=True)
        _cell(canvas, x + LABEL_W, y, value_w, ROW_H, value, BODY)
        x += LABEL_W + value_w
    return y - ROW_H


def _draw_person_table(canvas: Canvas, data: SlipData, f: Frame, y: float) -> float:
    person = data.patient
    admitted = data.admitted_on.isoformat() if data.admitted_on else ""
    discharged = data.discharged_on.isoformat() if data.discharged_on else ""
    days = "" if data.stay_days is None else f"{data.stay_days} 天"
    y = _draw_row(
        canvas,
        f,
        y,
        [
            ("姓名", person.name, 30 * mm),
            ("性别", person.sex, 14 * mm),
            ("救助类别", person.category, 45 * mm),
        ],
    )
    y = _draw_row(
        canvas, f, y, [("身份证号", person.id_number, 49 * mm), ("就诊类型", data.visit, 55 * mm)]
    )
    if data.visit_date is not None:
        visited = data.visit_date.isoformat()
        y = _draw_row(
            canvas, f, y, [("就诊日期", visited, 49 * mm), ("科室", data.department, 55 * mm)]
        )
        return _draw_row(canvas, f, y, [("诊断", data.diagnosis, 119 * mm)])
    y = _draw_row(
        canvas,
        f,
        y,
        [("住院号", data.admission_number, 49 * mm), ("科室", data.department, 55 * mm)],
    )
    y = _draw_row(
        canvas,
        f,
        y,
        [
            ("入院日期", admitted, 30 * mm),
            ("出院日期", discharged, 30 * mm),
            ("住院天数", days, 29 * mm),
        ],
    )
    return _draw_row(canvas, f, y, [("诊断", data.diagnosis, 119 * mm)])


def _draw_amounts(canvas: Canvas, data: SlipData, f: Frame, y: float) -> float:
    left, right = f.left, f.right
    typeset.draw_text(canvas, left, y - 3 * mm, "费用与救助", 8.5)
    typeset.draw_text(canvas, right, y - 3 * mm, "单位：元", SMALL, align="right")
    y -= 4.5 * mm
    pairs = [
        ("医疗总费用", data.total),
        ("目录外费用", data.out_of_catalog),
        ("基本医保支付", data.basic_insurance),
        ("大病保险支付", data.critical_illness),
        ("其他补偿", data.other_compensation),
        ("救助基数（合规自负）", data.base),
    ]
    pairs += [(layer.name, layer.amount) for layer in data.layers]
    label_w, amount_w = 30 * mm, 37 * mm
    for start in range(0, len(pairs), 2):
        x = left
        for label, amount in pairs[start : start + 2]:
            _cell(canvas, x, y, label_w, AMOUNT_ROW_H, label, BODY, shade=True)
            _cell(canvas, x + label_w, y, amount_w, AMOUNT_ROW_H, fmt(amount), 8, align="right")
            x += label_w + amount_w
        if x < right - 1:
            _cell(canvas, x, y, right - x, AMOUNT_ROW_H, "", BODY)
        y -= AMOUNT_ROW_H
    key_amounts = [("救助合计", data.assistance)]
    if data.hospital_reduction:
        # The hospital's own reduction is not an advance: it is never claimed back.
        key_amounts += [
            ("医院减免", data.hospital_reduction),
            ("医院垫付（申报）", data.advanced_by_hospital),
        ]
    else:
        key_amounts.append(("医院垫付（窗口支付）", data.advanced_by_hospital))
    key_amounts.append(("个人自付", data.patient_pays))
    for label, amount in key_amounts:
        _cell(canvas, left, y, label_w, AMOUNT_ROW_H, label, BODY, shade=True)
        _cell(canvas, left + label_w, y, 30 * mm, AMOUNT_ROW_H, fmt(amount), 8.5, align="right")
        _cell(
            canvas,
            left + label_w + 30 * mm,
            y,
            right - left - label_w - 30 * mm,
            AMOUNT_ROW_H,
            f"大写：人民币{capital_figures(amount)}",
            BODY,
        )
        y -= AMOUNT_ROW_H
    return y


def _draw_year_and_mode(canvas: Canvas, data: SlipData, f: Frame, y: float) -> float:
    """The year's line (wrapped to the notes column, never shrunk), the settle mode, and why
    nothing was paid where nothing was; returns the y under them."""
    left, width = f.notes_left, f.notes_right - f.notes_left
    # A chain of payers counts the 医疗救助 fund's year, beside its cap, not every fund's sum.
    what = "累计救助" if data.year_assistance is None else "医疗救助累计"
    year = (
        f"本年度{_pools_named(data.year_pools)}{what}（含本次）：{fmt(data.assistance_this_year)} 元，"
        f"本次前：{fmt(data.assistance_before)} 元"
    )
    if data.cap_remaining is not None:
        year += f"，{data.cap_name or '年度限额'}剩余：{fmt(data.cap_remaining)} 元"
    # One line where it fits at 7 pt, else wrapped at the body size (never smaller).
    size = typeset.fit_size(year, BODY, width, smallest=7)
    lines = [year] if typeset.text_width(year, size) <= width else typeset.wrap(year, BODY, width)
    for line in lines:
        typeset.draw_text(canvas, left, y, line, size if len(lines) == 1 else BODY)
        y -= BODY * 1.3
    y -= 4.5 * mm - BODY * 1.3
    typeset.draw_text(canvas, left, y, f"结算方式：{data.settle_mode}", BODY)
    if not data.eligible:
        canvas.saveState()
        canvas.setFillColorRGB(*typeset.RED)
        for line in typeset.wrap(f"不予救助：{data.reason}", BODY, width):
            y -= BODY * 1.3
            typeset.draw_text(canvas, left, y, line, BODY)
        canvas.restoreState()
    return y - 2 * mm


def _pools_named(pools: Sequence[str]) -> str:
    """ "住院", "门诊" or "住院、门诊合计": which pools the year's line counts."""
    names = [POOL_NAMES[pool] for pool in ("inpatient", "outpatient") if pool in pools]
    return "、".join(names) + ("合计" if len(names) > 1 else "")


def _clause_lines(data: SlipData, f: Frame, size: float) -> list[tuple[str, str, float]]:
    """(text line, amount, indent) rows, wrapped to the notes column. Each step starts with its
    clause in brackets; its amount stands right-aligned on its first line, its further lines
    are indented."""
    hang = 4 * mm
    width = f.notes_right - f.notes_left
    text_w = width - 20 * mm
    heading = f"政策依据：《{data.policy.title}》（{data.policy.document_number}）"
    rows = [(line, "", 0.0) for line in typeset.wrap(heading, size, width)]
    for clause in data.clauses:
        amount = "" if clause.amount is None else fmt(clause.amount)
        text = f"[{clause.clause}] {clause.text}"
        first = typeset.wrap(text, size, text_w)[0]
        rows.append((first, amount, 0.0))
        rest = text[len(first) :].strip()
        if rest:
            rows += [(line, "", hang) for line in typeset.wrap(rest, size, text_w - hang)]
    return rows


def _draw_clauses(canvas: Canvas, data: SlipData, f: Frame, top: float, bottom: float) -> list:
    """Draw the policy heading and steps between ``top`` and ``bottom``, shrinking the text
    down to the smallest legible size; returns the lines that still do not fit."""
    size = BODY
    while True:
        rows = _clause_lines(data, f, size)
        leading = size * 1.3
        if len(rows) * leading <= top - bottom or size <= SMALLEST_CLAUSE:
            break
        size -= 0.25
    fitting = max(int((top - bottom) // leading), 0)
    _draw_clause_rows(canvas, rows[:fitting], f.notes_left, f.notes_right, top, size)
    return rows[fitting:]


def _draw_clause_rows(
    canvas: Canvas,
    rows: list,
    left: float,
    right: float,
    top: float,
    size: float,
    bottom: float | None = None,
) -> list:
    """Draw ``rows`` from ``top`` down (to ``bottom`` where given); returns those left over."""
    y = top - size
    for index, (line, amount, indent) in enumerate(rows):
        if bottom is not None and y < bottom:
            return rows[index:]
        typeset.draw_text(canvas, left + indent, y, line, size)
        if amount:
            typeset.draw_text(canvas, right, y, amount, size, align="right")
        y -= size * 1.3
    return []


def _draw_signatures(canvas: Canvas, data: SlipData, f: Frame) -> None:
    seal_left, seal_bottom = f.notes_right - SEAL_W, SEAL_BOTTOM
    canvas.saveState()
    canvas.setDash(2, 2)
    canvas.setLineWidth(0.5)
    canvas.rect(seal_left, seal_bottom, SEAL_W, SEAL_H)
    canvas.restoreState()
    typeset.draw_text(
        canvas,
        seal_left + SEAL_W / 2,
        seal_bottom + SEAL_H - 4 * mm,
        "医院（盖章）",
        SMALL,
        align="center",
    )
    lines = [
        ("患者（家属）签字：", seal_bottom + 16 * mm),
        (f"经办人（{data.clerk}）签字：", seal_bottom + 9 * mm),
        ("日期：", seal_bottom + 2 * mm),
    ]
    for label, y in lines:
        width = typeset.draw_text(canvas, f.notes_left, y, label, BODY)
        canvas.setLineWidth(0.5)
        canvas.line(f.notes_left + width + 1 * mm, y - 1 * mm, seal_left - 5 * mm, y - 1 * mm)
