"""The discharge dialog driven like a clerk would: type the bill, read the breakdown."""

from datetime import date

import pytest

from app.desk.records import DischargeCase
from app.settlement import settle_json
from ui import ops
from ui.discharge_dialog import DischargeDialog
from ui.qt import QMessageBox, Qt


def lanxi_case(**changes) -> DischargeCase:
    values = dict(
        key="admission-1",
        policy_id="lanxi",
        policy_title="兰溪市医疗救助实施办法",
        patient_name="测试甲",
        id_number="330781195001011234",
        category="minimum_living",
        visit="inpatient",
        insurance="resident",
        facility="county",
        admitted_on=date(2026, 5, 1),
        admission_number="ZY0001",
    )
    values.update(changes)
    return DischargeCase(**values)


@pytest.fixture
def make_dialog(qtbot, policies, drafts):
    saved: list[tuple[dict, dict | None]] = []

    def confirm(claim, override, discharged_at):
        saved.append((claim, override))
        return "LX01-2026-000001"

    def make(case=None):
        dialog = DischargeDialog(
            case or lanxi_case(),
            preview=lambda claim: settle_json(claim, policies),
            confirm=confirm,
            drafts=drafts,
        )
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.saved = saved
        return dialog

    return make


def type_bill(qtbot, dialog, **amounts):
    for key, text in amounts.items():
        dialog.fields[key].edit.clear()
        qtbot.keyClicks(dialog.fields[key].edit, text)


def test_breakdown_follows_typing(qtbot, make_dialog):
    dialog = make_dialog()
    assert dialog.breakdown.value("paid_at_window") == ""
    type_bill(
        qtbot,
        dialog,
        total="52000",
        out_of_catalog="2000",
        basic_insurance="30000",
        critical_illness="5000",
    )
    # By hand: base = 52000 - 2000 - 30000 - 5000 = 15000; 低保 70% of it = 10500;
    # the patient pays 52000 - 30000 - 5000 - 10500 = 6500; the cap 80000 leaves 69500.
    assert dialog.breakdown.value("base") == "15,000.00 元"
    assert dialog.breakdown.value("layer:medical_assistance") == "10,500.00 元"
    assert dialog.breakdown.value("paid_at_window") == "10,500.00 元"
    assert dialog.breakdown.value("patient_pays") == "6,500.00 元"
    assert dialog.breakdown.value("cap_remaining") == "69,500.00 元"
    assert dialog.breakdown.value("settle_mode") == "即时结算（窗口垫付）"
    clauses = [row[0] for row in dialog.breakdown.step_rows()]
    assert "三(二)1" in clauses
    assert dialog.confirm_button.isEnabled()

    # One more keystroke changes the result at once: total 52000 -> 520001 is not what was
    # meant, so edit the basic insurance instead: base 15000 - 1000 = 14000, 70% = 9800.
    type_bill(qtbot, dialog, basic_insurance="31000")
    assert dialog.breakdown.value("paid_at_window") == "9,800.00 元"


def test_bad_amount_is_named_next_to_its_field(qtbot, make_dialog):
    dialog = make_dialog()
    type_bill(qtbot, dialog, total="1200.555")
    assert dialog.fields["total"].error_text() == "医疗总费用：金额最多两位小数"
    assert not dialog.confirm_button.isEnabled()
    assert dialog.breakdown.value("paid_at_window") == ""
    qtbot.keyClick(dialog.fields["total"].edit, Qt.Key.Key_Backspace)
    assert dialog.fields["total"].error_text() == ""


def test_insurance_above_total_is_refused_on_the_field(qtbot, make_dialog):
    dialog = make_dialog()
    type_bill(qtbot, dialog, total="1000", basic_insurance="1200")
    assert dialog.fields["basic_insurance"].error_text().startswith("基本医保支付：")
    assert "超过医疗总费用" in dialog.fields["basic_insurance"].error_text()
    assert not dialog.confirm_button.isEnabled()


