"""``python -m app demo``: fictitious people under all five policies, refreshed idempotently."""

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from app.cli import main
from app.identity import parse_resident_id
from app.services import register_admission, save_site
from db import open_store
from db.models import Person, Settlement
from tests.store.helpers import admission, person


def test_demo_covers_every_policy_and_refreshing_adds_nothing(tmp_path, capsys, policies):
    path = tmp_path / "demo.sqlite3"
    assert main(["demo", "--db", str(path)]) == 0
    first = capsys.readouterr().out
    assert "已新建数据库" in first
    assert main(["demo", "--db", str(path)]) == 0
    assert "本次新增 0 张" in capsys.readouterr().out
    store = open_store(path)
    with store.read() as session:
        people = session.scalars(select(Person)).all()
        settlements = session.scalars(select(Settlement)).all()
    store.close()
    assert {row.policy_id for row in settlements} == set(policies)
    assert all(person.name.startswith("测试") for person in people)
    assert all(parse_resident_id(person.id_number).sex == person.sex for person in people)
    assert any(row.voided for row in settlements)
    assert any(row.admission_id is None for row in settlements)
    for row in settlements:
        result = json.loads(row.result_json)
        assert result["assistance"] == str(row.assistance)
        assert result["policy"] == row.policy_id


def test_demo_will_not_write_into_a_real_database(tmp_path, capsys):
    path = tmp_path / "real.sqlite3"
    store = open_store(path)
    save_site(
        store,
        code="LX09",
        name="真实医院",
        facility="county",
        default_policy="lanxi",
        clerk="管理员",
    )
    register_admission(store, admission(person(1)), clerk="王", now=datetime(2026, 3, 1, 10))
    store.close()
    assert main(["demo", "--db", str(path)]) == 1
    assert "不是演示数据库" in capsys.readouterr().err


def test_the_top_level_db_option_is_honoured(tmp_path, capsys):
    path = tmp_path / "top.sqlite3"
    assert main(["--db", str(path), "demo"]) == 0
    assert str(path) in capsys.readouterr().out
    assert path.exists()


def test_demo_settlements_are_dated_at_discharge_and_jingjiang_is_a_grassroots_window(
    tmp_path, policies
):
    from db.models import Admission, Site

    path = tmp_path / "demo.sqlite3"
    assert main(["demo", "--db", str(path)]) == 0
    store = open_store(path)
    with store.read() as session:
        jingjiang = session.get(Site, "JJ01")
        rows = session.execute(
            select(Settlement, Admission).outerjoin(
                Admission, Settlement.admission_id == Admission.id
            )
        ).all()
    store.close()
    # 第十四条: 市级定点 hospitals (靖江市人民医院 …) are reimbursed after discharge; the demo's
    # window advances, so it must be a 基层 one.
    assert jingjiang.facility == "grassroots" and "人民医院" not in jingjiang.name
    for settlement, stay in rows:
        if stay is not None:
            # Settled at discharge (a void and its resettlement follow within the hour).
            assert stay.discharged_at <= settlement.settled_at
            assert (settlement.settled_at - stay.discharged_at).total_seconds() < 3600
        else:
            assert settlement.settled_at.date() == settlement.claim_date
    jingjiang_results = [
        json.loads(s.result_json) for s, _ in rows if s.policy_id == "jingjiang" and s.eligible
    ]
    assert jingjiang_results and all(r["settle_mode"] == "instant" for r in jingjiang_results)


def test_a_demo_store_is_marked_queues_nothing_and_never_syncs(tmp_path, capsys):
    from app.store_guard import is_demo_store
    from app.sync import run_once, status
    from db.sync_models import OutboxEntry

    path = tmp_path / "demo.sqlite3"
    assert main(["demo", "--db", str(path)]) == 0
    assert "演示数据库，不会同步到中心" in capsys.readouterr().out
    store = open_store(path)
    try:
        assert is_demo_store(store)
        with store.read() as session:
            assert session.scalars(select(OutboxEntry)).all() == []
        central = tmp_path / "central"
        central.mkdir()
        report = run_once(store, central)
        assert not report.ok and "演示数据库" in report.error
        assert status(store).last_error == report.error
        assert list(central.rglob("*")) == []  # nothing reached the county's folder
    finally:
        store.close()
    assert main(["sync", "--once", "--db", str(path), "--central", str(central)]) == 1
    assert "同步失败：这是演示数据库" in capsys.readouterr().err
    assert list(central.rglob("*")) == []


def test_a_demo_killed_half_built_leaves_no_store(tmp_path, monkeypatch):
    import app.demo
    from app.demo import create_demo_store

    path = tmp_path / "demo.sqlite3"

    def killed(*_args):
        raise KeyboardInterrupt  # stands for the clerk closing the window mid-way

    monkeypatch.setattr(app.demo, "_outpatient", killed)
    with pytest.raises(KeyboardInterrupt):
        create_demo_store(path)
    assert list(tmp_path.iterdir()) == []
