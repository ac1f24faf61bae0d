"""Slips archived when they are made (issue 18, point 2): the desk archives the bundle's form
of a slip at the settlement and at the void, asking again gives the same bytes, the bundle
copies the archived file, and a settlement from before the archive gets one when first needed."""

import hashlib
import io
from datetime import date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.accounts.service import login
from app.bundle.export import default_slip_renderer, export_bundle
from app.bundle.manifest import verify_bundle
from app.printing import slip_archive
from app.printing.slip_archive import SETTLED, VOIDED, archived_slip_bytes, slip_file_path
from app.services import (
    Amounts,
    DischargeInput,
    register_admission,
    save_site,
    settle_discharge,
)
from app.services.errors import ServiceError
from db.models import ArchivedSlip, Settlement
from tests.store.helpers import admission, person, tick_all

SUPERVISOR, SUPERVISOR_PW = "王主管", "Zhuguan#2026x"


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return "".join(page.extract_text() for page in pages).replace(" ", "").replace("\n", "")


def archived_rows(store, slip_number: str) -> dict[str, ArchivedSlip]:
    with store.read() as session:
        query = (
            select(ArchivedSlip)
            .join(Settlement, ArchivedSlip.settlement_id == Settlement.id)
            .where(Settlement.slip_number == slip_number)
        )
        return {row.form: row for row in session.scalars(query)}


@pytest.fixture
def desk(tmp_path):
    """A desk on a real SQLite file (兰溪 site) with an administrator and a supervisor."""
    from app.accounts.service import change_password, create_user, login
    from app.desk import Desk

    opened = Desk.open(str(tmp_path / "desk.sqlite3"), "测试经办")
    opened.save_site("LX01", "兰溪市人民医院（测试）", "county", "lanxi")
    create_user(opened.store, None, "管理员", "administrator", "Guanli#2026x")
    admin = login(opened.store, "管理员", "Guanli#2026x")
    create_user(opened.store, admin, SUPERVISOR, "supervisor", "Chushi#2026x")
    change_password(opened.store, SUPERVISOR, "Chushi#2026x", SUPERVISOR_PW)
    create_user(opened.store, admin, "测试经办", "clerk", "Chushi#2026x")
    change_password(opened.store, "测试经办", "Chushi#2026x", "Jingban#2026x")
    opened.sign_in("测试经办", "Jingban#2026x")
    yield opened
    opened.close()


def registered(store, sequence: int) -> int:
    form = admission(person(sequence), number=f"ZY{sequence:04d}", admitted_at=datetime(2026, 3, 1))
    registration = register_admission(store, form, clerk="王", now=datetime(2026, 3, 1, 10))
    tick_all(store, registration.admission_id)
    return registration.admission_id


def settle_at_desk(desk, sequence: int) -> str:
    admission_id = registered(desk.store, sequence)
    claim = {"total": "9000.00", "basic_insurance": "5000.00"}
    case = desk.discharge_case(admission_id)
    return desk.settle(case, claim, None, datetime(2026, 3, 6, 10))


def settle_before_archiving(store, sequence: int) -> str:
    """Settled through the service alone, as every settlement was before slips were archived."""
    admission_id = registered(store, sequence)
    row = settle_discharge(
        store,
        DischargeInput(
            admission_id, datetime(2026, 3, 6, 10), Amounts("9000.00", basic_insurance="5000.00")
        ),
        clerk="王",
    )
    return row.slip_number


def export(desk, target, **options):
    target.mkdir(exist_ok=True)
    _, period = desk.claim_period("lanxi", date.today())
    return export_bundle(
        desk.store, desk.policies, period_text=period, target_dir=target, **options
    )


