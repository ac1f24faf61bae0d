"""Issue 17: a window a clerk can work all day — Qt's own texts in Chinese, layouts that hold
at 1024×768, a menu bar with every action, and a keyboard path through every dialog."""

import contextlib

import pytest

from tests.ui.accounts import CLERK
from ui import ops
from ui.qt import QApplication, QDialogButtonBox, QLabel, QLineEdit, QLocale, QMessageBox, Qt


def test_qt_buttons_and_locale_are_chinese(qapp):
    from ui.launch import make_application

    make_application(["onestop"])
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    save = box.button(QDialogButtonBox.StandardButton.Save).text().replace("&", "")
    cancel = box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "")
    assert (save, cancel) == ("保存", "取消")
    message = QMessageBox(
        QMessageBox.Icon.Question,
        "t",
        "t",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    assert message.button(QMessageBox.StandardButton.Yes).text().replace("&", "").startswith("是")
    assert QLocale().name() == "zh_CN"


# --- layouts at 1024×768 ------------------------------------------------------------------


@pytest.fixture
def small_screen(monkeypatch):
    """The available geometry of a 1024×768 screen (the window's smallest target)."""
    from ui import fitting
    from ui.qt import QSize

    monkeypatch.setattr(fitting, "usable_size", lambda _widget: QSize(1024, 768))
    import ui.main_window

    monkeypatch.setattr(ui.main_window, "usable_size", lambda _widget: QSize(1024, 768))


def squeezed(dialog) -> list:
    """What does not show whole: a window larger than the screen, an input lower than a text
    line, a wrapped label shorter than its lines at its width."""
    found = []
    if dialog.width() > 1024 or dialog.height() > 768:
        found.append(("window", dialog.size()))
    for edit in dialog.findChildren(QLineEdit):
        line = edit.fontMetrics().height()
        if edit.isVisible() and edit.height() < line:
            found.append((edit.accessibleName(), edit.height(), line))
    for label in dialog.findChildren(QLabel):
        if label.isVisible() and label.wordWrap() and label.text():
            need = label.heightForWidth(label.width())
            if label.height() < need:
                found.append((label.text(), label.height(), need))
    return found


def assert_fits_and_lines_whole(qtbot, dialog) -> None:
    qtbot.waitUntil(dialog.isVisible)
    with contextlib.suppress(qtbot.TimeoutError):  # the layout settles in a few passes
        qtbot.waitUntil(lambda: not squeezed(dialog), timeout=2_000)

    assert squeezed(dialog) == []


def test_idle_lock_text_is_whole(qtbot, window, small_screen):
    from ui.idle_lock import UnlockDialog

    dialog = UnlockDialog("测试经办", lambda _password: None, lambda: None, window)
    dialog.show()
    assert_fits_and_lines_whole(qtbot, dialog)


def test_a_three_line_error_under_an_amount_is_whole(qtbot, window, desk, small_screen):
    open_case(qtbot, window, desk)
    window.discharge_action.trigger()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    dialog = window.discharge
    qtbot.waitUntil(dialog.isVisible)
    dialog.fields["basic_insurance"].set_error("医保支付超过医疗总费用，请按结算单核对。" * 6)
    assert_fits_and_lines_whole(qtbot, dialog)


def test_first_administrator_password_fields_are_a_line_tall(qtbot, desk, small_screen):
    from ui.sign_in import FirstAdministratorDialog

    dialog = FirstAdministratorDialog(desk)
    qtbot.addWidget(dialog)
    dialog.show()
    assert_fits_and_lines_whole(qtbot, dialog)
    dialog.new_password.password.edit.setText("abc")  # three rules broken: a wrapped error
    dialog.new_password.again.edit.setText("abcd")
    assert_fits_and_lines_whole(qtbot, dialog)


def test_first_login_change_page_keeps_its_fields_a_line_tall(qtbot, desk, accounts, small_screen):
    from app.accounts.service import create_user, login
    from tests.ui.accounts import ADMIN, ADMIN_PW, FIRST_PW
    from ui.sign_in import LoginDialog

    create_user(desk.store, login(desk.store, ADMIN, ADMIN_PW), "新经办", "clerk", FIRST_PW)
    dialog = LoginDialog(desk, None, "新经办")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password.setText(FIRST_PW)
    dialog.sign_in()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1)
    assert_fits_and_lines_whole(qtbot, dialog)
    dialog.new_password.password.edit.setText("abc")
    assert_fits_and_lines_whole(qtbot, dialog)


def open_case(qtbot, window, desk, settle=False):
    from app.services import register_admission
    from tests.store.helpers import admission, person

    registered = register_admission(desk.store, admission(person(5), "ZY-L01"), clerk=CLERK)
    window.show_work_list()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    window.select_admission(registered.admission_id)
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    return registered


def test_discharge_and_registration_fit_a_1024_screen(qtbot, window, desk, small_screen):
    window.register_action.trigger()
    assert_fits_and_lines_whole(qtbot, window.registration)
    window.registration.reject()
    open_case(qtbot, window, desk)
    window.discharge_action.trigger()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    assert_fits_and_lines_whole(qtbot, window.discharge)


