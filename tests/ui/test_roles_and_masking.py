"""Issue 9 at the window: a clerk cannot void alone, and lists show ID numbers masked."""

from app.services import register_admission
from tests.store.helpers import admission, person
from tests.ui.accounts import CLERK, CLERK_PW, SUPERVISOR, SUPERVISOR_PW
from ui import ops
from ui.case_table import COLUMNS
from ui.qt import Qt

ID_COLUMN = [key for key, _title in COLUMNS].index("id_number")


def settle(qtbot) -> None:
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)


def select_slip(qtbot, window, slip):
    window.search.setText(slip)
    window.run_search()
    settle(qtbot)
    assert window.case_panel.detail.live_settlement.slip_number == slip


def test_a_clerk_cannot_void_without_a_supervisors_password(qtbot, window, settled_slip, type_text):
    assert window.desk.user.name == CLERK and window.desk.clerk == CLERK
    select_slip(qtbot, window, settled_slip)
    window.void_action.trigger()
    void = window.void_dialog
    assert void.supervisor.text() == ""  # a clerk is not offered as the approver
    type_text(void.reason.edit, "金额录错")

    # A name without a password is refused on the password field.
    type_text(void.supervisor.edit, SUPERVISOR)
    qtbot.mouseClick(void.void_button, Qt.MouseButton.LeftButton)
    assert void.password.error_text() == "主管密码：须由主管本人输入密码"
    # A wrong password.
    qtbot.keyClicks(void.password.edit, "Wrong#2026pass")
    qtbot.mouseClick(void.void_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert (
        void.password.error_text()
        == "主管密码：用户名或密码不正确（连续 5 次输错将锁定 15 分钟，也可请管理员解锁）"
    )
    assert void.password.text() == ""
    # The clerk's own name and password: right password, wrong role.
    void.supervisor.setText(CLERK)
    qtbot.keyClicks(void.password.edit, CLERK_PW)
    qtbot.mouseClick(void.void_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert void.supervisor.error_text() == (f"审核主管：作废结算须由主管操作，{CLERK} 是经办员")
    assert void.isVisible()
    assert window.desk.case(window.current_row().admission_id).live_settlement is not None

    # The supervisor's password voids it.
    void.supervisor.setText(SUPERVISOR)
    qtbot.keyClicks(void.password.edit, SUPERVISOR_PW)
    qtbot.mouseClick(void.void_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not void.isVisible())
    settle(qtbot)
    detail = window.desk.case(window.current_row().admission_id)
    assert detail.live_settlement is None and detail.settlements[-1].voided
    # The trail names the supervisor who allowed it and the clerk who asked at the window.
    from app.services.audit import history

    with window.desk.store.read() as session:
        voided = [e for e in history(session, "settlement", settled_slip) if e.action == "void"]
    assert [e.clerk for e in voided] == [SUPERVISOR]
    assert f'"asked_by": "{CLERK}"' in voided[0].changes_json


def test_a_signed_in_supervisor_is_offered_as_the_approver(qtbot, window, settled_slip, desk):
    desk.sign_in(SUPERVISOR, SUPERVISOR_PW)
    select_slip(qtbot, window, settled_slip)
    window.void_action.trigger()
    assert window.void_dialog.supervisor.text() == SUPERVISOR
    assert window.void_dialog.password.text() == ""


def test_the_signed_in_user_is_the_clerk_in_the_status_bar(window):
    window.update_status()
    assert window.status_clerk.text() == f"经办人：{CLERK}（经办员）"


def test_case_list_and_search_results_show_id_numbers_masked(qtbot, window, desk):
    who = person(3, name="测试遮")
    id_number = who.id_number
    register_admission(desk.store, admission(who, "ZY-M01"), clerk=CLERK)
    masked = id_number[:6] + "********" + id_number[-4:]

    window.show_work_list()
    settle(qtbot)
    rows = [r for r in range(window.model.rowCount()) if window.model.rows[r].name == "测试遮"]
    cell = window.model.index(rows[0], ID_COLUMN)
    assert window.model.data(cell) == masked
    assert window.model.data(cell, Qt.ItemDataRole.UserRole + 1) == masked  # sorting too

    for text in (id_number, "测试遮", "ZY-M01"):
        window.search.setText(text)
        window.run_search()
        settle(qtbot)
        assert window.model.rowCount() == 1
        shown = [window.model.data(window.model.index(0, c)) for c in range(len(COLUMNS))]
        assert masked in shown and id_number not in shown
        # In full on the case itself.
        assert id_number in window.case_panel.header.text()
