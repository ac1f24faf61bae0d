"""Policy sign-off in the window (issue 15, point 2): the administrator sees the shipped files
(title, document number, version, effective date, hash) and approves them; an edited file is
shown with what changed, key by key, and approved or refused there. Only an administrator
sees the banner; a clerk reads that settling under the file is paused and why."""

import shutil
from pathlib import Path

import pytest

from app.desk import Desk
from app.policy import load_policies
from app.services.policy_hashes import policy_changes
from tests.ui.accounts import ADMIN, ADMIN_PW, CLERK, CLERK_PW
from tests.ui.test_start_checks import no_log_handlers  # noqa: F401 (a fixture)
from ui import ops
from ui.qt import Qt

POLICIES = Path(__file__).resolve().parents[2] / "policies"


def settle(qtbot) -> None:
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A copy of the shipped policy files the desk settles with (so a test can edit one)."""
    copy = tmp_path / "policies"
    copy.mkdir()
    for path in POLICIES.glob("*.toml"):
        shutil.copy(path, copy / path.name)
    book = {"policies": load_policies(copy)}
    monkeypatch.setattr(Desk, "policies", property(lambda _self: book["policies"]))

    def edit(name: str, old: str, new: str) -> None:
        path = copy / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        book["policies"] = load_policies(copy)

    return edit


@pytest.fixture
def admin_window(qtbot, settings, desk, accounts, folder, monkeypatch):
    import ui.main_window as main_window

    desk.sign_in(ADMIN, ADMIN_PW)
    shown = main_window.MainWindow(settings)
    qtbot.addWidget(shown)
    shown.attach(desk)
    shown.show()
    shown.show_startup_notes(desk.startup_checks())
    settle(qtbot)
    return shown


def open_signoff(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(
        window,
        Qt.Key.Key_K,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: getattr(window, "policy_signoff", None) is not None)
    dialog = window.policy_signoff
    settle(qtbot)
    return dialog


def row_of(dialog, file_name: str) -> int:
    return next(i for i, r in enumerate(dialog.reviews) if r.file == file_name)


@pytest.mark.usefixtures("no_log_handlers")
def test_the_administrator_approves_the_shipped_files_at_first_start(qtbot, admin_window, desk):
    window = admin_window
    assert window.signoff_button.isVisible() and "Ctrl+Shift+K" in window.notice.text()
    dialog = open_signoff(qtbot, window)
    assert dialog.files.rowCount() == len(desk.policies)
    lanxi = row_of(dialog, "lanxi.toml")
    cells = [dialog.files.item(lanxi, c).text() for c in range(dialog.files.columnCount())]
    loaded = desk.policies["lanxi"]
    assert cells[1] == loaded.definition.title
    assert cells[2] == loaded.definition.document_number
    assert cells[4] == loaded.definition.versions[-1].effective_from.isoformat()
    assert dialog.files.item(lanxi, 5).toolTip() == loaded.sha256
    assert cells[6] == "尚未核准"
    qtbot.mouseClick(dialog.approve_all_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert {r.state for r in dialog.reviews} == {"approved"}
    assert policy_changes(desk.policies, desk.store) == []
    assert not window.notice.isVisible() and not window.signoff_button.isVisible()


@pytest.mark.usefixtures("no_log_handlers")
def test_an_edited_file_shows_what_changed_and_is_refused_then_approved(
    qtbot, admin_window, desk, folder
):
    from app.accounts.service import login
    from app.services.policy_hashes import approve_policies

    approve_policies(desk.store, login(desk.store, ADMIN, ADMIN_PW), desk.policies)
    folder("lanxi.toml", "amount = 80000", "amount = 90000")
    window = admin_window
    window.show_startup_notes(desk.startup_checks())
    assert window.signoff_button.isVisible() and "lanxi.toml" in window.notice.text()
    dialog = open_signoff(qtbot, window)
    row = row_of(dialog, "lanxi.toml")
    assert dialog.files.currentRow() == row  # the file waiting is shown first
    assert dialog.reviews[row].state == "changed"
    changes = [
        tuple(dialog.changes.item(r, c).text() for c in range(3))
        for r in range(dialog.changes.rowCount())
    ]
    assert changes == [("versions[1].caps[1].amount", "80000", "90000")]
    # Refusing needs a reason; then the file stays refused and settling under it paused.
    qtbot.mouseClick(dialog.refuse_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "拒绝理由：拒绝核准须填写理由"
    dialog.reason.setText("封顶线与文件原文不符")
    for widget in (dialog.reason, dialog.files):  # Enter presses no button (拒绝 was default)
        qtbot.keyClick(widget, Qt.Key.Key_Return)
    settle(qtbot)
    assert dialog.reviews[row].state == "changed" and dialog.isVisible()
    qtbot.mouseClick(dialog.refuse_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    refused = dialog.reviews[row_of(dialog, "lanxi.toml")]
    assert refused.state == "refused" and "封顶线与文件原文不符" in refused.reason
    assert [c.id for c in policy_changes(desk.policies, desk.store)] == ["lanxi"]
    # A clerk signed in sees no banner, only that settling under it is paused, and why.
    desk.sign_in(CLERK, CLERK_PW)
    window.attach(desk)
    settle(qtbot)
    assert not window.signoff_button.isVisible() and not window.signoff_action.isEnabled()
    assert "暂停按该政策结算" in window.notice.text() and "lanxi.toml" in window.notice.text()
    # The administrator approves it after all.
    desk.sign_in(ADMIN, ADMIN_PW)
    window.attach(desk)
    dialog = open_signoff(qtbot, window)
    dialog.files.setCurrentCell(row_of(dialog, "lanxi.toml"), 0)
    qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert policy_changes(desk.policies, desk.store) == []
    assert dialog.reviews[row_of(dialog, "lanxi.toml")].state == "approved"
    assert not window.notice.isVisible()