def test_a_window_fitted_before_its_layout_is_set_asks_for_no_negative_size(
    qtbot, qtlog, small_screen
):
    """The policy viewer is fitted to the screen before it has a layout: Qt warned
    "Negative sizes (0,-1) are not possible" at every opening."""
    from ui.policy_viewer import PolicyViewer

    viewer = PolicyViewer("lanxi")
    qtbot.addWidget(viewer)
    viewer.show()
    assert_fits_and_lines_whole(qtbot, viewer)
    assert [r.message for r in qtlog.records if "Negative sizes" in r.message] == []
    assert viewer.minimumHeight() > 0


def test_void_dialog_keeps_the_reason_after_an_error(qtbot, window, settled_slip, small_screen):
    from ui.void_dialog import VoidDialog

    dialog = VoidDialog(settled_slip, lambda *_args: None, window)
    dialog.show()
    dialog.confirm()  # every field empty: three errors
    assert_fits_and_lines_whole(qtbot, dialog)


def test_main_window_fits_and_every_action_is_in_the_menu_bar(qtbot, window, small_screen):
    from ui.qt import QAction, QMenu, QToolBar

    window.resize(1024, 768)
    QApplication.processEvents()
    bar = window.findChild(QToolBar)
    in_menus = {
        item
        for menu in window.menuBar().findChildren(QMenu)
        for item in menu.actions()
        if not item.isSeparator()
    }
    for item in bar.actions():
        if item.isSeparator():
            continue
        assert item in in_menus, item.text()
        assert isinstance(item, QAction)
        assert bar.widgetForAction(item).isVisible(), f"{item.text()} hidden behind »"
    for name in ("pdf_action", "void_action", "export_action", "audit_action", "settings_action"):
        assert not getattr(window, name).shortcut().isEmpty(), name


# --- the keyboard path ----------------------------------------------------------------------


def test_enter_in_the_last_field_creates_the_first_administrator(qtbot, desk, type_text):
    from tests.ui.accounts import ADMIN_PW
    from ui.qt import Qt
    from ui.sign_in import FirstAdministratorDialog

    dialog = FirstAdministratorDialog(desk)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.name.edit, "张站长")
    qtbot.keyClicks(dialog.new_password.password.edit, ADMIN_PW)
    qtbot.keyClicks(dialog.new_password.again.edit, ADMIN_PW)
    with qtbot.waitSignal(dialog.signed_in, timeout=30_000):
        qtbot.keyClick(dialog.new_password.again.edit, Qt.Key.Key_Return)
    assert not desk.needs_first_administrator()


def test_enter_in_the_reason_voids(qtbot, window, type_text):
    from ui.qt import Qt
    from ui.void_dialog import VoidDialog

    calls = []
    dialog = VoidDialog("LX01-2026-000001", lambda *args: calls.append(args), window)
    dialog.show()
    dialog.supervisor.setText("王主管")
    dialog.password.setText("密码")
    type_text(dialog.reason.edit, "金额录错")
    qtbot.keyClick(dialog.reason.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    assert calls == [("LX01-2026-000001", "金额录错", "王主管", "密码")]
    assert dialog.result() == dialog.DialogCode.Accepted


def test_f5_opens_with_focus_on_the_total(qtbot, window, desk, small_screen):
    open_case(qtbot, window, desk)
    window.activateWindow()
    window.discharge_action.trigger()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    dialog = window.discharge
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.focusWidget() is dialog.fields["total"].edit


def test_ctrl_p_prints_from_the_preview(qtbot, monkeypatch):
    import ui.printing as printing
    from ui.qt import QImage, QKeySequence, Qt

    printer = printing.print_support().QPrinter()
    page = QImage(20, 20, QImage.Format.Format_RGB32)
    preview = printing.PrintPreview(None, printer, [page], [page], "结算单")
    qtbot.addWidget(preview)
    asked = []
    monkeypatch.setattr(printing, "choose_printer", lambda _parent, chosen: asked.append(chosen))
    preview.show()
    preview.activateWindow()
    qtbot.waitUntil(preview.isActiveWindow)
    assert preview.print_button.shortcut() == QKeySequence("Ctrl+P")
    qtbot.keyClick(preview.view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(asked))  # the printer dialog comes up: printing without a mouse
    assert asked == [printer]


def test_registration_tabs_section_by_section(qtbot, window):
    window.register_action.trigger()
    form = window.registration
    qtbot.waitUntil(form.isVisible)
    f = {key: field.edit for key, field in form.fields.items()}
    expected = [
        f["name"], f["phone"], f["insurance_card"], f["household_size"], f["household_income"],
        form.category, form.certificate_type, f["certificate_number"],
        f["off_roster_reason"], f["admission_number"], form.admitted_at, f["department"],
    ]  # fmt: skip
    seen = []
    widget = f["id_number"]
    for _ in expected:
        widget = widget.nextInFocusChain()
        while (
            not (widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
            or not widget.isVisible()
            or widget.parent() in (form.certificate_type, form.admitted_at)  # their own edits
        ):
            widget = widget.nextInFocusChain()
        seen.append(widget)
    assert [w.objectName() or w for w in seen] == [w.objectName() or w for w in expected]
