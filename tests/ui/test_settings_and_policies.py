"""Settings pages load and save through QSettings (a temp INI file); the policy viewer shows
the rules in force with their clauses."""

from ui import settings as options
from ui.policy_viewer import PolicyViewer
from ui.settings_dialog import SettingsDialog


def test_settings_round_trip_through_qsettings(qtbot, settings):
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    pages = dialog.pages
    pages["site"].code.setText("lx02")
    pages["site"].name.setText("兰溪市第二医院")
    pages["site"].level.setCurrentIndex(pages["site"].level.findData("grassroots"))
    pages["site"].policy.setCurrentIndex(pages["site"].policy.findData("lanxi"))
    pages["sync"].folder.setText("/mnt/医保局/上传")
    pages["sync"].minutes.setValue(45)
    pages["print"].paper.setCurrentIndex(pages["print"].paper.findData("A5"))
    pages["data"].clerk.setText("李经办")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted

    assert options.SITE_CODE.read(settings) == "LX02"
    assert options.SITE_LEVEL.read(settings) == "grassroots"
    assert options.SYNC_MINUTES.read(settings) == 45
    assert options.PAPER.read(settings) == "A5"

    again = SettingsDialog(settings)
    qtbot.addWidget(again)
    assert again.pages["site"].name.text() == "兰溪市第二医院"
    assert again.pages["sync"].folder.text() == "/mnt/医保局/上传"
    assert again.pages["data"].clerk.text() == "李经办"


def test_settings_refuse_an_empty_clerk_on_its_page(qtbot, settings):
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.pages["data"].clerk.setText("")
    dialog.save()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert dialog.pages["data"].clerk.error_text() == "经办人：不能为空"
    assert dialog.stack.currentWidget() is dialog.pages["data"]


def test_bad_site_code_is_named_on_its_field(qtbot, settings, desk):
    dialog = SettingsDialog(settings, desk)
    qtbot.addWidget(dialog)
    dialog.pages["site"].code.setText("1x")
    dialog.pages["data"].clerk.setText("李经办")
    dialog.save()
    assert dialog.pages["site"].code.error_text().startswith("站点代码：应为2到10位")
    assert options.SITE_CODE.read(settings) == ""


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
