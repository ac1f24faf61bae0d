"""Screenshots of the first day's screens (issue 15, points 1, 2, 3 and 5), taken with Qt itself:
the first-start wizard (both pages), the demo window's marks, the policy sign-off with an
edited file, the account page, 修改密码, the override box asking a supervisor's new password,
and a case whose override was settled by a late copy.

Run under a 1024×768 virtual display, as a small window PC would show them:
    xvfb-run -a -s "-screen 0 1024x768x24" python docs/screenshots/take_first_day_screenshots.py
Everything is made in a temporary folder (a copy of the policy files too); nothing of the
user's is touched.
"""

import os
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
FOLDER = Path(tempfile.mkdtemp(prefix="desk-first-day-"))
os.environ["ONESTOP_POLICIES"] = str(FOLDER / "policies")  # a copy, edited below
shutil.copytree(ROOT / "policies", FOLDER / "policies")

from take_screenshots import settle  # noqa: E402

from ui.launch import make_application  # noqa: E402
from ui.qt import QSettings  # noqa: E402

PASSWORD = "Shot#2026pass"
FIRST = "First#2026pass"


def save(app, widget, name: str) -> None:
    settle(app)
    widget.grab().save(str(HERE / name))
    print(HERE / name)


def wizard_pages(app) -> None:
    from ui.first_start import FirstStartWizard

    wizard = FirstStartWizard(str(FOLDER / "wizard" / "desk.sqlite3"))
    wizard.show()
    save(app, wizard, "first_start_choice.png")
    wizard.choose_real()
    wizard.site_name.setText("台儿庄区人民医院")
    wizard.site_code.setText("TEZ 01")
    wizard.policy.setCurrentIndex(wizard.policy.findData("taierzhuang"))
    wizard.central_folder.setText(r"\\医保局\上传\TEZ01")
    wizard.admin_name.setText("张站长")
    wizard.new_password.password.setText(PASSWORD)
    wizard.new_password.again.setText(PASSWORD)
    wizard.create_real()  # the site code is refused beside its field; nothing is created
    save(app, wizard, "first_start_real.png")
    wizard.hide()


def real_desk():
    """A real store as 正式启用 makes it, with a supervisor and a clerk."""
    from app.accounts.service import change_password, create_user
    from app.desk.first_start import SiteForm, start_real_store

    site = SiteForm("兰溪市人民医院", "LX01", "county", "lanxi", r"\\医保局\上传")
    desk = start_real_store(str(FOLDER / "real" / "desk.sqlite3"), site, "张站长", PASSWORD)
    for name, role in (("王主管", "supervisor"), ("张窗口", "clerk")):
        create_user(desk.store, desk.user, name, role, FIRST)
        change_password(desk.store, name, FIRST, PASSWORD)
    create_user(desk.store, desk.user, "李主管", "supervisor", FIRST)  # not yet changed
    return desk


def signoff(app, window, desk) -> None:
    from app.services.policies import _installed

    desk.approve_policy_files()
    lanxi = FOLDER / "policies" / "lanxi.toml"
    text = lanxi.read_text(encoding="utf-8")
    text = text.replace("amount = 80000", "amount = 90000", 1).replace(
        "amount = 2000\n", "amount = 2500\n", 1
    )
    lanxi.write_text(text, encoding="utf-8")
    _installed.cache_clear()
    window.show_startup_notes(desk.startup_checks())
    settle(app)
    save(app, window, "policy_banner.png")
    dialog = window.open_policy_signoff()
    settle(app)
    save(app, dialog, "policy_signoff.png")
    dialog.approve_selected()
    settle(app)
    dialog.hide()


def accounts(app, window, desk) -> None:
    window.open_accounts()
    page = window.accounts_dialog
    settle(app)
    page.select("李主管")
    page.new_name.setText("赵经办")
    page.new_password.password.setText("abc")
    page.new_password.again.setText("abc")
    save(app, page, "accounts_page.png")
    page.hide()
    desk.sign_in("张窗口", PASSWORD)
    window.attach(desk)
    window.open_change_password()
    dialog = window.password_dialog
    dialog.old_password.setText(PASSWORD)
    dialog.new_password.password.setText("Desk2026")
    save(app, dialog, "change_password.png")
    dialog.hide()


def override_and_late_copy(app, window, desk) -> None:
    from app.services import register_admission
    from tests.store.helpers import admission, person

    done = register_admission(
        desk.store,
        admission(person(5), number="ZY2026-0901"),
        clerk="张窗口",
        now=datetime.now().replace(hour=8, minute=0),
    )
    window.search.setText("ZY2026-0901")
    window.run_search()
    settle(app)
    window.open_discharge()
    settle(app)
    dialog = window.discharge
    dialog.fields["total"].setText("12000.00")
    dialog.fields["basic_insurance"].setText("6000.00")
    dialog.supervisor.setText("李主管")
    dialog.supervisor_password.setText(FIRST)
    dialog.override_reason.setText("身份证复印件次日补交")
    dialog.confirm()
    settle(app)
    dialog.supervisor_new_password.password.setText("Boss#2026late")
    save(app, dialog, "override_new_password.png")
    dialog.supervisor_new_password.again.setText("Boss#2026late")
    dialog.confirm()
    settle(app)
    window.select_admission(done.admission_id)
    window.refresh_case()
    settle(app)
    save(app, window, "late_copy_missing.png")
    for line in window.case_panel.detail.checklist:
        desk.mark_item(line.item_id, original_sighted=True, copy_kept=True)
    window.refresh_case()
    settle(app)
    save(app, window, "late_copy_settled.png")


def demo_window(app, settings) -> None:
    from app.desk.first_start import open_demo
    from ui.main_window import MainWindow

    desk = open_demo(str(FOLDER / "fresh" / "desk.sqlite3"), "")
    desk.create_first_administrator("演示管理员", PASSWORD)
    window = MainWindow(settings)
    window.attach(desk)
    window.show()
    window.search.setText("测试")
    window.run_search()
    save(app, window, "main_window_demo.png")
    from app.printing.raster import png_bytes, render_pages

    number = window.case_panel.detail.live_settlement.slip_number
    pages = render_pages(desk.slip_pdf(number), 60)
    (HERE / "slip_demo.png").write_bytes(png_bytes(pages[0], 60))
    window.hide()
    desk.close()


def main() -> int:
    app = make_application(sys.argv[:1])
    import ui.main_window
    from ui.main_window import MainWindow
    from ui.qt import QMessageBox

    # No modal box or print preview may wait for a click here.
    QMessageBox.warning = staticmethod(lambda *_a, **_k: QMessageBox.StandardButton.Ok)
    ui.main_window.preview_and_print = lambda *_a, **_k: False

    settings = QSettings(str(FOLDER / "settings.ini"), QSettings.Format.IniFormat)
    wizard_pages(app)
    desk = real_desk()
    window = MainWindow(settings)
    window.attach(desk)
    window.show()
    window.resize(1024, 740)
    signoff(app, window, desk)
    accounts(app, window, desk)
    override_and_late_copy(app, window, desk)
    window.hide()
    desk.close()
    demo_window(app, settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
