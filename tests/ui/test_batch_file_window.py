"""事后报销's 代发清单 in the window when the folder cannot take it: a missing folder is refused
before the batch is made; a folder lost after the batch was made leaves a batch whose list
重写代发清单 writes again (a real SQLite store, the dialogs driven as a clerk would)."""

from datetime import date, datetime

import pytest

from app.desk import Desk
from tests.store.helpers import person
from tests.ui.accounts import CLERK, CLERK_PW, SUPERVISOR, SUPERVISOR_PW
from ui.qt import QFileDialog

BATCH = "LX01-DF2026-000001"


@pytest.fixture
def approved(desk, accounts):
    """One 兰溪 claim (8000.00), approved by the supervisor; its number."""
    from app.forms import Amounts
    from app.services.paid_later import BankAccount, IntakeInput, StayInput, receive_claim

    who = person(43)
    stay = StayInput(
        who,
        "金华市中心医院",
        "county",
        date(2026, 3, 2),
        date(2026, 3, 12),
        "destitute",
        "resident",
    )
    claim = receive_claim(
        desk.store,
        IntakeInput(
            stay=stay,
            amounts=Amounts("20000.00", "0", "12000.00"),
            bank=BankAccount(who.name, "兰溪农商银行", "6222020200112233446"),
            materials=("invoice", "discharge_summary", "cost_list"),
        ),
        clerk="王",
        now=datetime(2026, 3, 13, 9),
    )
    desk.review_claim(claim.claim_number, True, supervisor=SUPERVISOR, password=SUPERVISOR_PW)
    return claim.claim_number


@pytest.fixture
def view(window, settled):
    window.claims_action.trigger()
    settled()
    return window.post_discharge


def _status(desk, number) -> str:
    return desk.claim_detail(number).row.status


def test_a_missing_folder_is_refused_and_nothing_is_batched(
    view, desk, approved, settled, monkeypatch, tmp_path
):
    gone = tmp_path / "usb"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(gone))

    view.buttons["batch"].click()
    settled()

    assert str(gone) in view.message.text() and "未生成代发清单" in view.message.text()
    assert _status(desk, approved) == "approved"


def test_a_batch_whose_list_failed_is_written_again(
    view, desk, approved, settled, monkeypatch, tmp_path
):
    stick = tmp_path / "usb"
    stick.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(stick))
    checked = Desk.check_batch_folder

    def checked_then_pulled(desk, folder):
        checked(desk, folder)
        stick.rmdir()  # the stick pulled between the check and the write

    monkeypatch.setattr(Desk, "check_batch_folder", checked_then_pulled)
    view.buttons["batch"].click()
    settled()
    said = view.message.text()
    assert f"代发清单 {BATCH} 已生成" in said and "重写代发清单" in said and "申报包" not in said
    assert _status(desk, approved) == "batched"

    again = tmp_path / "usb2"
    again.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(again))
    view.buttons["batch_file"].click()
    dialog = view.batch_file
    assert dialog.batch.text() == BATCH  # the batch that just failed
    dialog.write()
    settled()

    assert not dialog.isVisible()
    assert f"代发清单 {BATCH}：1 笔，合计 8000.00 元" in view.message.text()
    listed = (again / f"代发清单-{BATCH}" / f"代发清单-{BATCH}.csv").read_text("utf-8-sig")
    assert approved in listed


def test_an_unknown_batch_number_is_named_in_the_dialog(view, settled, monkeypatch, tmp_path):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    view.buttons["batch_file"].click()
    dialog = view.batch_file
    dialog.batch.setText("LX01-DF2026-000009")
    dialog.write()
    settled()

    assert dialog.isVisible()
    assert "LX01-DF2026-000009" in dialog.batch.error_text()


def test_a_batch_list_is_written_only_signed_in_and_each_copy_is_audited(desk, approved, tmp_path):
    from app.services.audit import history
    from app.services.errors import ServiceError

    desk.sign_in(CLERK, CLERK_PW)
    batch = desk.make_batch([approved])
    written = desk.export_batch(batch.batch_number, tmp_path)
    with desk.store.read() as session:
        events = history(session, "payment_batch", batch.batch_number)
    # the list holds whole card numbers: where each copy went is on the trail
    assert [(e.clerk, e.action) for e in events] == [(CLERK, "create"), (CLERK, "export")]
    assert str(written) in events[-1].changes_json
    desk.sign_out()
    with pytest.raises(ServiceError, match="导出代发清单"):
        desk.export_batch(batch.batch_number, tmp_path / "again")
    assert not (tmp_path / "again").exists()
