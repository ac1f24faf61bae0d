"""The first start (issue 15, point 1): with no database, the wizard's two choices. The demo is
its own store beside the real one, marked 演示 in the window and on paper; 正式启用 creates the
real store with the site and the first administrator and not one fictitious row."""

import io

from pypdf import PdfReader
from sqlalchemy import func, select

from app.store_guard import is_demo_store
from db import open_store
from db.models import Admission, Person, Settlement, Site
from ui import ops
from ui.first_start import FirstStartWizard
from ui.qt import Qt
from ui.settings import DISPLAY_NAME

ADMIN, ADMIN_PW = "院管理员", "Keeper#2026pass"


def settle(qtbot) -> None:
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=120_000)


def counts(path) -> dict[str, int]:
    store = open_store(path)
    try:
        with store.read() as session:
            return {
                model.__name__: session.scalar(select(func.count()).select_from(model))
                for model in (Person, Admission, Settlement, Site)
            }
    finally:
        store.close()


def open_wizard(qtbot, real) -> tuple[FirstStartWizard, list]:
    """The wizard for the real store at ``real``, and the list its opened desk lands in."""
    wizard = FirstStartWizard(str(real))
    qtbot.addWidget(wizard)
    wizard.show()
    opened: list = []
    wizard.opened.connect(opened.append)
    return wizard, opened


def test_the_demo_is_its_own_store_marked_demo_everywhere(qtbot, data_dir, settings):
    from ui.main_window import MainWindow

    real = data_dir / "desk.sqlite3"
    wizard, opened = open_wizard(qtbot, real)
    qtbot.mouseClick(wizard.demo_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert opened, wizard.choice_error.text()
    desk = opened[0]
    try:
        demo = data_dir / "demo" / "desk.sqlite3"
        assert desk.target == str(demo) and demo.is_file()
        assert not real.exists()  # the real store is not created by the demo
        assert desk.is_demo() and is_demo_store(desk.store)
        assert counts(demo)["Settlement"] > 0
        window = MainWindow(settings)
        qtbot.addWidget(window)
        window.attach(desk)
        window.show()
        settle(qtbot)
        assert window.windowTitle().startswith("【演示】")
        # Qt adds the app's name to a title that does not end with it: it is there once.
        assert window.windowTitle().endswith(f" — {DISPLAY_NAME}")
        assert window.windowTitle().count(DISPLAY_NAME) == 1
        assert window.status_demo.isVisible() and window.status_demo.text() == "演示数据库"
        # Every paper from the demo says 演示: the slip (and its preview), the forms.
        with desk.store.read() as session:
            number = session.scalar(select(Settlement.slip_number).limit(1))
        for pdf in (desk.slip_pdf(number), desk.slip_pdf(number, preview=True)):
            pages = PdfReader(io.BytesIO(pdf)).pages
            assert all("演示" in page.extract_text() for page in pages)
    finally:
        desk.close()


def fill_real(qtbot, wizard, type_text, code: str) -> None:
    type_text(wizard.site_name.edit, "台儿庄区人民医院")
    wizard.site_code.setText(code)
    wizard.policy.setCurrentIndex(wizard.policy.findData("taierzhuang"))
    type_text(wizard.admin_name.edit, ADMIN)
    wizard.new_password.password.setText(ADMIN_PW)
    wizard.new_password.again.setText(ADMIN_PW)


def test_a_real_start_holds_the_site_and_the_administrator_and_nothing_fictitious(
    qtbot, data_dir, type_text
):
    from app.demo import NotADemoDatabase, build_demo

    real = data_dir / "desk.sqlite3"
    wizard, opened = open_wizard(qtbot, real)
    qtbot.mouseClick(wizard.real_button, Qt.MouseButton.LeftButton)
    assert wizard.pages.currentIndex() == 1
    fill_real(qtbot, wizard, type_text, "tez 01")  # a bad site code: refused beside it
    qtbot.mouseClick(wizard.create_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert not opened and not real.exists()
    assert wizard.site_code.error_text().startswith("站点代码：")
    wizard.site_code.setText("tez01")
    qtbot.mouseClick(wizard.create_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert opened, wizard.real_error.text()
    desk = opened[0]
    try:
        assert desk.user.name == ADMIN and desk.user.role == "administrator"
        assert not desk.is_demo()
        site = desk.site()
        assert (site.code, site.name) == ("TEZ01", "台儿庄区人民医院")
        assert site.default_policy == "taierzhuang"
        assert not (data_dir / "demo").exists()
    finally:
        desk.close()
    assert counts(real) == {"Person": 0, "Admission": 0, "Settlement": 0, "Site": 1}
    # And the demo never writes into it afterwards either.
    store = open_store(real)
    try:
        try:
            build_demo(store)
        except NotADemoDatabase:
            pass
        else:
            raise AssertionError("demo rows were written into a real store")
    finally:
        store.close()
    assert counts(real)["Person"] == 0


def test_a_first_start_shows_the_wizard_and_creates_nothing_until_chosen(tmp_path):
    from tests.ui.test_start_checks import _start_window

    started = _start_window(tmp_path)
    assert started.returncode == 0, started.stderr[-3000:]
    assert "first-start" in started.stdout.split()
    data = tmp_path / "home" / ".local" / "share" / "one-stop-desk"
    assert not (data / "desk.sqlite3").exists() and not (data / "demo").exists()


def test_after_a_real_start_the_administrator_is_shown_the_policy_files(
    qtbot, data_dir, settings, type_text
):
    """The start's glue (``ui.launch.first_start``): the real store arrives with its
    administrator signed in, the window filled, and the policy files shown for sign-off."""
    from ui.launch import first_start
    from ui.main_window import MainWindow

    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    quit_calls, demo_opened = [], []
    wizard = first_start(
        window,
        str(data_dir / "desk.sqlite3"),
        settings,
        lambda: quit_calls.append(1),
        demo_opened.append,
    )
    qtbot.mouseClick(wizard.real_button, Qt.MouseButton.LeftButton)
    fill_real(qtbot, wizard, type_text, "TEZ01")
    qtbot.mouseClick(wizard.create_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    try:
        assert window.desk is not None and window.desk.user.name == ADMIN
        assert not demo_opened and not quit_calls
        dialog = window.policy_signoff
        assert dialog.isVisible() and {r.state for r in dialog.reviews} == {"unapproved"}
        assert window.signoff_button.isVisible()
        assert settings.value("clerk/name") == ADMIN
    finally:
        window.idle_lock.stop()
        window.desk.close()
