"""A clerk's whole case through the real window and a real SQLite store: register (a bad ID
number first), tick the papers and attach a scan, settle, read the breakdown, print, void."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from app.identity import make_resident_id
from tests.ui.accounts import SUPERVISOR, SUPERVISOR_PW
from ui import ops
from ui.qt import QApplication, QDropEvent, QFileDialog, QMessageBox, QMimeData, QPointF, Qt, QUrl

GOOD_ID = make_resident_id("330781", date(1961, 3, 4), 7, "F")
BAD_ID = GOOD_ID[:-1] + ("1" if GOOD_ID[-1] != "1" else "2")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def settle(qtbot) -> None:
    """Wait for the window's calls to the desk (made off the GUI thread) to come back."""
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def register(qtbot, window, type_text, admission_number="ZY-7001"):
    qtbot.keyClick(window, Qt.Key.Key_F2)
    form = window.registration
    qtbot.waitUntil(form.isVisible)
    qtbot.keyClicks(form.fields["id_number"].edit, GOOD_ID)
    settle(qtbot)
    type_text(form.fields["name"].edit, "测试庚")
    form.category.setCurrentIndex(form.category.findData("minimum_living"))
    qtbot.keyClicks(form.fields["admission_number"].edit, admission_number)
    type_text(form.fields["department"].edit, "内科")
    type_text(form.fields["diagnosis"].edit, "肺炎")
    type_text(form.fields["off_roster_reason"].edit, "新认定低保户，名册待更新")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.case_panel.detail is not None)
    settle(qtbot)
    # The form has closed; as a window manager would, give the main window the keyboard back
    # (offscreen Qt has none, and shortcuts only reach the active window).
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window.case_panel.detail


def test_registration_shows_id_errors_as_typed_and_fills_from_the_number(qtbot, window, type_text):
    qtbot.keyClick(window, Qt.Key.Key_F2)
    form = window.registration
    qtbot.keyClicks(form.fields["id_number"].edit, BAD_ID)
    assert form.fields["id_number"].error_text() == "身份证号：校验位不正确，请核对号码是否输错"
    assert form.birth_date.text() == "—"

    form.fields["id_number"].edit.clear()
    qtbot.keyClicks(form.fields["id_number"].edit, GOOD_ID)
    settle(qtbot)
    assert form.fields["id_number"].error_text() == ""
    assert form.birth_date.text() == "1961-03-04"
    assert form.sex.text() == "女"
    assert "名册中未找到" in form.roster.text()

    # Saving without the reason a person off the roster needs names that field.
    type_text(form.fields["name"].edit, "测试庚")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.fields["off_roster_reason"].error_text() == (
        "未在名册的登记理由：该人员不在当前救助名册中，须填写登记理由"
    )
    assert form.fields["diagnosis"].error_text() == "诊断：不能为空"
    assert form.isVisible()


