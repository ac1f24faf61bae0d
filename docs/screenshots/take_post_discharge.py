"""Screenshots of the 事后报销 view and its intake form at 1024×768 (issue 20).

    xvfb-run -a -s "-screen 0 1024x768x24" python docs/screenshots/take_post_discharge.py
A temporary demo database with two claims; nothing of the user's is touched.
"""

import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from docs.screenshots.take_screenshots import settle, sign_in_as_clerk  # noqa: E402
from ui.launch import make_application, open_desk  # noqa: E402
from ui.qt import QSettings  # noqa: E402


def _claims(desk) -> None:
    from app.forms import Amounts
    from app.identity import make_resident_id
    from app.services.paid_later import BankAccount, IntakeInput, StayInput, receive_claim
    from app.services.people import PersonInput

    today = datetime.now()
    for sequence, (name, days_ago, total) in enumerate(
        (("周秀英", 12, "20000.00"), ("陈建国", 1, "36500.00")), start=61
    ):
        number = make_resident_id("330781", date(1956, 5, 3), sequence, "F")
        out = (today - timedelta(days=days_ago + 3)).date()
        receive_claim(
            desk.store,
            IntakeInput(
                stay=StayInput(
                    PersonInput(number, name),
                    "金华市中心医院",
                    "county",
                    out - timedelta(days=9),
                    out,
                    "destitute",
                    "resident",
                ),
                amounts=Amounts(total, "0", "12000.00"),
                bank=BankAccount(name, "兰溪农村商业银行", "6222020200112233446"),
                materials=("invoice", "discharge_summary", "cost_list"),
            ),
            clerk="张窗口",
            site_code="LX01",
            now=today - timedelta(days=days_ago),
        )


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="desk-shots-"))
    app = make_application(sys.argv[:1])
    from ui.main_window import MainWindow

    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    desk = open_desk(str(folder / "desk.sqlite3"), "张窗口", "LX01", demo_if_missing=True)
    sign_in_as_clerk(desk)
    _claims(desk)
    window = MainWindow(settings)
    window.attach(desk)
    window.show()
    settle(app)
    window.claims_action.trigger()
    view = window.post_discharge
    settle(app)
    view.grab().save(str(HERE / "post_discharge.png"))
    view.buttons["intake"].click()
    settle(app)
    view.intake.grab().save(str(HERE / "post_discharge_intake.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
