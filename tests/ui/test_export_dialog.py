"""导出申报包 from the window: the period is filled in for the policy, the export runs in the
background and says what it wrote; a missing target is reported in the dialog."""

from datetime import date

from app.bundle.manifest import verify_bundle
from ui import ops
from ui.export_dialog import ExportDialog
from ui.qt import QFileDialog, Qt


def test_export_a_quarter_from_the_window(qtbot, window, settled_slip, tmp_path, monkeypatch):
    usb = tmp_path / "usb"
    usb.mkdir()
    dialog = ExportDialog(window.desk, window, today=date(2026, 3, 20))
    qtbot.addWidget(dialog)
    assert dialog.policy.currentData() == "lanxi"
    assert dialog.period.text() == "2026Q1"
    assert "按季度申报" in dialog.period_hint.text()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(usb))
    dialog.choose_target()
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ops.pending() == 0 and bool(dialog.outcome.toPlainText()))
    text = dialog.outcome.toPlainText()
    # one settlement: base 9000 − 5000 = 4000, 70% → 2800.00
    assert "结算 1 笔，其中作废 0 笔" in text and "救助合计 2800.00 元" in text
    bundle = usb / "LX01-lanxi-2026Q1"
    assert verify_bundle(bundle).ok
    assert (bundle / "cases" / settled_slip / "slip.pdf").exists()
    assert dialog.error.text() == ""


def test_a_missing_target_is_reported_in_the_dialog(qtbot, window, settled_slip, tmp_path):
    dialog = ExportDialog(window.desk, window, today=date(2026, 3, 20))
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "导出到：请选择 U盘或共享盘上的文件夹"
    dialog.target.setText(str(tmp_path / "stick-pulled-out"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ops.pending() == 0 and bool(dialog.error.text()))
    assert "U盘是否已拔出" in dialog.error.text()
    assert dialog.outcome.toPlainText() == ""


def test_the_export_shows_a_progress_bar_with_the_time_left(qtbot, window, settled_slip, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    dialog = ExportDialog(window.desk, window, today=date(2026, 3, 20))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.target.setText(str(usb))
    shown = []
    show_progress = dialog.show_progress

    def seen(progress):
        show_progress(progress)
        bar = dialog.progress
        shown.append((bar.isVisible(), bar.value(), bar.maximum(), dialog.progress_text.text()))

    dialog.show_progress = seen
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ops.pending() == 0 and bool(dialog.outcome.toPlainText()))
    assert shown and all(visible for visible, *_ in shown)
    values = [value for _, value, _, _ in shown]
    assert values == sorted(values) and values[-1] == shown[-1][2] > 0
    assert shown[-1][3].endswith("已完成 100%")
    # the settlement was made without the desk: its slip was archived on the way
    assert any(text.startswith("正在存档结算单") for *_, text in shown)
    assert not dialog.progress.isVisible() and not dialog.progress_text.isVisible()
