"""Long errors at 1024×768, in the window's own font (a clerk's walk under Xvfb found them):
the registration form with several errors at once, one of them a name's unprintable character
(four lines), grew taller than the screen, 登记 and 取消 under its bottom edge and the name's
error cut to two of its lines; 设置's 数据目录 showed a missing folder's two-line error in
half a line. The data folder's relative-path refusal gave the upload folder's example."""

import contextlib

import pytest

from app.services import settings as store_settings
from tests.ui.test_chinese_and_layout import small_screen  # noqa: F401
from ui import ops
from ui.qt import QApplication, QLabel, QPoint, QRect, QScrollArea, QSize

UNPRINTABLE_NAME = "吉\U00020bb7祥"  # 𠮷: not in the font the slips are printed with
ID_NUMBER = "370405199001011237"


@pytest.fixture
def house_font(qapp):
    """The font the window runs in (``ui.launch``): 11 pt DejaVu Sans and Droid Sans Fallback.
    Qt's default offscreen font is smaller, and there nothing overflowed."""
    from ui.fonts import apply_application_font, register_fonts

    before = QApplication.font()
    apply_application_font(qapp, register_fonts())
    yield
    QApplication.setFont(before)


@pytest.fixture
def large_screen(monkeypatch):
    from ui import fitting

    monkeypatch.setattr(fitting, "usable_size", lambda _widget: QSize(1920, 1080))


def settle(qtbot) -> None:
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)


def inside(widget, window) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def cut_short(window) -> list:
    """Wrapped labels shorter than their lines, and sections wider than their scroll area
    (cut off at the right)."""
    found = []
    for label in window.findChildren(QLabel):
        if label.isVisible() and label.wordWrap() and label.text():
            need = label.heightForWidth(label.width())
            if label.height() < need:
                found.append((label.text(), label.height(), need))
    for area in window.findChildren(QScrollArea):
        if area.isVisible() and area.widget().width() > area.viewport().width():
            found.append(("右边被截", area.widget().width(), area.viewport().width()))
    return found


def layout_state(window) -> tuple:
    areas = [
        (area.widget().size(), area.viewport().size(), area.verticalScrollBar().maximum())
        for area in window.findChildren(QScrollArea)
    ]
    return window.size(), areas, [label.size() for label in window.findChildren(QLabel)]


def wait_for_layout(qtbot, window) -> None:
    """Until the window has grown and its scroll bar come or gone (a few passes of layout
    requests and resizes): the same sizes twice, 100 ms apart."""

    def still() -> bool:
        before = layout_state(window)
        qtbot.wait(100)
        return layout_state(window) == before

    with contextlib.suppress(qtbot.TimeoutError):
        qtbot.waitUntil(still, timeout=3_000)


def registration_with_errors(qtbot, window):
    """F2, a known ID number, the unprintable name, 登记 with 住院号/科室/诊断 left empty."""
    window.register_action.trigger()
    form = window.registration
    qtbot.waitUntil(form.isVisible)
    form.fields["id_number"].setText(ID_NUMBER)
    form.fields["id_number"].edit.editingFinished.emit()
    settle(qtbot)
    form.fields["name"].setText(UNPRINTABLE_NAME)
    form.save()
    settle(qtbot)
    wait_for_layout(qtbot, form)
    return form


@pytest.mark.usefixtures("small_screen", "house_font")
def test_registration_with_long_errors_fits_a_1024_screen(qtbot, window):
    from ui.fitting import available_size

    form = registration_with_errors(qtbot, window)
    name_error = form.fields["name"].error
    assert "U+20BB7" in name_error.text() and name_error.isVisible()
    shown = [label for label in form.findChildren(QLabel) if label.isVisible() and label.text()]
    assert sum("不能为空" in label.text() for label in shown) >= 3  # 住院号, 科室, 诊断

    frame = form.frameGeometry().size()
    assert frame.width() <= 1024 and frame.height() <= 768, frame
    assert form.height() <= available_size(form).height()
    for button in form.buttons.buttons():
        assert button.isVisible()
        assert form.rect().contains(inside(button, form)), button.text()
    assert cut_short(form) == []


@pytest.mark.usefixtures("small_screen", "house_font")
def test_the_long_name_error_is_scrolled_into_sight_whole(qtbot, window):
    form = registration_with_errors(qtbot, window)
    area = form.findChild(QScrollArea)
    area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    form.fields["referral_number"].edit.setFocus()
    form.fields["name"].edit.setFocus()  # as Tab, Enter or a refused save puts it there
    error = form.fields["name"].error

    def in_sight() -> bool:
        return area.viewport().rect().contains(inside(error, area.viewport()))

    qtbot.waitUntil(in_sight)
    assert error.height() >= error.heightForWidth(error.width())


@pytest.mark.usefixtures("large_screen", "house_font")
def test_on_a_large_screen_the_form_shows_whole_without_scrolling(qtbot, window):
    form = registration_with_errors(qtbot, window)
    area = form.findChild(QScrollArea)
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() == 0)
    assert cut_short(form) == []


def open_data_page(qtbot, settings, desk):
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(settings, desk)
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot)
    dialog.titles.setCurrentRow(list(dialog.pages).index("data"))
    page = dialog.pages["data"]
    page.clerk.setText("李经办")
    return dialog, page


@pytest.mark.usefixtures("small_screen", "house_font")
def test_a_missing_data_folder_error_wraps_whole_under_the_field(qtbot, settings, desk, tmp_path):
    dialog, page = open_data_page(qtbot, settings, desk)
    page.folder.setText(str(tmp_path / "uiwalk_nope" / "data"))
    dialog.save()
    settle(qtbot)
    error = page.folder.error
    assert "不存在（U盘或共享盘是否已连接？路径是否写错？）" in error.text()
    wait_for_layout(qtbot, dialog)

    assert error.isVisible()
    assert error.height() >= error.heightForWidth(error.width()) > error.fontMetrics().height()
    below = inside(error, page).top() >= inside(page.folder.edit, page).bottom()
    assert below and error.width() >= page.folder.edit.width()
    assert cut_short(dialog) == []


@pytest.mark.usefixtures("small_screen", "house_font")
def test_a_relative_data_folder_is_refused_with_a_data_folder_example(qtbot, settings, desk):
    dialog, page = open_data_page(qtbot, settings, desk)
    page.folder.setText("data/desk")
    dialog.save()
    settle(qtbot)
    assert page.folder.error_text() == (
        "数据目录：应为完整路径，如 D:\\一站式结算\\数据 或 /srv/onestop/data"
    )
    wait_for_layout(qtbot, dialog)
    assert cut_short(dialog) == []


def test_the_upload_folder_keeps_its_own_example():
    upload = store_settings.option("sync.central_folder")
    with pytest.raises(store_settings.SettingError) as refused:
        store_settings.parse(upload, "上传")
    assert str(refused.value) == "中央上传文件夹：应为完整路径，如 D:\\上传 或 /mnt/上传"