def test_a_settlement_at_the_desk_archives_its_slip_and_a_reprint_is_the_same_bytes(desk):
    slip = settle_at_desk(desk, 1)
    rows = archived_rows(desk.store, slip)
    assert set(rows) == {SETTLED}
    path = slip_file_path(desk.store, rows[SETTLED].sha256)
    kept = path.read_bytes()
    assert hashlib.sha256(kept).hexdigest() == rows[SETTLED].sha256 == path.name
    assert rows[SETTLED].size == len(kept)
    text = text_of(kept)
    assert slip in text and "第二联医院留存" in text and "第一联" not in text
    assert "补打" not in text and "作废" not in text

    desk.record_print(slip)  # printed at the window: the next print there says 补打 …
    # … and the hospital's name changed since
    save_site(
        desk.store,
        code="LX01",
        name="兰溪市第一人民医院",
        facility="county",
        default_policy="lanxi",
        clerk=login(desk.store, SUPERVISOR, SUPERVISOR_PW),
    )
    again = archived_slip_bytes(desk.store, slip)
    assert again == kept  # the archived slip is what was issued, byte for byte
    with desk.store.read() as session:
        fresh = default_slip_renderer(session, slip)
    assert fresh != kept and "兰溪市第一人民医院" in text_of(fresh)
    assert "兰溪市第一人民医院" not in text_of(again)


def test_a_void_archives_the_voided_form_beside_the_slip_as_issued(desk):
    slip = settle_at_desk(desk, 2)
    issued = archived_slip_bytes(desk.store, slip)
    desk.void(slip, "金额录入错误", SUPERVISOR, SUPERVISOR_PW)
    rows = archived_rows(desk.store, slip)
    assert set(rows) == {SETTLED, VOIDED}
    voided = slip_file_path(desk.store, rows[VOIDED].sha256).read_bytes()
    assert "作废" in text_of(voided) and "金额录入错误" in text_of(voided)
    assert archived_slip_bytes(desk.store, slip, form=SETTLED) == issued
    assert archived_slip_bytes(desk.store, slip) == voided  # its form now is the voided one


def test_the_bundle_copies_the_archived_slips(desk, tmp_path, monkeypatch):
    kept, voided = settle_at_desk(desk, 3), settle_at_desk(desk, 4)
    desk.void(voided, "重复结算", SUPERVISOR, SUPERVISOR_PW)
    archived = {slip: archived_slip_bytes(desk.store, slip) for slip in (kept, voided)}

    def never(*_args, **_kwargs):
        raise AssertionError("the export rendered a slip that was archived")

    monkeypatch.setattr(slip_archive, "render_canonical", never)
    report = export(desk, tmp_path / "usb")
    for slip, data in archived.items():
        assert (report.path / "cases" / slip / "slip.pdf").read_bytes() == data
    assert verify_bundle(report.path).ok


def test_a_settlement_made_before_the_archive_gets_one_when_first_needed(desk, tmp_path):
    slip = settle_before_archiving(desk.store, 5)
    assert archived_rows(desk.store, slip) == {}
    seen = []
    report = export(desk, tmp_path / "usb", progress=seen.append)
    rows = archived_rows(desk.store, slip)
    assert set(rows) == {SETTLED}
    bundled = (report.path / "cases" / slip / "slip.pdf").read_bytes()
    assert bundled == slip_file_path(desk.store, rows[SETTLED].sha256).read_bytes()
    assert "正在存档结算单" in {step.stage for step in seen}
    # rendered once: asking again copies the file
    assert archived_slip_bytes(desk.store, slip) == bundled


def test_progress_counts_up_to_the_total_with_the_time_left(desk, tmp_path):
    for sequence in (6, 7):
        settle_at_desk(desk, sequence)
    settle_before_archiving(desk.store, 8)
    seen = []
    export(desk, tmp_path / "usb", progress=seen.append)
    assert len(seen) >= 3
    assert len({step.total for step in seen}) == 1
    done = [step.done for step in seen]
    assert done == sorted(done) and done[0] < done[-1] == seen[-1].total
    stages = [step.stage for step in seen]
    assert stages.index("正在存档结算单") < stages.index("正在写入并校验")
    # the reports are made once the case files are written, then their own files are written
    reports = stages.index("正在制作报表")
    assert stages.index("正在写入并校验") < reports < len(stages) - 1
    assert stages[-1] == "正在写入并校验"
    assert seen[-1].describe().endswith("已完成 100%")
    assert all(step.seconds_left is not None for step in seen if step.done)