def test_whole_case_register_papers_settle_print_void(
    qtbot, window, type_text, monkeypatch, tmp_path
):
    detail = register(qtbot, window, type_text)
    assert detail.row.name == "测试庚" and detail.row.status == "在院"
    panel = window.case_panel.checklist
    assert panel.lines and all(panel.row_state(r) == "缺" for r in range(len(panel.lines)))
    assert "材料缺" in panel.summary.text()

    # Tick every required original and copy; the panel is rebuilt after each save.
    for row, line in enumerate(list(panel.lines)):
        for key, required in (
            ("original_sighted", line.original_required),
            ("copy_kept", line.copy_required),
        ):
            if required:
                panel.tick_box(row, key).click()
                settle(qtbot)
    assert panel.summary.text() == "材料齐全。"
    assert all(panel.row_state(r) == "✓" for r in range(len(panel.lines)))

    # Attach a scan through the file dialog, and another by dropping a file on a row.
    scan = tmp_path / "通知书.png"
    scan.write_bytes(PNG)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *a, **k: (str(scan), "扫描件 (*.png)")
    )
    panel.choose_scan(panel.lines[0].item_id)
    settle(qtbot)
    assert panel.lines[0].scan_sha256 is not None
    dropped = tmp_path / "身份证.png"
    dropped.write_bytes(PNG + b"other")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(dropped))])
    rect = panel.table.visualRect(panel.table.model().index(1, 1))
    point = panel.table.viewport().mapTo(panel, rect.center())
    event = QDropEvent(
        QPointF(point),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    panel.dropEvent(event)
    settle(qtbot)
    assert panel.lines[1].scan_sha256 is not None
    assert panel.lines[1].scan_sha256 != panel.lines[0].scan_sha256
    assert (window.desk.data_dir / "scans").is_dir()

    # Settle: the breakdown follows the typing (by hand, 兰溪 低保 70%, cap 80000):
    # base = 20000 - 1000 - 12000 = 7000; assistance 7000 x 70% = 4900;
    # patient pays 20000 - 12000 - 4900 = 3100; cap left 80000 - 4900 = 75100.
    qtbot.keyClick(window, Qt.Key.Key_F5)
    settle(qtbot)
    dialog = window.discharge
    assert dialog.case.missing_documents == ()
    for key, text in (("total", "20000"), ("out_of_catalog", "1000"), ("basic_insurance", "12000")):
        qtbot.keyClicks(dialog.fields[key].edit, text)
    assert dialog.breakdown.value("base") == "7,000.00 元"
    assert dialog.breakdown.value("paid_at_window") == "4,900.00 元"
    assert dialog.breakdown.value("patient_pays") == "3,100.00 元"
    assert dialog.breakdown.value("cap_remaining") == "75,100.00 元"
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)

    # Saved, then the slip is made off the GUI thread and shown in the print preview.
    qtbot.waitUntil(lambda: bool(window.previewed) and ops.pending() == 0)
    slip = window.case_panel.detail.live_settlement.slip_number
    assert slip.startswith("LX01-")
    title, pdf = window.previewed[0]
    assert title == f"结算单 {slip}"
    assert slip in pdf_text(pdf) and "4900.00" in pdf_text(pdf).replace(",", "")
    assert window.model.rows[0].status == "已结算"
    assert window.model.rows[0].paid_at_window == "4900.00"

    # Save as PDF (the file dialog answered by the test).
    target = tmp_path / "slip.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF"))
    window.pdf_action.trigger()
    settle(qtbot)
    assert slip in pdf_text(target.read_bytes())

    # Void with a supervisor's password and a reason; the case can be settled again.
    window.void_action.trigger()
    void = window.void_dialog
    qtbot.mouseClick(void.void_button, Qt.MouseButton.LeftButton)
    assert void.reason.error_text() == "作废理由：作废须填写理由"
    type_text(void.supervisor.edit, SUPERVISOR)
    qtbot.keyClicks(void.password.edit, SUPERVISOR_PW)
    type_text(void.reason.edit, "目录外费用录错")
    qtbot.mouseClick(void.void_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.rows[0].status == "已作废待重算")
    settle(qtbot)
    assert window.discharge_action.isEnabled()
    assert not window.void_action.isEnabled()
    assert "已作废：目录外费用录错" in window.case_panel.settlements.text()

    # The voided slip still prints, with its 作废 mark.
    assert window.print_action.isEnabled()
    window.print_action.trigger()
    qtbot.waitUntil(lambda: len(window.previewed) == 2 and ops.pending() == 0)
    title, pdf = window.previewed[-1]
    assert title == f"结算单 {slip}" and "作废" in pdf_text(pdf)
    assert "作废" not in pdf_text(window.previewed[0][1])

    # Settling again starts from the voided slip's amounts, said so, to be corrected.
    window.discharge_action.trigger()
    settle(qtbot)
    again = window.discharge
    assert again is not dialog
    assert again.fields["total"].text() == "20000.00"
    assert again.fields["out_of_catalog"].text() == "1000.00"
    assert again.fields["basic_insurance"].text() == "12000.00"
    assert slip in again.notice.text() and again.notice.isVisibleTo(again)
    again.fields["out_of_catalog"].edit.clear()
    qtbot.keyClicks(again.fields["out_of_catalog"].edit, "2000")
    settle(qtbot)
    assert again.breakdown.value("paid_at_window") == "4,200.00 元"  # (20000-2000-12000)x70%


SEARCHES = {
    "id_number": GOOD_ID,
    "admission_number": "ZY-8123",
    "admission_number_lower_case": "zy-8123",
    "name": "测试庚",
    "initials": "csg",
    "pinyin_upper_case": "CESHIGENG",
}


@pytest.mark.parametrize("how", SEARCHES)
def test_search_finds_the_case(qtbot, window, type_text, how):
    register(qtbot, window, type_text, admission_number="ZY-8123")
    window.show_work_list()
    settle(qtbot)
    assert window.case_panel.detail is None
    text = SEARCHES[how]
    if text.isascii():
        qtbot.keyClicks(window.search, text)
    else:
        type_text(window.search, text)
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    settle(qtbot)
    assert window.list_title.text() == f"查找“{text}”：1 条"
    assert window.case_panel.detail.row.admission_number == "ZY-8123"


