"""Settings pages load and save through the settings service (store-wide options) and
QSettings (this user's printer, paper, sign-in name); the policy viewer shows the rules in
force with their clauses."""

from app.services import settings as site_settings
from tests.ui.accounts import CLERK, SUPERVISOR, SUPERVISOR_PW
from ui import ops
from ui import settings as options
from ui.policy_viewer import PolicyViewer
from ui.settings_dialog import SettingsDialog


def settle(qtbot) -> None:
    """Wait for the store's values, or a save, to come back from the desk's thread."""
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)


def open_dialog(qtbot, settings, desk=None):
    dialog = SettingsDialog(settings, desk)
    qtbot.addWidget(dialog)
    settle(qtbot)
    return dialog


def test_settings_round_trip_through_the_store_and_qsettings(qtbot, settings, desk):
    dialog = open_dialog(qtbot, settings, desk)
    site, sync = dialog.pages["site"].editors, dialog.pages["sync"].editors
    site["site.code"].set_value("lx02")
    site["site.name"].set_value("兰溪市第二医院")
    site["site.facility"].set_value("grassroots")
    sync["sync.central_folder"].set_value("/mnt/医保局/上传")
    sync["sync.interval_minutes"].set_value(45)
    dialog.pages["security"].editors["security.idle_lock_minutes"].set_value(5)
    dialog.pages["print"].paper.setCurrentIndex(dialog.pages["print"].paper.findData("A5"))
    dialog.pages["data"].clerk.setText("李经办")
    dialog.save()
    settle(qtbot)
    assert dialog.result() == dialog.DialogCode.Accepted

    stored = site_settings.values(desk.store)
    assert stored["site.code"] == "LX02" and stored["site.facility"] == "grassroots"
    assert stored["sync.central_folder"] == "/mnt/医保局/上传"
    assert stored["sync.interval_minutes"] == 45
    assert desk.idle_lock_minutes() == 5
    assert desk.sync_status().central_folder.as_posix() == "/mnt/医保局/上传"  # sync reads it
    assert options.PAPER.read(settings) == "A5"
    # Nothing store-wide is kept in QSettings any more.
    assert not [key for key in settings.allKeys() if key.startswith(("site/", "sync/"))]

    again = open_dialog(qtbot, settings, desk)
    assert again.pages["site"].editors["site.name"].value() == "兰溪市第二医院"
    assert again.pages["sync"].editors["sync.central_folder"].value() == "/mnt/医保局/上传"
    assert again.pages["data"].clerk.text() == "李经办"


def test_settings_refuse_an_empty_clerk_on_its_page(qtbot, settings):
    dialog = open_dialog(qtbot, settings)
    dialog.pages["data"].clerk.setText("")
    dialog.save()
    settle(qtbot)
    assert dialog.result() != dialog.DialogCode.Accepted
    assert dialog.pages["data"].clerk.error_text() == "经办人：不能为空"
    assert dialog.stack.currentWidget() is dialog.pages["data"]


def test_bad_site_code_is_named_on_its_field(qtbot, settings, desk):
    dialog = open_dialog(qtbot, settings, desk)
    dialog.pages["site"].editors["site.code"].set_value("1x")
    dialog.pages["data"].clerk.setText("李经办")
    dialog.save()
    settle(qtbot)
    assert dialog.result() != dialog.DialogCode.Accepted
    error = dialog.pages["site"].editors["site.code"].error_text()
    assert error.startswith("站点代码：应为2到10位")
    assert site_settings.get(desk.store, "site.code") == "LX01"


def test_a_clerk_saves_the_settings_unchanged(qtbot, settings, window):
    """Issue 17: 保存 with nothing changed must not ask for a supervisor."""
    assert window.desk.user.name == CLERK
    dialog = open_dialog(qtbot, settings, window.desk)
    dialog.pages["data"].clerk.setText(CLERK)
    dialog.save()
    settle(qtbot)
    assert dialog.result() == dialog.DialogCode.Accepted


def test_a_clerk_sees_site_options_read_only_and_may_change_the_interval(qtbot, settings, window):
    dialog = open_dialog(qtbot, settings, window.desk)
    site = dialog.pages["site"].editors
    assert all(editor.is_read_only() for editor in site.values())
    assert site["site.name"].input.toolTip() == "须由主管修改"
    assert dialog.pages["security"].editors["security.idle_lock_minutes"].is_read_only()
    assert dialog.pages["data"].folder.edit.isReadOnly()
    interval = dialog.pages["sync"].editors["sync.interval_minutes"]
    assert not interval.is_read_only()
    interval.set_value(20)
    dialog.pages["data"].clerk.setText(CLERK)
    dialog.save()
    settle(qtbot)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert site_settings.get(window.desk.store, "sync.interval_minutes") == 20


def test_a_supervisor_changes_a_site_option_and_it_is_audited(qtbot, settings, window):
    from app.audit_log import AuditFilter, query_audit

    window.desk.sign_in(SUPERVISOR, SUPERVISOR_PW)
    dialog = open_dialog(qtbot, settings, window.desk)
    name = dialog.pages["site"].editors["site.name"]
    assert not name.is_read_only()
    name.set_value("兰溪市人民医院")
    dialog.pages["data"].clerk.setText(SUPERVISOR)
    dialog.save()
    settle(qtbot)
    assert dialog.result() == dialog.DialogCode.Accepted
    rows = query_audit(window.desk.store, AuditFilter(entity="site", clerk=SUPERVISOR))
    assert rows and "兰溪市人民医院" in rows[-1].changes


def test_policy_viewer_shows_rules_with_their_clauses(qtbot):
    viewer = PolicyViewer("lanxi")
    qtbot.addWidget(viewer)
    assert "兰政办发〔2020〕25号" in viewer.heading.text()
    assert "（现行）" in viewer.version.currentText()
    rows = viewer.rows()
    assert (
        "救助规则",
        "　分段比例",
        "0.00 元 – 以上：70%；低保对象住院自负合规费用救助比例70%",
        "三(二)1",
    ) in rows
    caps = [row for row in rows if row[0] == "年度封顶"]
    assert caps and caps[0][2].startswith("80000.00 元")

    viewer.policy.setCurrentIndex(viewer.policy.findData("jingjiang"))
    assert "靖江" in viewer.heading.text()
    deadlines = [row[1] for row in viewer.rows() if row[0] == "备案时限"]
    assert "入院后 48 小时" in deadlines


def test_the_application_has_its_icon(qapp):
    from ui.launch import make_application

    assert not make_application(["desk"]).windowIcon().isNull()


def test_esc_after_a_change_asks_before_the_change_is_thrown_away(
    qtbot, settings, desk, message_boxes
):
    from ui.qt import QMessageBox, Qt

    dialog = open_dialog(qtbot, settings, desk)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing changed: closes without a question
    assert not dialog.isVisible() and message_boxes.shown == []

    dialog = open_dialog(qtbot, settings, desk)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.pages["site"].editors["site.code"].set_value("LX09")
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()  # back to the form, the change still there
    assert dialog.pages["site"].editors["site.code"].value() == "LX09"
    kind, title, text = message_boxes.shown[-1]
    assert (kind, title) == ("question", "设置") and "“丢弃”" in text
    message_boxes.answer = QMessageBox.StandardButton.Discard
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert site_settings.values(desk.store)["site.code"] != "LX09"
