"""政策测算 in the window: a supervisor picks a draft that raises 兰溪's 低保 rate from 70% to
80%, sees the year's totals by hand-worked figures, and saves the XLSX and PDF; a clerk has no
such action."""

from datetime import datetime, timedelta
from pathlib import Path

from app.services import Amounts, DischargeInput, register_admission, settle_discharge
from tests.store.helpers import admission, person, tick_all
from tests.ui.accounts import SUPERVISOR, SUPERVISOR_PW
from ui import ops
from ui.qt import QFileDialog

POLICIES = Path(__file__).resolve().parents[2] / "policies"


def _settle_one(desk) -> None:
    admitted = datetime(2026, 3, 1, 9)
    form = admission(person(1), "ZY-W1", admitted, category="minimum_living")
    done = register_admission(desk.store, form, clerk="王", now=admitted)
    tick_all(desk.store, done.admission_id)
    # 兰溪 低保 70%: base 20000 − 1000 − 12000 = 7000 → 4900.00 (80%: 5600.00)
    amounts = Amounts(total="20000", out_of_catalog="1000", basic_insurance="12000")
    moment = admitted + timedelta(days=5)
    settle_discharge(
        desk.store, DischargeInput(done.admission_id, moment, amounts), clerk="王", now=moment
    )


def test_a_supervisor_runs_a_draft_and_saves_the_results(
    qtbot, window, desk, tmp_path, monkeypatch
):
    assert not window.whatif_action.isEnabled()  # the clerk signed in
    _settle_one(desk)
    draft = tmp_path / "兰溪草案.toml"
    text = (POLICIES / "lanxi.toml").read_text("utf-8")
    draft.write_text(
        text.replace('rate = 0.70, clause = "三(二)1"', 'rate = 0.80, clause = "三(二)1"'), "utf-8"
    )
    desk.sign_in(SUPERVISOR, SUPERVISOR_PW)
    window._enable_case_actions()
    assert window.whatif_action.isEnabled()
    window.whatif_action.trigger()
    dialog = window.whatif_dialog
    dialog.year.setValue(2026)
    dialog.start()
    assert dialog.error.text() == "政策草案文件：请选择政策草案文件"
    dialog.draft.setText(str(draft))
    dialog.run_button.click()
    qtbot.waitUntil(lambda: ops.pending() == 0 and dialog.run is not None, timeout=30_000)
    shown = dialog.outcome.toPlainText()
    assert "救助合计：现行 4900.00 元，草案 5600.00 元，差额 +700.00 元" in shown
    out = tmp_path / "测算"
    out.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: ops.pending() == 0 and (out / "what-if.pdf").exists(), timeout=30_000)
    assert (out / "what-if.xlsx").read_bytes()[:2] == b"PK"
    assert "已保存" in dialog.error.text()


def test_a_broken_draft_is_named(qtbot, window, desk, tmp_path):
    desk.sign_in(SUPERVISOR, SUPERVISOR_PW)
    window._enable_case_actions()
    window.open_what_if()
    dialog = window.whatif_dialog
    broken = tmp_path / "坏.toml"
    broken.write_text("id = ", "utf-8")
    dialog.draft.setText(str(broken))
    dialog.start()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    assert dialog.error.text().startswith("政策草案文件：") and "TOML" in dialog.error.text()
