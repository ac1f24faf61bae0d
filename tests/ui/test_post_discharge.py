"""The 事后报销 view: F7 from the main window; intake with the policy's materials, a
supervisor's review, a payment batch and the bank's answer, on a real SQLite store; the
forms fit a 1024×768 screen."""

from datetime import date

import pytest

from tests.store.helpers import person
from tests.ui.accounts import SUPERVISOR, SUPERVISOR_PW
from tests.ui.test_chinese_and_layout import assert_fits_and_lines_whole
from ui.qt import QApplication, QDate, QFileDialog, Qt


@pytest.fixture
def small_screen(monkeypatch):
    from ui import fitting
    from ui.qt import QSize

    monkeypatch.setattr(fitting, "available_size", lambda _widget: QSize(1024, 768))


def _fill_intake(dialog, who, total="20000.00") -> None:
    values = {
        "id_number": who.id_number,
        "name": who.name,
        "hospital": "金华市中心医院",
        "total": total,
        "basic_insurance": "12000.00",
        "account_name": who.name,
        "bank": "兰溪农商银行",
        "card_number": "6222020200112233446",
    }
    for key, value in values.items():
        dialog.fields[key].setText(value)
    dialog.category.setCurrentIndex(dialog.category.findData("destitute"))
    dialog.admitted.setDate(QDate(2026, 3, 2))
    dialog.discharged.setDate(QDate(2026, 3, 12))


def _tick_all(dialog) -> None:
    for i in range(dialog.materials.count()):
        dialog.materials.item(i).setCheckState(Qt.CheckState.Checked)


def test_intake_review_batch_and_bank_in_the_window(
    qtbot, window, desk, settled, small_screen, monkeypatch, tmp_path
):
    window.claims_action.trigger()
    view = window.post_discharge
    settled()
    assert_fits_and_lines_whole(qtbot, view)
    assert "今日到期 0 笔，已逾期 0 笔" in view.counts.text()

    view.buttons["intake"].click()
    intake = view.intake
    settled()
    assert_fits_and_lines_whole(qtbot, intake)
    who = person(41)
    _fill_intake(intake, who)
    settled()
    assert intake.materials.count() == 3  # 兰溪 三(二)3: 发票原件、出院小结、费用汇总清单
    assert "三(二)3" in intake.route.text()
    intake.fields["card_number"].setText("6222020200112233445")  # wrong check digit
    intake.save()
    settled()
    assert intake.isVisible()
    assert "校验位" in intake.fields["card_number"].error_text()
    intake.fields["card_number"].setText("6222020200112233446")
    intake.save()  # materials not ticked
    settled()
    assert "材料不全" in intake.error.text()
    _tick_all(intake)
    scan = tmp_path / "发票.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"invoice")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(scan), "扫描件"))
    intake.materials.setCurrentRow(0)
    intake.attach_scan()
    assert intake.materials.item(0).text().endswith("（已附扫描件）")
    intake.save()
    settled()
    assert not intake.isVisible()
    assert "已受理 LX01-BX" in view.message.text()
    [row] = view.model.rows
    assert (row.status, str(row.payable)) == ("received", "8000.00")

    # review: the clerk signed in cannot approve alone; the supervisor types a password
    view.table.selectRow(0)
    view.buttons["review"].click()
    review = view.review
    assert_fits_and_lines_whole(qtbot, review)
    review.supervisor.setText(SUPERVISOR)
    review.password.setText("wrong-password")
    review.confirm()
    settled()
    assert review.isVisible() and review.password.error_text() + review.supervisor.error_text()
    review.password.setText(SUPERVISOR_PW)
    review.confirm()
    settled()
    assert not review.isVisible()
    assert view.model.rows[0].status == "approved"
    assert view.message.text().startswith("已审核通过 LX01-BX")  # not the intake's, left over

    target = tmp_path / "usb"
    target.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(target))
    view.buttons["batch"].click()
    settled()
    assert "代发清单 LX01-DF2026-000001：1 笔，合计 8000.00 元" in view.message.text()
    assert (target / "代发清单-LX01-DF2026-000001").is_dir()

    view.table.selectRow(0)
    view.buttons["bank"].click()
    bank = view.bank
    bank.batch.setText("LX01-DF2026-000001")
    bank.mark_one()
    settled()
    assert not bank.isVisible()
    assert view.model.rows[0].status == "paid"
    assert date.today().year >= 2026


