"""Issue 17's acceptance: a day's case worked with the keyboard alone — F2 registers the patient,
Ctrl+M and Space tick the papers, F5 and Ctrl+Enter settle, the print preview comes up and
Ctrl+P prints it to a file printer. No mouse event is sent: keys through QTest, and Chinese as
an input method commits it (``type_text``), as a clerk's keyboard does.

Qt's own print dialog is the one stand-in: it is answered with a PDF file printer, as a clerk
would choose "打印到文件". The printed pages are pictures of the slip (``ui.printing`` paints
the rendered pages), so the file is read back by its barcode; the slip's text is read from the
stored slip that was printed."""

import subprocess
from typing import ClassVar

import pytest

import ui.main_window as main_window
import ui.printing as printing
from tests.store.helpers import person
from tests.ui.test_printing import decode_150dpi
from ui import ops
from ui.qt import QApplication, QEvent, QObject, Qt, QTimer, print_support

CTRL = Qt.KeyboardModifier.ControlModifier


def settle(qtbot) -> None:
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)


def key(qtbot, name, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed wherever the focus is, as on a real keyboard."""
    target = QApplication.focusWidget() or QApplication.activeWindow()
    qtbot.keyClick(target, name, modifiers)


def tab_to(qtbot, widget, most: int = 12) -> None:
    """Tab on until ``widget`` has the focus, the way a clerk passes fields left as they are."""
    for _ in range(most):
        if QApplication.focusWidget() is widget:
            return
        key(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is widget, widget.accessibleName()


def typed(qtbot, type_text, text: str) -> None:
    type_text(QApplication.focusWidget(), text)


@pytest.fixture
def file_printer(monkeypatch, tmp_path):
    """The print dialog answered "打印到文件": the chosen printer writes a PDF."""
    out = tmp_path / "printed.pdf"
    chosen = []

    def to_file(_parent, printer) -> bool:
        printer.setOutputFormat(print_support().QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        chosen.append(printer)
        return True

    monkeypatch.setattr(printing, "choose_printer", to_file)
    return out


def test_register_tick_settle_and_print_with_the_keyboard_alone(
    qtbot, window, desk, type_text, file_printer, monkeypatch, tmp_path
):
    # The real preview, not the fixture's recorder.
    monkeypatch.setattr(main_window, "preview_and_print", printing.preview_and_print)
    mouse = []
    watch = MouseWatch(mouse)
    QApplication.instance().installEventFilter(watch)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    # 入院登记 (F2): the cursor starts in 身份证号; Tab goes down the form section by section.
    who = person(9)
    key(qtbot, Qt.Key.Key_F2)
    form = window.registration
    qtbot.waitUntil(lambda: form is not None and form.isActiveWindow())
    assert QApplication.focusWidget() is form.fields["id_number"].edit
    qtbot.keyClicks(QApplication.focusWidget(), who.id_number)
    key(qtbot, Qt.Key.Key_Tab)
    typed(qtbot, type_text, "键盘测")  # 姓名
    f = form.fields
    tab_to(qtbot, f["off_roster_reason"].edit)  # past 电话, 类别, 证件 (nothing to type)
    typed(qtbot, type_text, "名册尚未下发")
    tab_to(qtbot, f["admission_number"].edit)
    qtbot.keyClicks(QApplication.focusWidget(), "ZY-KB01")
    tab_to(qtbot, f["department"].edit)  # past 入院时间: now, as opened
    typed(qtbot, type_text, "内科")
    tab_to(qtbot, f["diagnosis"].edit)
    typed(qtbot, type_text, "肺炎")
    with qtbot.waitSignal(form.registered, timeout=30_000):
        key(qtbot, Qt.Key.Key_S, CTRL)
    settle(qtbot)
    qtbot.waitUntil(lambda: window.case_panel.detail is not None)
    detail = window.case_panel.detail
    assert detail.row.admission_number == "ZY-KB01"
    assert window.list_title.text() == "在院及今日办理的病例：1 条"  # counted with the new one
    checklist = window.case_panel.checklist
    assert any(line.missing for line in checklist.lines)

    # 材料清单 (Ctrl+M puts the cursor on the next box to tick; Space ticks it, saved at once).
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    for _ in range(4 * len(checklist.lines)):
        if not any(line.missing for line in checklist.lines):
            break
        key(qtbot, Qt.Key.Key_M, CTRL)
        assert QApplication.focusWidget() is checklist.table
        key(qtbot, Qt.Key.Key_Space)
        settle(qtbot)
    assert not any(line.missing for line in checklist.lines)
    assert checklist.summary.text() == "材料齐全。"
    key(qtbot, Qt.Key.Key_M, CTRL)  # once too often: nothing is taken back
    key(qtbot, Qt.Key.Key_Space)
    settle(qtbot)
    assert not any(line.missing for line in checklist.lines)

    # 出院结算 (F5): the cursor in 医疗总费用; Tab to 基本医保支付; Ctrl+Enter settles and
    # the print preview of the slip comes up; Ctrl+P prints it.
    key(qtbot, Qt.Key.Key_F5)
    settle(qtbot)
    dialog = window.discharge
    qtbot.waitUntil(lambda: dialog is not None and dialog.isActiveWindow())
    assert QApplication.focusWidget() is dialog.fields["total"].edit
    qtbot.keyClicks(QApplication.focusWidget(), "9000")
    key(qtbot, Qt.Key.Key_Tab)  # 目录外费用
    key(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.fields["basic_insurance"].edit
    qtbot.keyClicks(QApplication.focusWidget(), "5000")
    qtbot.waitUntil(dialog.confirm_button.isEnabled)
    previews = []

    def print_from_the_preview() -> None:
        shown = QApplication.activeModalWidget()
        if not isinstance(shown, printing.PrintPreview) or not shown.isActiveWindow():
            if shown is not None:
                shown.activateWindow()  # what the window manager does for a new dialog
            QTimer.singleShot(50, print_from_the_preview)
            return
        previews.append(shown.windowTitle())
        key(qtbot, Qt.Key.Key_P, CTRL)

    QTimer.singleShot(50, print_from_the_preview)
    with qtbot.waitSignal(dialog.settled, timeout=30_000) as signal:
        key(qtbot, Qt.Key.Key_Return, CTRL)
    slip_number = signal.args[0]
    qtbot.waitUntil(file_printer.exists, timeout=60_000)
    settle(qtbot)
    QApplication.instance().removeEventFilter(watch)

    assert previews == [f"打印预览 — 结算单 {slip_number}"]
    assert decode_150dpi(file_printer, tmp_path) == [[slip_number]]  # the slip, as printed
    stored = desk.slip_pdf(slip_number)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=stored, capture_output=True, check=True
    ).stdout.decode()
    for words in ("键盘测", "ZY-KB01", slip_number, "医疗救助"):
        assert words in text, words
    assert mouse == []


class MouseWatch(QObject):
    """Records every mouse button event any object receives during the walk."""

    KINDS: ClassVar = {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
    }

    def __init__(self, seen: list):
        super().__init__()
        self.seen = seen

    def eventFilter(self, watched, event) -> bool:
        if event.type() in self.KINDS:
            self.seen.append((type(watched).__name__, event.type()))
        return False


def test_tab_leaves_the_lists_and_space_ticks_the_current_box(qtbot, window, desk):
    from tests.ui.test_chinese_and_layout import open_case

    open_case(qtbot, window, desk)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    checklist = window.case_panel.checklist
    for table in (window.table, checklist.table):
        table.setFocus()
        key(qtbot, Qt.Key.Key_Tab)  # not the next cell: the next widget
        assert QApplication.focusWidget() is not table
        assert QApplication.focusWidget().parent() is not table.viewport()

    key(qtbot, Qt.Key.Key_M, CTRL)
    assert (checklist.table.currentRow(), checklist.table.currentColumn()) == (0, 2)
    key(qtbot, Qt.Key.Key_Right)  # 复印件已留存 of the first paper
    key(qtbot, Qt.Key.Key_Space)
    settle(qtbot)
    assert checklist.lines[0].copy_kept and not checklist.lines[0].original_sighted