def test_scanned_slip_number_jumps_to_the_case(qtbot, window, type_text, desk):
    detail = register(qtbot, window, type_text, admission_number="ZY-9001")
    case = desk.discharge_case(detail.row.admission_id)
    override = (
        {"supervisor": SUPERVISOR, "password": SUPERVISOR_PW, "reason": "测试"}
        if case.missing_documents
        else None
    )
    from datetime import datetime

    claim = {
        "total": "100",
        "out_of_catalog": "0",
        "basic_insurance": "0",
        "critical_illness": "0",
        "other_compensation": "0",
        "cause": None,
    }
    slip = desk.settle(case, claim, override, datetime.now().replace(second=0, microsecond=0))
    window.show_work_list()
    settle(qtbot)
    # A keyboard-wedge scanner types the code, then Enter.
    qtbot.keyClicks(window.search, slip.lower())
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    settle(qtbot)
    assert window.case_panel.detail.row.admission_number == "ZY-9001"
    assert window.case_panel.detail.live_settlement.slip_number == slip


def test_registration_draft_survives_and_closing_asks(qtbot, window, type_text, message_boxes):
    qtbot.keyClick(window, Qt.Key.Key_F2)
    form = window.registration
    qtbot.keyClicks(form.fields["id_number"].edit, GOOD_ID)
    type_text(form.fields["name"].edit, "测试辛")
    assert window.drafts.load("registration")["name"] == "测试辛"

    # Closing the main window asks about the form; "取消" keeps both open.
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    window.close()
    assert window.isVisible() and form.isVisible()
    assert message_boxes.shown[-1][1] == "关闭入院登记"

    # As if the program died (no question, no save): a new form brings back what was typed.
    form.hide()
    qtbot.keyClick(window, Qt.Key.Key_F2)
    again = window.registration
    assert again is not form
    assert again.fields["id_number"].text() == GOOD_ID
    assert again.fields["name"].text() == "测试辛"
    assert again.birth_date.text() == "1961-03-04"
    assert again.form_error.text() == "已恢复上次未保存的登记草稿。"


def test_cases_handled_today_stay_in_the_list(qtbot, window, type_text, desk):
    detail = register(qtbot, window, type_text, admission_number="ZY-7100")
    window.show_work_list()
    settle(qtbot)
    assert [row.admission_number for row in window.model.rows] == ["ZY-7100"]
    window.today_only.setChecked(True)
    assert window.proxy.rowCount() == 1
    window.filter.setText("不存在的人")
    assert window.proxy.rowCount() == 0
    window.filter.setText("测试庚")
    assert window.proxy.rowCount() == 1
    assert detail.row.status == "在院"


def test_roster_answer_is_shown_for_on_roster_and_expired(qtbot, window, desk, tmp_path, type_text):
    from app.services import import_roster

    expired_id = make_resident_id("330781", date(1950, 6, 1), 9, "M")
    roster = tmp_path / "名册.csv"
    roster.write_text(
        "姓名,身份证号,类别,证件类型,证件号码,有效期起,有效期止\n"
        f"测试壬,{GOOD_ID},低保对象,低保证,LB-1,2020-01-01,\n"
        f"测试癸,{expired_id},特困供养人员,特困供养证,TK-2,2019-01-01,2020-12-31\n",
        encoding="utf-8-sig",
    )
    import_roster(desk.store, roster, clerk="测试经办", source="民政局名册")

    qtbot.keyClick(window, Qt.Key.Key_F2)
    form = window.registration
    qtbot.keyClicks(form.fields["id_number"].edit, GOOD_ID)
    settle(qtbot)
    assert form.roster.text() == "在册：低保对象"
    assert form.category.currentData() == "minimum_living"
    assert form.fields["name"].text() == "测试壬"  # a known person's name is filled in

    form.fields["id_number"].edit.clear()
    qtbot.keyClicks(form.fields["id_number"].edit, expired_id)
    settle(qtbot)
    assert form.roster.text() == "名册资格已过期（有效期至 2020-12-31），须填写登记理由"
    assert form.fields["name"].text() == "测试癸"
    assert form.fields["name"].error_text() == ""

    # typed with full-width digits (an input method in 全角): the same number, the same answer
    form.fields["id_number"].edit.clear()
    form.fields["name"].edit.clear()
    wide = GOOD_ID[:-4] + "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in GOOD_ID[-4:])
    type_text(form.fields["id_number"].edit, wide)
    settle(qtbot)
    assert form.roster.text() == "在册：低保对象"
    assert form.fields["name"].text() == "测试壬"


