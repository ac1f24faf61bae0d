"""Screenshots of the outpatient screen (门诊结算, F6), the daily close (日结/交班) and the
reminders above the main list, taken with Qt itself on a demo database in a temporary folder:
    xvfb-run -a -s "-screen 0 1024x768x24" python docs/screenshots/take_outpatient_screenshots.py
Also writes the outpatient slip and the daily close as PNG pages (docs/outpatient-slip.png,
docs/daily-close.png), rendered from their PDFs.
"""

import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from take_screenshots import PASSWORD, settle, sign_in_as_clerk  # noqa: E402

from ui.launch import make_application, open_desk  # noqa: E402
from ui.qt import QSettings  # noqa: E402


def page_png(pdf: bytes, dpi: int = 100) -> bytes:
    from app.printing.raster import png_bytes, render_pages

    return png_bytes(render_pages(pdf, dpi)[0], dpi)


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="desk-shots-"))
    app = make_application(sys.argv[:1])
    from app.identity import make_resident_id
    from ui.daily_close_dialog import DailyCloseDialog
    from ui.main_window import MainWindow
    from ui.outpatient_dialog import OutpatientDialog

    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    desk = open_desk(str(folder / "desk.sqlite3"), "张窗口", "LX01", demo_if_missing=True)
    sign_in_as_clerk(desk)
    window = MainWindow(settings)
    window.attach(desk)
    window.show()
    settle(app)

    # 门诊结算: a chronic outpatient visit typed in, one paper still missing.
    setup = desk.outpatient_setup()
    dialog = OutpatientDialog(
        setup,
        desk.outpatient_preview,
        desk.settle_outpatient,
        lambda number, day: (desk.known_name(number), desk.roster_answer(number, day)),
        window,
    )
    dialog.show()
    number = make_resident_id("330781", date(1956, 3, 8), 61, "F")
    dialog.id_number.setText(number)
    dialog.name.setText("门诊丙")
    dialog.category.setCurrentIndex(dialog.category.findData("minimum_living"))
    dialog.visit.setCurrentIndex(dialog.visit.findData("outpatient_chronic"))
    dialog.diagnosis.setText("2型糖尿病")
    dialog.off_roster_reason.setText("名册尚未下发")
    dialog.fields["total"].setText("1860.00")
    dialog.fields["basic_insurance"].setText("930.00")
    for code, (original, copy) in dialog.papers.items():
        for box in (original, copy):
            if box is not None and code != "insurance_slip":
                box.setChecked(True)
    settle(app)
    dialog.grab().save(str(HERE / "outpatient_dialog.png"))
    dialog.papers["insurance_slip"][1].setChecked(True)
    settle(app)
    slip = desk.settle_outpatient(dialog.visit_input())
    dialog._saved(slip)
    settle(app)
    docs = HERE.parent
    (docs / "outpatient-slip.png").write_bytes(page_png(desk.slip_pdf(slip, paper="A5")))

    desk.sign_in("张站长", PASSWORD)
    window.show_work_list()
    settle(app)
    window.grab().save(str(HERE / "main_window_reminders.png"))
    close = DailyCloseDialog(desk, window.print_document, window)
    close.whole.setChecked(True)
    close.show()
    settle(app)
    close.grab().save(str(HERE / "daily_close_dialog.png"))
    (docs / "daily-close.png").write_bytes(page_png(desk.daily_close_pdf(date.today(), None)))
    desk.close()
    print("\n".join(str(p) for p in sorted(HERE.glob("*.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
