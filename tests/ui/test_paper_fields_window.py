"""Issue 16 point 8 in the window: the 社保卡号 and household typed at registration, both sides
of a copy ticked on the checklist, and the application filler and bank account entered in
申请与发放信息, each error shown under its field in the service's words."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from app.identity import make_resident_id
from app.services import register_admission
from db.models import Admission, ChecklistItem, Person
from tests.store.helpers import admission, person
from ui import ops
from ui.checklist_panel import ChecklistPanel
from ui.paperwork_dialog import PaperworkDialog
from ui.qt import QCheckBox
from ui.registration_form import RegistrationForm

CARD = "6222020200112233446"


def _wait(qtbot) -> None:
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)


def test_registration_takes_the_card_and_household_and_names_a_bad_one(qtbot, desk, drafts):
    form = RegistrationForm(desk, drafts)
    qtbot.addWidget(form)
    texts = {
        "id_number": make_resident_id("330781", date(1961, 3, 4), 7, "F"),
        "name": "测试庚",
        "insurance_card": "h1234５678",
        "household_size": "3",
        "household_income": "24000",
        "admission_number": "ZY-7001",
        "department": "内科",
        "diagnosis": "肺炎",
        "off_roster_reason": "新认定，名册待更新",
    }
    for key, text in texts.items():
        form.fields[key].setText(text)
    _wait(qtbot)
    form._touched.update(form.fields)
    assert not form.validate()
    assert form.fields["insurance_card"].error_text().startswith("社保卡号（医保卡号）：第6个字符")
    form.fields["insurance_card"].setText("h12345678")
    form.admitted_at.setDateTime(datetime(2026, 3, 1, 9, 0))
    form.save()
    _wait(qtbot)
    with desk.store.read() as session:
        stored = session.scalars(select(Person)).one()
        assert (stored.insurance_card, stored.household_size, stored.household_income) == (
            "H12345678",
            3,
            Decimal("24000.00"),
        )


def _jingjiang_case(desk) -> int:
    """A referral to a non-designated hospital at this window, now a 靖江 site."""
    desk.save_site("JJ01", "西来镇卫生院", "grassroots", "jingjiang")
    form = admission(
        person(3, "jingjiang"), "JJ-7001", category="registered_poor", facility="outside",
        referral_approved=True, referral_number="ZZ-1",
    )  # fmt: skip
    return register_admission(
        desk.store, form, clerk="王", site_code="JJ01", now=datetime(2026, 3, 1, 10)
    ).admission_id


def test_the_checklist_ticks_both_sides_only_where_the_policy_asks(qtbot, desk):
    admission_id = _jingjiang_case(desk)
    panel = ChecklistPanel(lambda item, **changes: desk.mark_item(item, **changes))
    qtbot.addWidget(panel)
    panel.show_lines(desk.case(admission_id).checklist)
    lines = {line.name: line for line in panel.lines}
    id_card = lines["救助对象本人身份证正反两面复印件"]
    record = lines["特殊病种门诊病历复印件、出院小结"]
    assert panel.findChild(QCheckBox, f"both_sides_copied_{record.item_id}") is None
    box = panel.findChild(QCheckBox, f"both_sides_copied_{id_card.item_id}")
    assert box is not None and box.text() == "正反两面" and not box.isChecked()
    box.setChecked(True)
    with desk.store.read() as session:
        item = session.get(ChecklistItem, id_card.item_id)
        assert item.both_sides_copied and item.copy_kept
    panel.show_lines(desk.case(admission_id).checklist)
    assert panel.findChild(QCheckBox, f"both_sides_copied_{id_card.item_id}").isChecked()


def test_paperwork_dialog_names_bad_fields_and_saves(qtbot, desk, settled):
    _jingjiang_case(desk)
    dialog = PaperworkDialog(desk, "JJ-7001")
    qtbot.addWidget(dialog)
    settled()
    assert dialog.applicant.text() == "测试3"
    dialog.kind.setCurrentIndex(dialog.kind.findData("guardian"))
    assert not dialog.validate()
    assert dialog.fields["filled_by_name"].error_text() == "代填人姓名：由监护人代填时须填写"
    dialog.fields["filled_by_name"].setText("测试监护")
    dialog.fields["filled_by_relation"].setText("父亲")
    for key, text in (
        ("account_name", "测试3"),
        ("bank", "靖江农商行"),
        ("card_number", CARD[:-1] + "5"),
    ):
        dialog.fields[key].setText(text)
    dialog.save()
    settled()
    assert dialog.fields["card_number"].error_text() == "银行卡号：银行卡号校验位不正确，请核对卡号"
    dialog.fields["card_number"].setText(CARD)
    with qtbot.waitSignal(dialog.saved):
        dialog.save()
    settled()
    with desk.store.read() as session:
        row = session.scalars(select(Admission)).one()
        assert (row.filled_by_kind, row.filled_by_name, row.filled_by_relation) == (
            "guardian", "测试监护", "父亲",
        )  # fmt: skip
        assert (row.account_name, row.bank, row.card_number) == ("测试3", "靖江农商行", CARD)


def test_a_referral_in_to_a_county_hospital_is_typed_and_kept(qtbot, desk, drafts):
    # 靖江 第二十三条/第二十四条: a stay referred to the 市级 hospital has its route, its 72 h
    # filing and its own papers, though it is not outside the area.
    desk.save_site("JJ02", "靖江市人民医院", "county", "jingjiang")
    form = RegistrationForm(desk, drafts)
    qtbot.addWidget(form)
    form.show()
    form.facility.setCurrentIndex(form.facility.findData("grassroots"))
    assert not form.referral_box.isVisibleTo(form)
    form.facility.setCurrentIndex(form.facility.findData("county"))
    assert form.referral_box.isVisibleTo(form)
    sent = form.admission_input()
    assert (sent.referral_from, sent.referral_at) == (None, None)  # nothing typed: no referral
    form.fields["referral_from"].setText("西来镇卫生院")
    form.fields["referral_to"].setText("靖江市人民医院")
    sent = form.admission_input()
    assert (sent.referral_from, sent.referral_to) == ("西来镇卫生院", "靖江市人民医院")
    assert sent.referral_at is not None


def test_both_sides_ticked_from_the_keyboard(qtbot, desk):
    from ui.qt import Qt

    admission_id = _jingjiang_case(desk)
    panel = ChecklistPanel(lambda item, **changes: desk.mark_item(item, **changes))
    qtbot.addWidget(panel)
    panel.show_lines(desk.case(admission_id).checklist)
    row = next(
        i for i, line in enumerate(panel.lines) if line.name.startswith("救助对象本人身份证")
    )
    item_id = panel.lines[row].item_id
    panel.table.setCurrentCell(row, 1)
    qtbot.keyClick(panel.table, Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier)
    with desk.store.read() as session:
        item = session.get(ChecklistItem, item_id)
        assert item.both_sides_copied and item.copy_kept
