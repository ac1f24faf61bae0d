"""威海经区《XX年度困难群众医疗及重特大疾病救助申请表》, filled from a case that is settled at
year end (三(一): 一式3份). The seed gives the form's name, who may fill it (三(一)), the
materials to attach (三(二)) and the review path (村/居委会 → 镇/街 with 3-day notice → 区社会
事务管理局 with income check and a second notice, 三(三)(四)); the rows follow that path."""

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.applicant import FILLER_KINDS
from app.fonts import check_fields
from app.money import fmt
from app.printing import typeset
from app.printing.capital import capital_figures
from app.printing.form_grid import (
    Cell,
    block_text,
    card_words,
    draw_row,
    opinion_box,
    tick_options,
)
from app.printing.records import ApplicationData

COPIES = 3
# 二(一)'s four classes, in its order; the category names that tick each.
CLASS_BOXES = {
    "重点救助对象（低保、特困、孤残儿童）": ("minimum_living", "destitute", "orphan_child"),
    "低收入救助对象": ("low_income",),
    "因病致贫家庭重病患者": ("illness_poverty",),
    "其他特殊困难人员": ("other",),
}
NOTE = (
    "注：此表一式3份。由于特殊情况不能本人填写的可由其直系亲属或监护人代填。申报材料中的"
    "居民身份证、户口本、低保证、残疾证需向镇、街道办事处提供原件，查验审核合格后退回原件，"
    "留下复印件上报（第二代身份证需要复印正反两面）；报销的凭证必须上报原件。"
)
PAGE_W, PAGE_H = A4
LEFT, RIGHT = 15 * mm, PAGE_W - 15 * mm
BODY = 9.5


def class_ticks(category: str) -> list[tuple[str, bool]]:
    return [(name, category in codes) for name, codes in CLASS_BOXES.items()]


def application_texts(data: ApplicationData) -> dict[str, str]:
    person = data.patient
    texts = {
        "申请人姓名": person.name,
        "性别": person.sex,
        "身份证号": person.id_number,
        "联系电话": person.phone,
        "户籍地址": data.household_address,
        "就诊医院": data.site.hospital_name,
        "住院号": data.admission_number,
        "疾病诊断": data.diagnosis,
        "代填人": data.filled_by,
        "与申请人关系": data.filled_by_relation,
    }
    if data.paid_into is not None:
        texts["户名"] = data.paid_into.account_name
        texts["开户银行"] = data.paid_into.bank
    for index, item in enumerate(data.attachments, 1):
        texts[f"申报材料{index}"] = item.name
    for index, clause in enumerate(data.clauses, 1):
        texts[f"测算依据{index}"] = clause.clause + clause.text
    return texts


def render_weihai_application(data: ApplicationData) -> bytes:
    """Three A4 pages (第一联 … 第三联) as PDF bytes. Raises ``MissingGlyphError`` naming the field of any
    character the fonts cannot draw."""
    check_fields(application_texts(data))
    title = f"{data.year}年度困难群众医疗及重特大疾病救助申请表"

    def draw(canvas: Canvas) -> None:
        for index in range(COPIES):
            _draw_copy(canvas, data, title, f"第{'一二三'[index]}联（共3联）")
            canvas.showPage()

    return typeset.build_pdf(A4, title, data.document_id, draw)


def _amount_cells(pairs: list[tuple[str, str]], width: float) -> list[Cell]:
    label_w = 30 * mm
    value_w = width / len(pairs) - label_w
    cells = []
    for label, value in pairs:
        cells += [Cell(label_w, label, label=True), Cell(value_w, value, align="right")]
    return cells