def test_confirm_passes_typed_strings_and_emits_slip(qtbot, make_dialog, drafts):
    dialog = make_dialog()
    type_bill(qtbot, dialog, total="8000.50", basic_insurance="5000")
    with qtbot.waitSignal(dialog.settled) as signal:
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["LX01-2026-000001"]
    claim, override = dialog.saved[0]
    assert claim["total"] == "8000.50" and claim["basic_insurance"] == "5000"
    assert claim["out_of_catalog"] == "0" and override is None
    assert drafts.load("discharge-admission-1") is None


def test_typed_amounts_survive_a_crash_as_a_draft(qtbot, make_dialog, drafts):
    dialog = make_dialog()
    type_bill(qtbot, dialog, total="3000", basic_insurance="1000")
    assert drafts.load("discharge-admission-1")["total"] == "3000"
    dialog.deleteLater()  # as if the window vanished without closing

    again = make_dialog()
    assert again.fields["total"].text() == "3000"
    assert again.fields["basic_insurance"].text() == "1000"
    assert again.breakdown.value("base") != ""


def test_closing_with_input_asks_and_cancel_keeps_the_dialog(qtbot, make_dialog, message_boxes):
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    dialog = make_dialog()
    type_bill(qtbot, dialog, total="100")
    dialog.reject()
    assert [(kind, title) for kind, title, _ in message_boxes.shown] == [
        ("question", "关闭出院结算")
    ]
    assert dialog.isVisible()
    assert dialog.fields["total"].text() == "100"


def test_missing_documents_need_a_supervisor(qtbot, make_dialog, type_text):
    dialog = make_dialog(lanxi_case(missing_documents=("入院备案·低保证（复印件未留存）",)))
    type_bill(qtbot, dialog, total="1000")
    assert dialog.breakdown.value("base") != ""
    assert not dialog.confirm_button.isEnabled()
    type_text(dialog.supervisor, "王主管")
    type_text(dialog.override_reason, "复印件次日补交")
    assert not dialog.confirm_button.isEnabled()
    qtbot.keyClicks(dialog.supervisor_password, "Boss#2026okay")
    assert dialog.confirm_button.isEnabled()
    dialog.confirm()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    assert dialog.saved[0][1] == {
        "supervisor": "王主管",
        "password": "Boss#2026okay",
        "reason": "复印件次日补交",
    }
    # The password is never written into the draft kept on disk.
    assert "Boss#2026okay" not in str(dialog.typed())


def test_ctrl_enter_before_it_may_settle_points_at_what_is_missing(qtbot, make_dialog, type_text):
    dialog = make_dialog(lanxi_case(missing_documents=("入院备案·低保证（复印件未留存）",)))
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    ctrl_enter = (Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog.fields["basic_insurance"].edit, *ctrl_enter)
    assert dialog.focusWidget() is dialog.fields["total"].edit
    assert dialog.form_error.text() == "请先输入医疗总费用。"
    type_bill(qtbot, dialog, total="1000", basic_insurance="12x")
    assert dialog.form_error.text() == ""
    qtbot.keyClick(dialog.fields["total"].edit, *ctrl_enter)
    assert dialog.focusWidget() is dialog.fields["basic_insurance"].edit  # the marked amount
    type_bill(qtbot, dialog, basic_insurance="300")
    qtbot.keyClick(dialog.fields["basic_insurance"].edit, *ctrl_enter)
    assert dialog.focusWidget() is dialog.supervisor
    needs = "材料缺项须主管放行：请填写审核主管、主管密码和放行理由。"
    assert dialog.override_error.text() == needs
    type_text(dialog.supervisor, "王主管")
    qtbot.keyClick(dialog.supervisor, *ctrl_enter)
    assert dialog.focusWidget() is dialog.supervisor_password
    qtbot.keyClicks(dialog.supervisor_password, "Boss#2026okay")
    qtbot.keyClick(dialog.supervisor_password, *ctrl_enter)
    assert dialog.focusWidget() is dialog.override_reason
    assert dialog.saved == []
    type_text(dialog.override_reason, "复印件次日补交")
    assert dialog.override_error.text() == ""  # all three typed: the hint goes
    qtbot.keyClick(dialog.override_reason, *ctrl_enter)
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    assert dialog.saved[0][1]["reason"] == "复印件次日补交"


