"""Screenshot of 申请与发放信息 (issue 16, point 8) on a 威海 demo case.

    xvfb-run -a -s "-screen 0 1024x768x24" python docs/screenshots/take_paperwork.py
A temporary demo database; nothing of the user's is touched.
"""

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from docs.screenshots.take_screenshots import settle, sign_in_as_clerk  # noqa: E402
from ui.launch import make_application, open_desk  # noqa: E402


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="desk-shots-"))
    app = make_application(sys.argv[:1])
    from ui.paperwork_dialog import PaperworkDialog

    desk = open_desk(str(folder / "desk.sqlite3"), "张窗口", "WH01", demo_if_missing=True)
    sign_in_as_clerk(desk)
    # The demo's second 威海 case was filled in by a relative (app.demo).
    dialog = PaperworkDialog(desk, "DWH01001")
    dialog.show()
    settle(app)
    dialog.grab().save(str(HERE / "paperwork_dialog.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
