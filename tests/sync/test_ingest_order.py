"""Central ingest applies a window's changes in the order the window made them, so any valid
sequence at the window (cancel and register again, discharge and readmit) goes in; a package
that still cannot go in is set aside with its reason, and the other windows go on."""

from datetime import datetime

from sqlalchemy import select

from app.services import (
    Amounts,
    DischargeInput,
    cancel_admission,
    register_admission,
    save_site,
    settle_discharge,
)
from app.sync import ingest, run_once
from app.sync.state import WINDOW_ID
from db import open_store
from db.models import Admission, Person, Setting
from tests.store.helpers import admission, person, tick_all

CLERK = "王"
NOW = datetime(2026, 12, 1, 9)


def _admissions(store):
    with store.read() as session:
        rows = session.scalars(select(Admission).order_by(Admission.admission_number))
        return [
            (a.admission_number, a.discharged_at is not None, a.cancelled_at is not None)
            for a in rows
        ]


def _readmit(window, who, first, second, day):
    """Admit, discharge and settle, then admit again: the second admission stays open."""
    form = admission(who, number=first, admitted_at=day)
    admission_id = register_admission(window, form, clerk=CLERK, now=day).admission_id
    tick_all(window, admission_id)
    out = day.replace(day=day.day + 5)
    discharge = DischargeInput(admission_id, out, Amounts("5000.00", "0", "2000.00", "0"))
    settle_discharge(window, discharge, clerk=CLERK, now=NOW)
    again = admission(who, number=second, admitted_at=out.replace(day=out.day + 2))
    register_admission(window, again, clerk=CLERK, now=NOW)


def test_cancel_and_register_again_in_one_interval_goes_in(
    central_store, central_folder, make_window
):
    window = make_window("LX01")
    who = person(1)
    day = datetime(2026, 3, 1, 9)
    wrong = register_admission(window, admission(who, number="ZY1"), clerk=CLERK, now=day)
    cancel_admission(window, wrong.admission_id, reason="住院号录错", clerk=CLERK, now=day)
    register_admission(window, admission(who, number="ZY2"), clerk=CLERK, now=day)
    assert run_once(window, central_folder, now=NOW).ok
    report = ingest(central_store, central_folder, now=NOW)
    assert (len(report.packages), report.problems) == (1, [])
    assert _admissions(central_store) == [("ZY1", False, True), ("ZY2", False, False)]


def test_readmission_goes_in_within_one_package_and_across_packages(
    central_store, central_folder, make_window
):
    window = make_window("LX01")
    _readmit(window, person(1), "A1", "A2", datetime(2026, 3, 1, 9))
    assert run_once(window, central_folder, now=NOW).ok
    # Across packages: the first admission went in with the last package, still open.
    register_admission(window, admission(person(2), number="B1"), clerk=CLERK, now=NOW)
    assert run_once(window, central_folder, now=NOW).ok
    first = ingest(central_store, central_folder, now=NOW)
    assert (len(first.packages), first.problems) == (2, [])
    with window.read() as session:
        open_id = session.scalar(select(Admission.id).where(Admission.admission_number == "B1"))
    tick_all(window, open_id)
    discharge = DischargeInput(
        open_id, datetime(2026, 3, 6, 9), Amounts("3000.00", "0", "1000.00", "0")
    )
    settle_discharge(window, discharge, clerk=CLERK, now=NOW)
    register_admission(
        window,
        admission(person(2), number="B2", admitted_at=datetime(2026, 3, 8, 9)),
        clerk=CLERK,
        now=NOW,
    )
    assert run_once(window, central_folder, now=NOW).ok
    second = ingest(central_store, central_folder, now=NOW)
    assert (len(second.packages), second.problems) == (1, [])
    assert _admissions(central_store) == [
        ("A1", True, False),
        ("A2", False, False),
        ("B1", True, False),
        ("B2", False, False),
    ]
    assert _admissions(central_store) == _admissions(window)


def _window(make_window, window_id, code):
    """A window whose sync id is fixed, so windows are ingested in a known order."""
    window = make_window(code)
    with window.write() as session:
        session.add(Setting(key=WINDOW_ID, value=window_id))
    return window


def test_a_refused_package_is_set_aside_and_the_other_windows_go_on(
    central_store, central_folder, make_window, tmp_path
):
    first = _window(make_window, "aaaaaaaaaaaa", "LX01")
    # A second window wrongly set up with the first one's site code and 住院号 series.
    clash = open_store(tmp_path / "clash.sqlite3", data_dir=tmp_path / "clash")
    try:
        save_site(
            clash,
            code="LX01",
            name="测试医院LX01",
            facility="county",
            default_policy="lanxi",
            clerk="管理员",
        )
        with clash.write() as session:
            session.add(Setting(key=WINDOW_ID, value="bbbbbbbbbbbb"))
        third = _window(make_window, "cccccccccccc", "LX02")
        register_admission(first, admission(person(1)), clerk=CLERK, now=NOW)
        register_admission(clash, admission(person(2)), clerk=CLERK, now=NOW)
        register_admission(third, admission(person(3)), clerk=CLERK, now=NOW)
        for window in (first, clash, third):
            assert run_once(window, central_folder, now=NOW).ok
        register_admission(clash, admission(person(4), number="ZY002"), clerk=CLERK, now=NOW)
        assert run_once(clash, central_folder, now=NOW).ok
        for _ in range(2):  # the next run tries it again, and says so again
            report = ingest(central_store, central_folder, now=NOW)
            [name] = report.set_aside
            assert name.startswith("LX01-bbbbbbbbbbbb-0000000001-")
            [problem] = report.problems
            assert problem.startswith(
                f"LX01/{name}：中心数据库拒绝了其中的变更：住院号与已有的住院登记重复（"
            )
            assert problem.endswith(
                "已搁置（未导入任何内容，下次导入时重试），该窗口的此包及其后 1 个包暂不导入"
            )
        assert _admissions(central_store) == [("ZY001", False, False)] * 2
    finally:
        clash.close()


def test_a_package_with_over_long_text_is_set_aside_not_a_crash(
    central_store, central_folder, make_window
):
    window = make_window("LX01")
    register_admission(window, admission(person(1)), clerk=CLERK, now=NOW)
    assert run_once(window, central_folder, now=NOW).ok
    # A window of an older version kept a name of any length (SQLite does not check).
    with window.write() as session:
        row = session.scalar(select(Person))
        row.name = "长" * 100_000
    assert run_once(window, central_folder, now=NOW).ok
    report = ingest(central_store, central_folder, now=NOW)
    assert len(report.packages) == 1
    [name] = report.set_aside
    [problem] = report.problems
    assert problem.startswith(f"LX01/{name}：第2行（序号 ")
    assert "person.name：长度 100000 个字符，超过上限 50" in problem
    with central_store.read() as session:
        assert session.scalar(select(Person.name)) == "测试1"