def test_missing_papers_need_a_supervisor_to_settle(qtbot, window, type_text):
    register(qtbot, window, type_text, admission_number="ZY-7200")
    qtbot.keyClick(window, Qt.Key.Key_F5)
    settle(qtbot)
    dialog = window.discharge
    first_missing = dialog.missing_label.text().splitlines()[0]
    assert first_missing.startswith("✗ 入院备案·") and "原件未查验" in first_missing
    qtbot.keyClicks(dialog.fields["total"].edit, "1000")
    assert not dialog.confirm_button.isEnabled()
    type_text(dialog.supervisor, SUPERVISOR)
    type_text(dialog.override_reason, "原件次日补验")
    assert not dialog.confirm_button.isEnabled()  # not without the supervisor's password
    qtbot.keyClicks(dialog.supervisor_password, SUPERVISOR_PW)
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(window.previewed) and ops.pending() == 0)
    assert window.case_panel.detail.live_settlement is not None


def test_print_actions_follow_the_forms_the_policy_file_lists(
    qtbot, window, type_text, monkeypatch, tmp_path
):
    from app.policy import load_policies
    from app.services.policies import installed_policies

    register(qtbot, window, type_text, admission_number="ZY-7350")
    assert window.referral_action.isEnabled()  # 兰溪 lists a materials sheet
    # The same policy with its [[versions.paper]] cut off prints no forms.
    source = installed_policies()["lanxi"].path
    text = source.read_text(encoding="utf-8")
    (tmp_path / source.name).write_text(text[: text.index("[[versions.paper]]")], "utf-8")
    bare = load_policies(tmp_path)
    monkeypatch.setattr(type(window.desk), "policies", property(lambda _desk: bare))
    window.refresh_case()
    settle(qtbot)
    assert window.case_panel.detail is not None
    assert not window.referral_action.isEnabled()
    assert not window.application_action.isEnabled()


def test_referral_materials_sheet_is_previewed(qtbot, window, type_text):
    register(qtbot, window, type_text, admission_number="ZY-7300")
    assert window.referral_action.isEnabled()
    assert not window.application_action.isEnabled()  # 兰溪 has no year-end application
    window.referral_action.trigger()
    qtbot.waitUntil(lambda: bool(window.previewed) and ops.pending() == 0)
    title, pdf = window.previewed[-1]
    assert title == "转诊材料清单 ZY-7300"
    assert "测试庚" in pdf_text(pdf)


def test_a_refused_ctrl_s_puts_the_cursor_in_the_first_marked_field(qtbot, window, type_text):
    # The app is named once in the title bar (Qt adds the name to a title not ending with it).
    assert window.windowTitle() == "医疗救助 — 一站式即时结算窗口"
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    form = window.registration
    qtbot.waitUntil(lambda: form is not None and form.isActiveWindow())
    qtbot.keyClicks(form.fields["id_number"].edit, GOOD_ID)
    settle(qtbot)
    type_text(form.fields["name"].edit, "测试庚")
    ctrl_s = (Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(QApplication.focusWidget(), *ctrl_s)  # the button is clicked 0.1 s later
    qtbot.waitUntil(lambda: form.form_error.text() != "")
    assert form.form_error.text() == "请先改正标红的项目。"
    # In Tab order the reason for someone off the roster comes first of the marked fields.
    assert form.focusWidget() is form.fields["off_roster_reason"].edit
    type_text(form.focusWidget(), "新认定低保户，名册待更新")
    qtbot.keyClick(form.focusWidget(), *ctrl_s)
    qtbot.waitUntil(lambda: form.focusWidget() is form.fields["admission_number"].edit)
    qtbot.keyClicks(form.focusWidget(), "ZY-7002")
    type_text(form.fields["department"].edit, "内科")
    assert form.form_error.text() == "请先改正标红的项目。"  # 诊断 is still empty
    type_text(form.fields["diagnosis"].edit, "肺炎")
    assert form.form_error.text() == ""  # nothing marked is left: the message goes too
    qtbot.keyClick(form.fields["diagnosis"].edit, *ctrl_s)
    qtbot.waitUntil(lambda: window.case_panel.detail is not None)
    settle(qtbot)
    assert window.case_panel.detail.row.admission_number == "ZY-7002"
