"""Screenshots of the window for the README, taken with Qt itself (``QWidget.grab``).

Run under a virtual display so the real platform plugin and the shipped fonts are used:
    xvfb-run -a -s "-screen 0 1366x768x24" python docs/screenshots/take_screenshots.py
It builds a demo database in a temporary folder; nothing of the user's is touched.
"""

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from app.services import settings as site_settings  # noqa: E402
from ui.launch import make_application, open_desk  # noqa: E402
from ui.qt import QSettings  # noqa: E402


def settle(app, rounds: int = 20) -> None:
    """Process events until every call the window handed to the desk (ui.ops) is back."""
    import time

    from ui import ops

    for _ in range(rounds):
        app.processEvents()
    deadline = time.monotonic() + 30
    while ops.pending() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    for _ in range(rounds):
        app.processEvents()


PASSWORD = "Shot#2026pass"


def sign_in_as_clerk(desk) -> None:
    """As a site would be set up: an administrator who approved the policy files, and the
    clerk 张窗口 (past the first change of password) signed in."""
    from app.accounts.service import change_password, create_user

    admin = desk.create_first_administrator("张站长", PASSWORD)
    desk.approve_policy_files()
    create_user(desk.store, admin, "张窗口", "clerk", "First#2026pass")
    change_password(desk.store, "张窗口", "First#2026pass", PASSWORD)
    desk.sign_in("张窗口", PASSWORD)


def grab_sign_in_and_audit(app, window, desk) -> None:
    """The login dialog as the next clerk sees it, and the audit viewer (a supervisor's)."""
    from ui.audit_viewer import AuditViewer
    from ui.sign_in import LoginDialog

    login = LoginDialog(desk, window, "张窗口")
    login.show()
    settle(app)
    login.grab().save(str(HERE / "sign_in.png"))
    login.hide()

    desk.sign_in("张站长", PASSWORD)
    viewer = AuditViewer(desk, window)
    viewer.show()
    settle(app)
    viewer.grab().save(str(HERE / "audit_viewer.png"))
    viewer.hide()
    grab_what_if(app, window, desk)
    desk.sign_in("张窗口", PASSWORD)


def grab_what_if(app, window, desk) -> None:
    """政策测算 with a draft that raises 兰溪's 低保 rate from 70% to 80%."""
    from datetime import date

    from ui.whatif_dialog import WhatIfDialog

    policies = HERE.parent.parent / "policies"
    draft = Path(tempfile.mkdtemp(prefix="desk-draft-")) / "兰溪草案2027.toml"
    text = (policies / "lanxi.toml").read_text("utf-8")
    draft.write_text(text.replace("rate = 0.70,", "rate = 0.80,", 1), "utf-8")
    dialog = WhatIfDialog(desk, window, today=date.today())
    dialog.draft.setText(str(draft))
    dialog.show()
    dialog.start()
    settle(app)
    dialog.grab().save(str(HERE / "whatif_dialog.png"))
    dialog.hide()


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="desk-shots-"))
    app = make_application(sys.argv[:1])
    from ui.main_window import MainWindow
    from ui.registration_form import RegistrationForm

    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("clerk/name", "张窗口")
    desk = open_desk(str(folder / "desk.sqlite3"), "张窗口", "LX01", demo_if_missing=True)
    site_settings.save(desk.store, "张窗口", {"sync.central_folder": r"\\医保局\上传"})
    sign_in_as_clerk(desk)
    window = MainWindow(settings)
    window.attach(desk)
    window.show()
    window.search.setText("测试")
    window.run_search()
    settle(app)
    window.grab().save(str(HERE / "main_window.png"))
    grab_sign_in_and_audit(app, window, desk)

    form = RegistrationForm(desk, None, window)
    form.show()
    form.fields["id_number"].setText("33078119800101123")  # one digit short, then a wrong one
    form.fields["id_number"].edit.insert("5")
    form.fields["name"].setText("测试新")
    form.fields["admission_number"].setText("ZY2026-0815")
    form.fields["department"].setText("心内科")
    form.fields["diagnosis"].setText("")
    form._touched.update({"diagnosis", "off_roster_reason"})
    form.validate()
    settle(app)
    form.grab().save(str(HERE / "registration_form.png"))
    form._saved = True
    form.close()

    open_row = next(row for row in desk.work_list())
    window.show_work_list()
    settle(app)
    window.select_admission(open_row.admission_id)
    settle(app)
    window.open_discharge()
    settle(app)
    dialog = window.discharge
    for key, text in {
        "total": "52000.00",
        "out_of_catalog": "2000.00",
        "basic_insurance": "30000.00",
        "critical_illness": "5000.00",
    }.items():
        dialog.fields[key].setText(text)
    settle(app)
    dialog.grab().save(str(HERE / "discharge_dialog.png"))
    # 导入医保结算: the platform's figures filled in and marked, one corrected, its 医疗救助
    # one fen from ours.
    from datetime import date

    from app.services.insurance_import import ImportedFigures

    dialog.fill_imported(
        ImportedFigures(
            admission_id=open_row.admission_id,
            import_date=date.today(),
            file_name="setl-20260506.json",
            amounts={
                "total": "52000.00",
                "out_of_catalog": "2000.00",
                "basic_insurance": "30000.00",
                "critical_illness": "5000.00",
                "other_compensation": "0.00",
            },
            funds={"medical_assistance": "10499.99"},
        )
    )
    dialog.fields["out_of_catalog"].setText("2100.00")
    settle(app)
    dialog.grab().save(str(HERE / "discharge_dialog_imported.png"))
    dialog.imported = {}
    for field in dialog.fields.values():
        field.setText("")
    dialog.close()

    # The print preview of a stored slip (pages drawn from the ReportLab PDF).
    from ui.printing import preview_and_print
    from ui.qt import QApplication, QTimer

    def grab_preview() -> None:
        preview = QApplication.activeModalWidget()
        if preview is None:
            QTimer.singleShot(200, grab_preview)
            return
        settle(app)
        preview.grab().save(str(HERE / "print_preview.png"))
        preview.reject()

    slip = (
        window.case_panel.detail.live_settlement
        or desk.case(desk.search("测试")[0].admission_id).live_settlement
    )
    QTimer.singleShot(500, grab_preview)
    preview_and_print(window, desk.slip_pdf(slip.slip_number), slip.slip_number)
    desk.close()
    print("\n".join(str(p) for p in sorted(HERE.glob("*.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