def test_enter_moves_to_the_next_field_and_never_settles(qtbot, make_dialog):
    dialog = make_dialog()
    dialog.fields["total"].edit.setFocus()
    qtbot.keyClicks(dialog.fields["total"].edit, "5000")
    qtbot.keyClick(dialog.fields["total"].edit, Qt.Key.Key_Return)
    assert dialog.saved == []
    assert dialog.isVisible()
    assert dialog.focusWidget() is dialog.fields["out_of_catalog"].edit
    dialog.cause.setFocus()
    qtbot.keyClick(dialog.cause, Qt.Key.Key_Return)
    assert dialog.saved == [] and dialog.isVisible()


def test_an_excluded_cause_shows_the_reason_and_pays_nothing(qtbot, make_dialog):
    case = lanxi_case(policy_id="taierzhuang", policy_title="台儿庄区医疗救助")
    dialog = make_dialog(case)
    type_bill(qtbot, dialog, total="3000", basic_insurance="1000")
    assert dialog.breakdown.value("paid_at_window") != "0.00 元"
    dialog.cause.setCurrentIndex(dialog.cause.findData("traffic_accident"))
    assert dialog.breakdown.notice.text().startswith("不符合救助条件：")
    assert dialog.breakdown.value("paid_at_window") == "0.00 元"
    # Nothing from assistance: the patient pays the bill less the insurance, 3000 - 1000.
    assert dialog.breakdown.value("patient_pays") == "2,000.00 元"


def test_disabling_box_decides_an_accident_exclusion(qtbot, make_dialog):
    # 台儿庄 三(二)1: an accident with no liable party is excluded only when it caused disability.
    case = lanxi_case(policy_id="taierzhuang", policy_title="台儿庄区医疗救助")
    dialog = make_dialog(case)
    type_bill(qtbot, dialog, total="3000", basic_insurance="1000")
    dialog.cause.setCurrentIndex(dialog.cause.findData("traffic_accident_no_liable_party"))
    assert dialog.breakdown.notice.text() == "符合救助条件。"
    assert dialog.breakdown.value("paid_at_window") == "1,400.00 元"  # 2000 × 70%
    dialog.disabling.setFocus()
    qtbot.keyClick(dialog.disabling, Qt.Key.Key_Space)
    assert dialog.disabling.isChecked()
    assert "造成残疾" in dialog.breakdown.notice.text()
    assert dialog.breakdown.value("paid_at_window") == "0.00 元"
    assert dialog.claim()["disabling"] is True


def test_excluded_costs_leave_the_base_where_the_policy_says(qtbot, make_dialog):
    # 靖江 第二十一条(五): PET-CT 2500 is taken out of the base; 基层, 居民医保 80 %.
    case = lanxi_case(policy_id="jingjiang", policy_title="靖江", facility="grassroots")
    dialog = make_dialog(case)
    type_bill(qtbot, dialog, total="20000", basic_insurance="10000", excluded="2500")
    assert dialog.breakdown.value("base") == "7,500.00 元"
    assert dialog.breakdown.value("paid_at_window") == "6,000.00 元"
    assert any(clause == "第二十一条(五)(六)(十)" for clause, _, _ in dialog.breakdown.step_rows())


def test_hunan_breakdown_shows_the_hospital_reduction_apart(qtbot, make_dialog):
    case = lanxi_case(policy_id="hunan", policy_title="湖南", category="registered_poor")
    dialog = make_dialog(case)
    type_bill(qtbot, dialog, total="100000", basic_insurance="60000", critical_illness="10000")
    # policies/tests/hunan.toml, first case: 25275 at the window, of which 525 the hospital's own.
    assert dialog.breakdown.value("paid_at_window") == "25,275.00 元"
    assert dialog.breakdown.value("hospital_reduction") == "525.00 元"
    assert dialog.breakdown.value("advanced") == "24,750.00 元"
    assert dialog.breakdown.value("cap_remaining") == "47,750.00 元"
