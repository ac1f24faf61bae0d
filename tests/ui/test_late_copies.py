"""Late copies (issue 15, point 5): a copy a supervisor let through at settlement, brought the
next day, is recorded on the settled case (audited: who and when) and the case then shows the
override as settled."""

from datetime import datetime

from app.services import register_admission
from app.services.audit import history
from tests.store.helpers import admission, person
from tests.ui.accounts import CLERK, SUPERVISOR, SUPERVISOR_PW
from ui import ops
from ui.qt import Qt

CLAIM = {
    "total": "1000",
    "out_of_catalog": "0",
    "basic_insurance": "0",
    "critical_illness": "0",
    "other_compensation": "0",
    "cause": None,
}


def settle(qtbot) -> None:
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)


def settled_with_override(desk, number: str) -> tuple[int, str]:
    """An admission settled with every paper missing, let through by the supervisor."""
    who = person(31)
    done = register_admission(
        desk.store, admission(who, number=number), clerk="王", now=datetime(2026, 3, 1, 10)
    )
    case = desk.discharge_case(done.admission_id)
    assert case.missing_documents
    override = {"supervisor": SUPERVISOR, "password": SUPERVISOR_PW, "reason": "复印件次日补交"}
    slip = desk.settle(case, dict(CLAIM), override, datetime(2026, 3, 6, 10))
    return done.admission_id, slip


def find_case(qtbot, window, number: str):
    window.search.setText(number)
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    settle(qtbot)
    return window.case_panel.detail


def test_a_copy_brought_after_an_override_is_recorded_and_settles_it(qtbot, window, desk):
    _admission_id, slip = settled_with_override(desk, "ZY-LATE1")
    detail = find_case(qtbot, window, "ZY-LATE1")
    assert detail.live_settlement.slip_number == slip
    panel = window.case_panel
    assert "主管放行" in panel.settlements.text() and "尚缺" in panel.settlements.text()
    lines = panel.checklist.lines
    # Each missing mark can still be ticked (completed) on the settled case.
    for row, line in enumerate(lines):
        for key, required in (
            ("original_sighted", line.original_required),
            ("copy_kept", line.copy_required),
        ):
            if not required:
                continue
            box = panel.checklist.tick_box(row, key)
            assert box.isEnabled(), (line.name, key)
            box.setChecked(True)
            settle(qtbot)
    detail = panel.detail
    assert not any(line.missing for line in detail.checklist)
    text = panel.settlements.text()
    assert "放行材料已补齐" in text and CLERK in text
    # What was completed is in the audit trail, naming who and the slip it completes.
    with desk.store.read() as session:
        events = history(session, "checklist_item", lines[0].item_id)
    late = [e for e in events if e.action == "late_copy"]
    assert late and late[-1].clerk == CLERK and slip in late[-1].changes_json
    assert late[-1].at is not None


def test_a_settled_case_cannot_lose_a_paper(qtbot, window, desk, message_boxes):
    """Completing is allowed after settlement; taking a tick back is not."""
    from app.services import ItemUpdate, ServiceError, update_item

    _admission_id, _slip = settled_with_override(desk, "ZY-LATE2")
    detail = find_case(qtbot, window, "ZY-LATE2")
    first = detail.checklist[0]
    update_item(desk.store, first.item_id, ItemUpdate(original_sighted=True), clerk=CLERK)
    try:
        update_item(desk.store, first.item_id, ItemUpdate(original_sighted=False), clerk=CLERK)
    except ServiceError as exc:
        assert "已结算" in str(exc) and "补交" in str(exc)
    else:
        raise AssertionError("a tick was taken back on a settled case")
    window.refresh_case()
    settle(qtbot)
    box = window.case_panel.checklist.tick_box(0, "original_sighted")
    assert box.isChecked() and not box.isEnabled()