def _draw_copy(canvas: Canvas, data: ApplicationData, title: str, copy_label: str) -> None:
    person = data.patient
    width = RIGHT - LEFT
    typeset.labelled_box(canvas, RIGHT, PAGE_H - 8 * mm, copy_label, 9)
    typeset.draw_text(canvas, PAGE_W / 2, PAGE_H - 22 * mm, title, 15, align="center")
    typeset.draw_text(
        canvas, PAGE_W / 2, PAGE_H - 28 * mm, "威海经济技术开发区", 9.5, align="center"
    )
    lw = 24 * mm
    third = (width - 3 * lw) / 3
    birth = person.birth_date.isoformat() if person.birth_date else ""
    stay = ""
    if data.admitted_on and data.discharged_on:
        stay = f"{data.admitted_on.isoformat()} 至 {data.discharged_on.isoformat()}"
    clauses = "；".join(f"[{c.clause}] {c.text}" for c in data.clauses)
    attachments = [(f"{i}. {item.name}", item.done) for i, item in enumerate(data.attachments, 1)]
    rows = [
        (
            9 * mm,
            [
                Cell(lw, "申请人姓名", label=True),
                Cell(third, person.name),
                Cell(lw, "性别", label=True),
                Cell(third, person.sex),
                Cell(lw, "出生日期", label=True),
                Cell(third, birth),
            ],
        ),
        (
            9 * mm,
            [
                Cell(lw, "身份证号", label=True),
                Cell(2 * third + lw, person.id_number),
                Cell(lw, "联系电话", label=True),
                Cell(third, person.phone),
            ],
        ),
        (9 * mm, [Cell(lw, "户籍地址", label=True), Cell(width - lw, data.household_address)]),
        (8 * mm, _household_cells(data, lw, third)),
        (9 * mm, _filler_cells(data, lw, third)),
        (
            14 * mm,
            [
                Cell(lw, "救助对象类别", label=True),
                Cell(
                    width - lw, draw=tick_options(class_ticks(data.category_code), BODY, columns=2)
                ),
            ],
        ),
        (
            9 * mm,
            [
                Cell(lw, "就诊医院", label=True),
                Cell(2 * third + lw, data.site.hospital_name),
                Cell(lw, "住院号", label=True),
                Cell(third, data.admission_number),
            ],
        ),
        (9 * mm, [Cell(lw, "住院时间", label=True), Cell(width - lw, stay)]),
        (9 * mm, [Cell(lw, "疾病诊断", label=True), Cell(width - lw, data.diagnosis)]),
        (
            8 * mm,
            _amount_cells(
                [
                    ("医疗总费用（元）", fmt(data.total)),
                    ("基本医保报销（元）", fmt(data.basic_insurance)),
                    ("大病保险报销（元）", fmt(data.critical_illness)),
                ],
                width,
            ),
        ),
        (
            8 * mm,
            _amount_cells(
                [
                    ("其他补偿（元）", fmt(data.other_compensation)),
                    ("个人自负合规费用", fmt(data.self_pay)),
                    ("测算救助金额", fmt(data.estimated_assistance)),
                ],
                width,
            ),
        ),
        (
            8 * mm,
            [
                Cell(lw, "救助金额大写", label=True),
                Cell(
                    width - lw,
                    f"人民币{capital_figures(data.estimated_assistance)}"
                    "（测算数，以审批为准，年底统一发放）",
                ),
            ],
        ),
        (12 * mm, [Cell(lw, "测算依据", label=True), Cell(width - lw, draw=_small_text(clauses))]),
        *_paid_into_rows(data, lw, width),
        (
            20 * mm,
            [
                Cell(lw, "申报材料", label=True),
                Cell(width - lw, draw=tick_options(attachments, 8.5, columns=2)),
            ],
        ),
        (
            18 * mm,
            [
                Cell(lw, "申请人\n签字", label=True),
                Cell(
                    width - lw,
                    draw=opinion_box(
                        ["本人承诺所填情况及所附材料真实，申请医疗救助。"],
                        BODY,
                        "申请人（代填人）签字：",
                    ),
                ),
            ],
        ),
        (
            20 * mm,
            [
                Cell(lw, "村（居）委会\n调查核实意见", label=True),
                Cell(width - lw, draw=opinion_box([], BODY, "（盖章）")),
            ],
        ),
        (
            22 * mm,
            [
                Cell(lw, "镇（街道）\n审查意见", label=True),
                Cell(
                    width - lw,
                    draw=opinion_box(
                        ["公示3天：    月    日至    月    日，公示期间有无异议：□无  □有"], BODY
                    ),
                ),
            ],
        ),
        (
            26 * mm,
            [
                Cell(lw, "区社会事务\n管理局\n审批意见", label=True),
                Cell(
                    width - lw,
                    draw=opinion_box(
                        [
                            "经济状况核对结果：",
                            "再次公示3天有无异议：□无  □有",
                            "批准救助金额：              元",
                        ],
                        BODY,
                    ),
                ),
            ],
        ),
    ]
    y = PAGE_H - 32 * mm
    for height, cells in rows:
        y = draw_row(canvas, LEFT, y, height, cells, BODY)
    block_text(canvas, LEFT - 1.5 * mm, y - 16 * mm, width + 3 * mm, 15 * mm, NOTE, 8, valign="top")
    typeset.footer(canvas, LEFT, RIGHT, 8 * mm, data.document_id, data.policy.label)


def _household_cells(data: ApplicationData, lw: float, third: float) -> list[Cell]:
    """二(一)2,3 judge the household: its members and income (blank where not recorded)."""
    size = "" if data.household_size is None else f"{data.household_size} 人"
    income = "" if data.household_income is None else f"{fmt(data.household_income)} 元"
    return [
        Cell(lw, "家庭人口", label=True),
        Cell(third, size),
        Cell(lw, "家庭年收入", label=True),
        Cell(2 * third + lw, income),
    ]


def _filler_cells(data: ApplicationData, lw: float, third: float) -> list[Cell]:
    """三(一): 本人, or a 直系亲属 or 监护人 named with the relationship; nothing ticked when the
    window has not recorded who (filled in by pen)."""
    ticks = [(name, data.filled_by_kind == kind) for kind, name in FILLER_KINDS.items()]
    width = 3 * (lw + third)
    name_w, relation_w = 30 * mm, 24 * mm
    return [
        Cell(lw, "填表人", label=True),
        Cell(width - 2 * lw - 20 * mm - name_w - relation_w, draw=tick_options(ticks, BODY)),
        Cell(20 * mm, "代填人", label=True),
        Cell(name_w, data.filled_by),
        Cell(lw, "与申请人关系", label=True),
        Cell(relation_w, data.filled_by_relation),
    ]


def _paid_into_rows(data: ApplicationData, lw: float, width: float) -> list:
    """四: the account the assistance is paid into, where the policy pays to the household."""
    paid = data.paid_into
    if paid is None:
        return []
    account = "户名：            开户银行：                    卡号："
    if paid.card_number:
        account = (
            f"户名：{paid.account_name}　开户银行：{paid.bank}　"
            f"卡号：{card_words(paid.card_number)}"
        )
    return [
        (
            9 * mm,
            [Cell(lw, f"发放账户（{paid.clause}）", label=True), Cell(width - lw, account)],
        )
    ]


def _small_text(text: str):
    def draw(canvas: Canvas, left: float, bottom: float, width: float, height: float) -> None:
        block_text(canvas, left, bottom, width, height, text, 8, valign="top")

    return draw
