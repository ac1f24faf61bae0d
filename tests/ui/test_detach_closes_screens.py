"""切换用户 (Ctrl+L) leaves nothing of the previous user on screen: every screen that shows the
store's data closes (事后报销 and the form it opened, 日结, 测算, a scan, the audit trail, the
account page, …), and a form with unsaved input asks first, 门诊结算 as well as 登记."""

from datetime import datetime

import pytest

from app.services import register_admission
from tests.store.helpers import admission, person
from tests.ui.accounts import ADMIN, ADMIN_PW, CLERK
from ui import ops
from ui.qt import QDialog, QImage, QMessageBox


def settle(qtbot) -> None:
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)


@pytest.fixture
def admin_window(qtbot, window, desk):
    desk.sign_in(ADMIN, ADMIN_PW)
    window.attach(desk)
    settle(qtbot)
    return window


def _scan(qtbot, window, desk, tmp_path) -> str:
    """A case with a scan on its checklist; returns the scan's SHA-256."""
    done = register_admission(
        desk.store, admission(person(3), "ZY-D1"), clerk=CLERK, now=datetime(2026, 3, 1, 9)
    )
    png = tmp_path / "通知书.png"
    image = QImage(40, 20, QImage.Format.Format_RGB888)
    image.fill(0xFFFFFF)
    assert image.save(str(png))
    window.show_work_list()
    settle(qtbot)
    window.select_admission(done.admission_id)
    settle(qtbot)
    desk.mark_item(window.case_panel.checklist.lines[0].item_id, scan=png)
    window.refresh_case()
    settle(qtbot)
    return window.case_panel.checklist.lines[0].scan_sha256


def test_switching_user_closes_every_screen_of_the_previous_user(
    qtbot, admin_window, desk, tmp_path
):
    window = admin_window
    sha = _scan(qtbot, window, desk, tmp_path)
    window.open_post_discharge()
    settle(qtbot)
    window.post_discharge.buttons["intake"].click()  # a form the 事后报销 screen opened
    window.open_daily_close()
    window.open_what_if()
    window.open_audit_viewer()
    window.open_accounts()
    window.open_export()
    window.open_change_password()
    window.view_scan(sha, "通知书")
    settle(qtbot)
    screens = {
        "事后报销": window.post_discharge,
        "事后报销受理": window.post_discharge.intake,
        "日结": window.daily_close_dialog,
        "测算": window.whatif_dialog,
        "审计记录": window.audit_viewer,
        "账户管理": window.accounts_dialog,
        "导出申报包": window.export_dialog,
        "修改密码": window.password_dialog,
        "扫描件": window.scan_viewer,
    }
    assert [name for name, screen in screens.items() if not screen.isVisible()] == []

    window.switch_user()
    settle(qtbot)
    assert window.desk is None and window.sign_in_dialog.isVisible()
    assert [name for name, screen in screens.items() if screen.isVisible()] == []
    left = [d for d in window.findChildren(QDialog) if d.isVisible()]
    assert left == [window.sign_in_dialog]


def test_an_outpatient_form_with_input_asks_before_the_user_switches(
    qtbot, window, desk, message_boxes
):
    window.open_outpatient()
    settle(qtbot)
    form = window.outpatient
    qtbot.keyClicks(form.fields["total"].edit, "1500.00")
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    window.switch_user()
    settle(qtbot)
    # 取消: back to the form, nobody signed out.
    assert form.isVisible() and window.desk is desk and desk.user is not None
    assert message_boxes.shown[-1][:2] == ("question", form.CLOSE_TITLE)
    message_boxes.answer = QMessageBox.StandardButton.Discard
    window.switch_user()
    settle(qtbot)
    assert not form.isVisible() and window.desk is None and desk.user is None


def test_ctrl_l_switches_user_from_inside_a_screen(qtbot, window, desk):
    """日结 and 事后报销 are modal: the window's own Ctrl+L was blocked while either was open,
    at the handover, when it is wanted."""
    from ui.qt import Qt

    window.open_post_discharge()
    settle(qtbot)
    window.open_daily_close()
    settle(qtbot)
    close = window.daily_close_dialog
    assert close.isVisible() and window.post_discharge.isVisible()
    qtbot.keyClick(close.focusWidget() or close, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    qtbot.waitUntil(lambda: window.desk is None)
    assert not close.isVisible() and not window.post_discharge.isVisible()
    assert window.sign_in_dialog.isVisible() and desk.user is None
