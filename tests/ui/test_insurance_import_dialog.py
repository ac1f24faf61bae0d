"""导入医保结算 in the discharge dialog, through the real window and store: the platform's
figures fill the bill marked 已导入, a correction is marked and audited, the platform's 医疗救助
is shown beside ours with a one-fen difference flagged, and nothing is settled before the clerk
confirms."""

import json
from datetime import datetime

from app.services import register_admission
from app.services.audit import history
from tests.insurance_files import detail, json_file, setlinfo
from tests.store.helpers import admission, person, tick_all
from ui.qt import QFileDialog, Qt


def _open_case(qtbot, window, desk, settled, imported=None):
    registered = register_admission(
        desk.store, admission(person(1)), clerk="王", now=datetime(2026, 3, 1, 10)
    )
    tick_all(desk.store, registered.admission_id)
    if imported is not None:
        report = desk.import_insurance(imported, datetime(2026, 3, 6).date())
        assert len(report.matched) == 1
    window.show_work_list()
    settled()
    window.select_admission(registered.admission_id)
    settled()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    settled()
    dialog = window.discharge
    dialog.discharged_at.setDateTime(datetime(2026, 3, 6, 10))
    return registered, dialog


def test_imported_day_figures_fill_the_bill_and_settle_on_confirm(
    qtbot, window, desk, settled, tmp_path, monkeypatch
):
    path = tmp_path / "setl.json"
    path.write_bytes(json_file((setlinfo(), [detail("610100", "2799.99")])))
    # The day's figures are in the store: no file is asked for.
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_args, **_kw: ("", ""))
    _registered, dialog = _open_case(qtbot, window, desk, settled, imported=path)
    assert dialog.import_button.isVisible()

    qtbot.keyClick(dialog, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    settled()
    assert dialog.fields["total"].text() == "9000.00"
    assert dialog.fields["basic_insurance"].text() == "5000.00"
    assert dialog.imported_mark("total") == "已导入"
    assert dialog.imported_mark("excluded") == ""
    # Ours: (9000 − 5000) × 70% = 2800.00; the platform paid 2799.99: one fen, flagged.
    assert dialog.breakdown.value("paid_at_window") == "2,800.00 元"
    shown = dialog.platform_label.text()
    assert "2799.99" in shown and "相差 0.01 元" in shown and "⚠" in shown
    assert desk.store and dialog.slip_number is None  # nothing settled by the import

    dialog.fields["out_of_catalog"].edit.clear()
    qtbot.keyClicks(dialog.fields["out_of_catalog"].edit, "100")
    assert dialog.imported_mark("out_of_catalog") == "已改"
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settled()
    assert dialog.slip_number is not None
    with desk.store.read() as session:
        (event,) = history(session, "settlement", dialog.slip_number)
        changes = json.loads(event.changes_json)
    assert changes["imported_figures"]["total"] == "9000.00"
    assert changes["changed_from_import"] == {"out_of_catalog": ["0.00", "100.00"]}


def test_a_file_is_asked_for_when_nothing_was_imported(
    qtbot, window, desk, settled, tmp_path, monkeypatch, message_boxes
):
    good = tmp_path / "setl.csv"
    good.write_bytes(
        ",".join(setlinfo()).encode() + b"\r\n" + ",".join(setlinfo().values()).encode()
    )
    _registered, dialog = _open_case(qtbot, window, desk, settled)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_args, **_kw: (str(good), ""))
    dialog.import_button.click()
    settled()
    assert dialog.fields["total"].text() == "9000.00"
    assert dialog.imported_mark("basic_insurance") == "已导入"
    assert dialog.platform_label.text().count("一致") == 1

    bad = tmp_path / "bad.csv"
    bad.write_bytes(good.read_bytes().replace(b"5000.00", b'"5,000.00"'))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_args, **_kw: (str(bad), ""))
    dialog.import_button.click()
    settled()
    _kind, title, text = message_boxes.shown[-1]
    assert title == "未能导入医保结算" and "第2行 hifp_pay" in text
    assert dialog.slip_number is None


def test_a_file_record_of_someone_else_under_this_admission_number_is_refused(
    qtbot, window, desk, settled, tmp_path, monkeypatch, message_boxes
):
    other = setlinfo(psn_name="李四", hifp_pay="1.00")  # ZY001 typed for another patient
    wrong = tmp_path / "setl.csv"
    wrong.write_bytes(",".join(other).encode() + b"\r\n" + ",".join(other.values()).encode())
    _registered, dialog = _open_case(qtbot, window, desk, settled)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_args, **_kw: (str(wrong), ""))
    dialog.import_button.click()
    settled()
    _kind, title, text = message_boxes.shown[-1]
    assert title == "未能导入医保结算" and "李四" in text and "不是同一人" in text
    assert dialog.fields["basic_insurance"].text() != "1.00"
    assert dialog.imported_mark("basic_insurance") == ""