def test_overdue_claims_show_on_the_main_window_at_start(qtbot, window, desk, settled):
    from datetime import datetime

    from app.forms import Amounts
    from app.services.paid_later import BankAccount, IntakeInput, StayInput, receive_claim

    who = person(42)
    receive_claim(
        desk.store,
        IntakeInput(
            stay=StayInput(
                who,
                "金华市中心医院",
                "county",
                date(2026, 3, 2),
                date(2026, 3, 12),
                "destitute",
                "resident",
            ),
            amounts=Amounts("20000.00", "0", "12000.00"),
            bank=BankAccount(who.name, "兰溪农商银行", "6222020200112233446"),
            materials=("invoice", "discharge_summary", "cost_list"),
        ),
        clerk="王",
        now=datetime(2026, 3, 13, 9),
    )
    window.update_claims_due()
    settled()
    assert "已逾期 1 笔" in window.status_claims.text()
    # Left of the demo mark and of who is signed in, beside the other labels.
    QApplication.processEvents()
    assert window.status_claims.x() < window.status_clerk.x()


def test_intake_marks_every_bad_field_at_once_and_finds_a_known_person(
    qtbot, window, desk, settled
):
    """One 受理 names every field wrong as typed (not one per press, in no order), the cursor
    on the first; a known ID number fills 姓名 in, as 门诊结算 does."""
    from app.services import register_admission
    from tests.store.helpers import admission

    known = person(42)
    register_admission(desk.store, admission(known), clerk=SUPERVISOR)
    window.claims_action.trigger()
    view = window.post_discharge
    settled()
    view.buttons["intake"].click()
    intake = view.intake
    settled()
    intake.fields["id_number"].setText(known.id_number)
    settled()
    assert intake.fields["name"].text() == known.name

    _fill_intake(intake, known)
    intake.show()
    qtbot.waitExposed(intake)
    intake.fields["name"].setText("")
    intake.fields["total"].setText("12,000")
    intake.fields["card_number"].setText("6222020200112233445")  # wrong check digit
    intake.save()
    settled()
    marked = [key for key, field in intake.fields.items() if field.error_text()]
    assert marked == ["name", "total", "card_number"]
    qtbot.waitUntil(intake.fields["name"].edit.hasFocus)

    intake.fields["name"].setText(known.name)
    intake.fields["total"].setText("20000.00")
    intake.fields["card_number"].setText("6222020200112233446")
    intake.save()  # now what needs the policy: the materials, the cursor in their list
    settled()
    assert "材料不全" in intake.error.text()
    qtbot.waitUntil(intake.materials.hasFocus)
    _tick_all(intake)
    assert intake.error.text() == ""  # ticking clears the old refusal


def test_a_supervisor_on_the_first_password_sets_a_new_one_in_the_review(
    qtbot, window, desk, settled
):
    """The review said 请本人在此设置新密码 with nowhere to set it; and after a refusal the
    cursor sat on 取消, where the next Enter closed the dialog."""
    from datetime import datetime

    from app.accounts.service import create_user, login
    from app.forms import Amounts
    from app.services.paid_later import BankAccount, IntakeInput, StayInput, receive_claim
    from tests.ui.accounts import ADMIN, ADMIN_PW, FIRST_PW

    create_user(desk.store, login(desk.store, ADMIN, ADMIN_PW), "新主管", "supervisor", FIRST_PW)
    who = person(44)
    stay = StayInput(
        who, "金华市中心医院", "county", date(2026, 3, 2), date(2026, 3, 12), "destitute",
        "resident",
    )  # fmt: skip
    receive_claim(
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
    window.claims_action.trigger()
    view = window.post_discharge
    settled()
    view.table.selectRow(0)
    view.buttons["review"].click()
    review = view.review
    review.supervisor.setText("新主管")
    review.password.setText("wrong-password")
    review.confirm()
    settled()
    qtbot.waitUntil(lambda: review.focusWidget() is review.password.edit)

    review.password.setText(FIRST_PW)
    review.confirm()
    settled()
    assert review.isVisible() and review.new_password.isVisible()
    assert "尚未修改初始密码" in review.error.text()
    review.new_password.password.setText("Fresh#2026boss")
    review.new_password.again.setText("Fresh#2026boss")
    review.confirm()
    settled()
    assert not review.isVisible()
    assert view.model.rows[0].status == "approved"
    login(desk.store, "新主管", "Fresh#2026boss")  # the new password is the one kept


def test_escape_from_an_intake_with_input_asks_first(qtbot, window, settled, message_boxes):
    """Registration and 设置 asked; 事后报销受理 threw the typed application away."""
    from ui.qt import QMessageBox

    window.claims_action.trigger()
    view = window.post_discharge
    settled()
    view.buttons["intake"].click()
    intake = view.intake
    settled()
    intake.reject()  # nothing typed: closes without a question
    assert not intake.isVisible() and message_boxes.shown == []
    view.buttons["intake"].click()
    intake = view.intake
    settled()
    intake.fields["hospital"].setText("金华市中心医院")
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    qtbot.keyClick(intake, Qt.Key.Key_Escape)
    assert intake.isVisible() and message_boxes.shown[-1][1] == "关闭事后报销受理"
    message_boxes.answer = QMessageBox.StandardButton.Discard
    intake.reject()
    assert not intake.isVisible()