def test_a_damaged_archived_slip_stops_the_export_and_names_it(desk, tmp_path):
    slip = settle_at_desk(desk, 9)
    row = archived_rows(desk.store, slip)[SETTLED]
    path = slip_file_path(desk.store, row.sha256)
    path.write_bytes(path.read_bytes()[:-10])
    target = tmp_path / "usb"
    with pytest.raises(ServiceError, match=f"结算单 {slip} 的存档文件已损坏"):
        export(desk, target)
    assert list(target.iterdir()) == []
    with desk.store.read() as session:
        assert session.scalar(select(Settlement.claimed_bundle)) is None


def test_the_command_line_keeps_one_progress_line_on_a_terminal_only():
    from app.bundle.progress import ExportProgress
    from app.commands.bundle import progress_line

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert progress_line(io.StringIO()) is None  # a pipe or a log file: the outcome only
    terminal = Terminal()
    show = progress_line(terminal)
    show(ExportProgress("正在存档结算单", 40, 200, 12.2))
    show(ExportProgress("正在写入并校验", 200, 200, 0.0))
    lines = terminal.getvalue().split("\r")
    assert lines[1].startswith("正在存档结算单：已完成 20%，预计还需 13 秒")
    assert lines[2].rstrip() == "正在写入并校验：已完成 100%"
    assert terminal.getvalue().endswith("\n")


def test_the_time_left_is_the_time_so_far_per_unit_times_the_units_left():
    from app.bundle.progress import ProgressMeter

    now = [100.0]
    seen = []
    meter = ProgressMeter(seen.append, 10, clock=lambda: now[0])
    meter.enter("正在写入并校验")
    now[0] += 2.0
    meter.advance(4)  # 2 s for 4 units: 0.5 s a unit, 6 left
    now[0] += 0.01
    meter.advance(1)  # within 0.1 s of the last: not told
    now[0] += 1.0
    meter.finish()
    assert [(step.done, step.seconds_left) for step in seen] == [(0, None), (4, 3.0), (10, 0.0)]
    assert seen[1].describe() == "正在写入并校验：已完成 40%，预计还需 3 秒"


def test_an_outpatient_settlement_at_the_desk_archives_its_slip(desk, tmp_path):
    from app.forms import Amounts as FormAmounts
    from app.forms import OutpatientVisitInput, PersonInput
    from app.identity import make_resident_id

    papers = dict.fromkeys(
        ("id_card", "beneficiary_certificate", "invoice", "insurance_slip"), (True, True)
    )
    form = OutpatientVisitInput(
        person=PersonInput(make_resident_id("330781", date(1950, 1, 1), 31, "F"), "门诊甲"),
        visit_date=date.today(),
        visit="outpatient_general",
        category="destitute",
        insurance="resident",
        diagnosis="",
        amounts=FormAmounts("800.00", basic_insurance="300.00"),
        papers=papers,
        off_roster_reason="名册尚未下发",
    )
    slip = desk.settle_outpatient(form)
    rows = archived_rows(desk.store, slip)
    assert set(rows) == {SETTLED}
    kept = slip_file_path(desk.store, rows[SETTLED].sha256).read_bytes()
    assert slip in text_of(kept) and "就诊日期" in text_of(kept)
    # In the claim report the visit has no 住院号: its kind stands there, clear of the 总费用
    # (a total under 1000 ran into the record's own number, and verify-bundle refused it).
    report = export(desk, tmp_path / "usb")
    assert verify_bundle(report.path).ok
    from app.bundle.manifest import _pdf_lines

    (row,) = [
        line for line in _pdf_lines((report.path / "report.pdf").read_bytes()) if slip in line
    ]
    assert "普通门诊 800.00 500.00 500.00 500.00" in row and "门诊-" not in row
