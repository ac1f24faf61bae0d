"""A window's run against the central folder: an unreachable folder keeps the queue and backs
off; rosters and the year-to-date file are pulled, malformed ones reported and skipped."""

import hashlib
import json
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.services import Amounts, OutpatientInput, import_roster, settle_outpatient
from app.services.people import find_person, status_history
from app.sync import publish, run_if_due, run_once, set_central_folder, status
from db.sync_models import OutboxEntry, PaidElsewhere
from tests.store.helpers import person

NOW = datetime(2026, 5, 2, 9)


def _visit(window, who):
    form = OutpatientInput(
        person=who,
        visit_date=date(2026, 5, 1),
        visit="outpatient_general",
        category="minimum_living",
        insurance="resident",
        amounts=Amounts("300.00", basic_insurance="100.00"),
        off_roster_reason="名册尚未下发",
    )
    return settle_outpatient(window, form, clerk="王", now=NOW)


def done_time(minutes):
    return NOW + timedelta(minutes=minutes)


def test_an_unreachable_folder_keeps_the_queue_and_backs_off(make_window, tmp_path):
    window = make_window("LX01")
    _visit(window, person(1))
    missing = tmp_path / "share"
    first = run_once(window)
    assert (first.ok, first.error) == (False, "尚未设置中心文件夹（设置→同步，或 --central）")
    set_central_folder(window, missing)
    failed = run_once(window, now=NOW)
    assert not failed.ok and failed.error.startswith(f"无法访问中心文件夹 {missing}")
    assert failed.queue_length == 2  # the person and the settlement, still queued
    again = run_once(window, now=NOW + timedelta(minutes=2))
    state = status(window)
    assert (state.failures, state.queue_length) == (3, 2)
    assert state.last_error == again.error and state.last_success is None
    assert state.next_attempt == NOW + timedelta(minutes=2) + timedelta(minutes=4)  # 1, 2, 4 …
    assert run_if_due(window, now=NOW + timedelta(minutes=5)) is None  # not yet
    missing.mkdir()
    done = run_if_due(window, now=NOW + timedelta(minutes=6))
    assert (done.ok, done.changes_sent, done.queue_length) == (True, 2, 0)
    state = status(window)
    assert (state.failures, state.last_error, state.last_success) == (0, None, done_time(6))
    assert state.next_attempt == done_time(6) + timedelta(minutes=state.interval_minutes)
    assert state.central_folder == missing


def _roster_csv(path, rows):
    lines = ["姓名,身份证号,类别,证件类型,证件号码"] + [",".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_centres_roster_is_pulled_once_and_not_sent_back(
    central_store, central_folder, make_window, tmp_path
):
    who = person(5)
    _roster_csv(tmp_path / "低保.csv", [(who.name, who.id_number, "低保对象", "低保证", "LB-5")])
    import_roster(central_store, tmp_path / "低保.csv", clerk="中心", source="区民政局")
    published = publish(central_store, central_folder, years=[2026], now=NOW)
    assert published.roster_rows == 1
    window = make_window("LX01")
    report = run_once(window, central_folder, now=NOW)
    assert (report.ok, report.rosters, report.problems) == (True, ("central-roster.csv",), ())
    with window.read() as session:
        found = find_person(session, who.id_number)
        [status_row] = status_history(session, found.id)
        assert (status_row.category, status_row.certificate_number) == ("minimum_living", "LB-5")
        assert status_row.source == "中心下发名册 central-roster.csv"
        assert list(session.scalars(select(OutboxEntry))) == []  # not echoed to the centre
    assert run_once(window, central_folder, now=NOW).rosters == ()  # the same file: once

    rosters = central_folder / "outbox" / "rosters"
    bad_id = who.id_number[:17] + ("0" if who.id_number[17] != "0" else "1")
    _roster_csv(rosters / "补充.csv", [("测试六", bad_id, "低保对象", "", "")])
    (rosters / "坏表头.csv").write_text("名字,号码\n甲,1\n", encoding="utf-8")
    report = run_once(window, central_folder, now=NOW)
    assert report.ok
    bad_header, bad_row = report.problems
    assert bad_header.startswith("名册 坏表头.csv：名册文件：表头缺少必需的列：身份证号")
    assert bad_header.endswith("，已跳过")
    assert bad_row.startswith("名册 补充.csv 第2行：身份证号：")
    assert report.problems[1].endswith("，该行已跳过")
    assert status(window).problems == report.problems


def _year_to_date_file(folder, lines, rows=None):
    body = "".join(line + "\n" for line in lines)
    header = {
        "format": "onestop-ytd/1",
        "rows": len(lines) if rows is None else rows,
        "body_sha256": hashlib.sha256(body.encode()).hexdigest(),
    }
    (folder / "outbox").mkdir(parents=True, exist_ok=True)
    (folder / "outbox" / "year_to_date.jsonl").write_text(
        json.dumps(header) + "\n" + body, encoding="utf-8"
    )


def _row(**changes):
    row = {
        "id_number": person(1).id_number,
        "year": 2026,
        "policy": "lanxi",
        "pool": "outpatient",
        "site": "LX09",
        "base": "200.00",
        "assistance": "200.00",
        "layers": {},
    }
    return json.dumps({**row, **changes}, ensure_ascii=False)


def _paid_elsewhere(window):
    with window.read() as session:
        return [(r.site_code, r.assistance) for r in session.scalars(select(PaidElsewhere))]


def test_a_malformed_year_to_date_file_is_reported_and_the_last_good_one_kept(
    make_window, central_folder
):
    window = make_window("LX01")
    # A row paid here (LX01) is counted locally already: only LX09's is kept.
    _year_to_date_file(central_folder, [_row(), _row(site="LX01", assistance="50.00")])
    assert run_once(window, central_folder, now=NOW).year_to_date_rows == 1
    assert _paid_elsewhere(window) == [("LX09", Decimal("200.00"))]

    _year_to_date_file(central_folder, [_row(site="LX08"), _row(base=150)])
    report = run_once(window, central_folder, now=NOW)
    assert report.ok and report.year_to_date_rows is None
    assert report.problems == (
        'year_to_date.jsonl 第3行：字段 base：金额应写成字符串，如 "1200.50"；'
        "整个文件已跳过，仍使用上次的年度累计",
    )
    _year_to_date_file(central_folder, [_row(pool="pharmacy")])
    assert (
        "第2行：字段 pool 应为 inpatient 或 outpatient"
        in run_once(window, central_folder).problems[0]
    )
    _year_to_date_file(central_folder, [_row(assistance="-5.00")])
    assert "第2行：字段 assistance：金额不能为负数" in run_once(window, central_folder).problems[0]
    _year_to_date_file(central_folder, [_row()], rows=3)
    assert "文件头说有 3 行，实有 1 行" in run_once(window, central_folder).problems[0]
    path = central_folder / "outbox" / "year_to_date.jsonl"
    path.write_bytes(path.read_bytes()[:-20])
    assert "SHA-256 与文件头不符" in run_once(window, central_folder).problems[0]
    assert _paid_elsewhere(window) == [("LX09", Decimal("200.00"))]

    # What other sites paid is counted in the next settlement's year-to-date.
    settled = _visit(window, person(1))
    claimed = json.loads(settled.claim_json)["year_to_date"]["outpatient"]
    assert claimed["assistance"] == "200.00"
