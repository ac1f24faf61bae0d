"""Tab goes section by section in the forms, as they read, and Enter walks a form down to its
button and presses it (issue 17, point 3); keys only, through QTest."""

from tests.ui.test_discharge_dialog import make_dialog  # noqa: F401
from ui.qt import QApplication, Qt


def tab_through(qtbot, start, presses: int) -> list:
    """The widgets Tab lands on, one press at a time, from ``start``."""
    start.setFocus()
    landed = []
    for _ in range(presses):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        landed.append(QApplication.focusWidget())
    return landed


def names(widgets) -> list[str]:
    return [
        w.accessibleName() or w.objectName() or getattr(w, "text", lambda: "")() or repr(w)
        for w in widgets
    ]


def test_discharge_tabs_down_the_bill_then_to_the_buttons(qtbot, make_dialog):  # noqa: F811
    dialog = make_dialog()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClicks(dialog.fields["total"].edit, "9000")
    qtbot.waitUntil(dialog.confirm_button.isEnabled)
    f = {key: field.edit for key, field in dialog.fields.items()}
    expected = [
        f["out_of_catalog"], f["basic_insurance"], f["critical_illness"],
        f["other_compensation"], f["excluded"], dialog.cause, dialog.disabling,
        dialog.confirm_button, dialog.cancel_button, dialog.breakdown.steps,
        dialog.discharged_at, f["total"],
    ]  # fmt: skip
    landed = tab_through(qtbot, f["total"], len(expected))
    assert names(landed) == names(expected)
    assert landed == expected


def test_enter_walks_the_discharge_form_and_settles_on_its_button(qtbot, make_dialog):  # noqa: F811
    dialog = make_dialog()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClicks(dialog.fields["total"].edit, "9000")
    qtbot.keyClick(dialog.fields["total"].edit, Qt.Key.Key_Return)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # 目录外费用: none
    qtbot.keyClicks(QApplication.focusWidget(), "5000")  # 基本医保支付
    assert dialog.fields["basic_insurance"].text() == "5000"
    for _ in range(8):  # on through the other amounts and the cause to 确认结算
        if QApplication.focusWidget() is dialog.confirm_button:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert QApplication.focusWidget() is dialog.confirm_button
    assert not dialog.saved  # walking the form saved nothing
    with qtbot.waitSignal(dialog.settled, timeout=30_000):
        qtbot.keyClick(dialog.confirm_button, Qt.Key.Key_Return)
    claim, _override = dialog.saved[0]
    assert (claim["total"], claim["basic_insurance"]) == ("9000", "5000")


def test_post_discharge_intake_tabs_section_by_section(qtbot, desk, accounts):
    from tests.ui.accounts import CLERK, CLERK_PW
    from ui.post_discharge import IntakeDialog

    desk.sign_in(CLERK, CLERK_PW)
    dialog = IntakeDialog(desk)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    f = {key: field.edit for key, field in dialog.fields.items()}
    expected = [
        f["name"], dialog.category, dialog.insurance, f["hospital"], dialog.facility,
        dialog.admitted, dialog.discharged, f["referral_number"], dialog.referral_approved,
        f["total"], f["out_of_catalog"], f["basic_insurance"], f["critical_illness"],
        f["other_compensation"], f["account_name"], f["bank"], f["card_number"],
        dialog.materials,
    ]  # fmt: skip
    landed = tab_through(qtbot, f["id_number"], len(expected))
    assert landed == expected


def test_no_table_keeps_tab_in_its_cells(qtbot, window, desk):
    """Tab in a table moved cell by cell (seven presses to leave the policy files); now it
    leaves every table of the window and its screens, arrows move inside."""
    from tests.ui.accounts import ADMIN, ADMIN_PW
    from ui import ops
    from ui.qt import QTableView

    desk.sign_in(ADMIN, ADMIN_PW)
    window.attach(desk)
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    for action in (
        window.signoff_action,
        window.accounts_action,
        window.audit_action,
        window.claims_action,
    ):
        action.trigger()
        qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    tables = [
        table
        for top in QApplication.topLevelWidgets()
        if top.isVisible()
        for table in top.findChildren(QTableView)
    ]
    assert len(tables) >= 6
    trapping = [(t.window().windowTitle(), t.objectName()) for t in tables if t.tabKeyNavigation()]
    assert trapping == []


def test_a_returning_clerk_types_the_password_at_once(qtbot, desk, accounts):
    """The sign-in with the last name filled in opens in 密码, so what is typed first is
    the password (it went into 登录名 after the name)."""
    from tests.ui.accounts import CLERK, CLERK_PW
    from ui.sign_in import LoginDialog

    dialog = LoginDialog(desk, None, CLERK)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert QApplication.focusWidget() is dialog.password.edit
    qtbot.keyClicks(QApplication.focusWidget(), CLERK_PW)
    assert dialog.name.text() == CLERK
    assert dialog.password.text() == CLERK_PW


def test_the_policy_buttons_tab_as_they_stand(qtbot, window, desk):
    from tests.ui.accounts import ADMIN, ADMIN_PW
    from ui import ops

    desk.sign_in(ADMIN, ADMIN_PW)
    window.attach(desk)
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    window.signoff_action.trigger()
    qtbot.waitUntil(lambda: getattr(window, "policy_signoff", None) is not None)
    dialog = window.policy_signoff
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    landed = tab_through(qtbot, dialog.reason, 3)
    assert landed == [dialog.refuse_button, dialog.approve_button, dialog.approve_all_button]


def test_a_supervisor_offered_for_a_void_types_the_password_first(qtbot, window, type_text):
    from ui.void_dialog import VoidDialog

    calls = []
    dialog = VoidDialog("LX01-2026-000001", lambda *a: calls.append(a), window, "王主管")
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClicks(QApplication.focusWidget(), "Pw#2026x")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    type_text(QApplication.focusWidget(), "金额录错")
    assert (dialog.supervisor.text(), dialog.password.text()) == ("王主管", "Pw#2026x")
    assert dialog.reason.text() == "金额录错"


def test_outpatient_tabs_person_visit_bill(qtbot, window):
    from ui import ops

    window.outpatient_action.trigger()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    dialog = window.outpatient
    qtbot.waitUntil(dialog.isVisible)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    expected = [
        dialog.name.edit, dialog.category, dialog.insurance, dialog.off_roster_reason.edit,
        dialog.visit_date, dialog.visit, dialog.diagnosis.edit, dialog.department.edit,
        *(dialog.fields[key].edit for key in ("total", "out_of_catalog", "basic_insurance")),
    ]  # fmt: skip
    assert tab_through(qtbot, dialog.id_number.edit, len(expected)) == expected
