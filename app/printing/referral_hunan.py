"""湖南省农村贫困人口县域外就医转诊单, laid out as the attachment of 湘人社发〔2018〕46号:
every field of it, the poverty identity boxes ticked, three copies (one A4 page each) marked
for the insurance agency, the referring hospital and the receiving hospital."""

from collections.abc import Iterable

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.fonts import check_fields
from app.printing import typeset
from app.printing.form_grid import Cell, draw_row, opinion_box, tick_options
from app.printing.records import ReferralData

TITLE = "湖南省农村贫困人口县域外就医转诊单"
COPIES = ("医保经办机构留存", "转出医院留存", "转入医院留存")
# The form's four boxes, in its order, and the beneficiary classes that tick each.
POVERTY_BOXES = {
    "建档立卡贫困户": "registered_poor",
    "低保对象": "minimum_living",
    "特困人员": "destitute",
    "贫困残疾人": "poor_disabled",
}
NOTES = (
    "注：1、此表一式3份，分别由医保经办机构、转出医院和转入医院留存。",
    "2、申请人需提交以下补充材料：身份证(户口本)及社保卡(医保卡)复印件。",
)
PAGE_W, PAGE_H = A4
LEFT, RIGHT = 20 * mm, PAGE_W - 20 * mm
BODY = 10.5


def poverty_identities(categories: Iterable[str]) -> frozenset[str]:
    """The boxes to tick for a person's beneficiary classes (category codes)."""
    held = set(categories)
    return frozenset(name for name, code in POVERTY_BOXES.items() if code in held)


def referral_texts(data: ReferralData) -> dict[str, str]:
    person = data.patient
    return {
        "患者姓名": person.name,
        "性别": person.sex,
        "联系电话": person.phone,
        "家庭住址": person.address,
        "身份证号": person.id_number,
        "社保卡号": person.insurance_card,
        "疾病初步诊断": data.diagnosis,
        "转出医院": data.referring_hospital or data.site.hospital_name,
        "转入医院": data.receiving_hospital,
    }


def render_hunan_referral(data: ReferralData) -> bytes:
    """Three A4 pages, one per copy, as PDF bytes. Raises ``MissingGlyphError`` naming the
    field of any character the fonts cannot draw."""
    check_fields(referral_texts(data))
    unknown = data.poverty_identities - set(POVERTY_BOXES)
    if unknown:
        raise ValueError(f"转诊单没有这些身份属性框：{'、'.join(sorted(unknown))}")

    def draw(canvas: Canvas) -> None:
        for index, holder in enumerate(COPIES):
            _draw_copy(canvas, data, f"第{'一二三'[index]}联 {holder}")
            canvas.showPage()

    return typeset.build_pdf(A4, TITLE, data.document_id, draw)


def _draw_copy(canvas: Canvas, data: ReferralData, copy_label: str) -> None:
    person = data.patient
    typeset.labelled_box(canvas, RIGHT, PAGE_H - 12 * mm, copy_label, 10)
    typeset.draw_text(canvas, PAGE_W / 2, PAGE_H - 32 * mm, TITLE, 16, align="center")
    width = RIGHT - LEFT
    label_w = 34 * mm
    birth = f"{person.birth_date.year}年{person.birth_date.month}月" if person.birth_date else ""
    ticks = [(name, name in data.poverty_identities) for name in POVERTY_BOXES]
    application = ["本人因病情需要，申请转往县域外就医。"]
    if data.receiving_hospital:
        application.append(f"拟转入医院：{data.receiving_hospital}")
    outgoing = [f"转出医院：{data.referring_hospital or data.site.hospital_name}"]
    short_w = (width - 3 * 22 * mm) / 3
    rows = [
        (
            12 * mm,
            [
                Cell(22 * mm, "患者姓名", label=True),
                Cell(short_w, person.name),
                Cell(22 * mm, "性别", label=True),
                Cell(short_w, person.sex),
                Cell(22 * mm, "出生年月", label=True),
                Cell(short_w, birth),
            ],
        ),
        (
            12 * mm,
            [
                Cell(22 * mm, "联系电话", label=True),
                Cell(short_w, person.phone),
                Cell(22 * mm, "家庭住址", label=True),
                Cell(width - 2 * 22 * mm - short_w, person.address),
            ],
        ),
        (
            12 * mm,
            [
                Cell(22 * mm, "身份证号", label=True),
                Cell(short_w + 14 * mm, person.id_number),
                Cell(30 * mm, "社保卡号\n(医保卡号)", label=True),
                Cell(width - 52 * mm - short_w - 14 * mm, person.insurance_card),
            ],
        ),
        (
            13 * mm,
            [
                Cell(label_w, "贫困人口身份属性", label=True),
                Cell(width - label_w, draw=tick_options(ticks, BODY)),
            ],
        ),
        (
            18 * mm,
            [Cell(label_w, "疾病初步诊断", label=True), Cell(width - label_w, data.diagnosis)],
        ),
        (
            36 * mm,
            [
                Cell(label_w, "个人申请", label=True),
                Cell(
                    width - label_w,
                    draw=opinion_box(application, BODY, "申请人签字：", data.applied_on),
                ),
            ],
        ),
        (
            42 * mm,
            [
                Cell(label_w, "转出医院\n(医保科)意见", label=True),
                Cell(width - label_w, draw=opinion_box(outgoing, BODY, "(公章)")),
            ],
        ),
        (
            42 * mm,
            [
                Cell(label_w, "统筹区医保经办\n机构审核意见", label=True),
                Cell(width - label_w, draw=opinion_box([], BODY, "(公章)")),
            ],
        ),
    ]
    y = PAGE_H - 40 * mm
    for height, cells in rows:
        y = draw_row(canvas, LEFT, y, height, cells, BODY)
    y -= 7 * mm
    for note in NOTES:
        typeset.draw_text(canvas, LEFT, y, note, 9.5)
        y -= 6 * mm
    typeset.footer(canvas, LEFT, RIGHT, 10 * mm, data.document_id, data.policy.label)
