"""The audit hash chain names an edited, a deleted and an unsealed event."""

from datetime import datetime

import pytest
from sqlalchemy import func, select, text

from app.services import Amounts, DischargeInput, audit, register_admission, settle_discharge
from db import open_store
from db.audit_chain import walk_chain
from db.models import AuditEvent
from db.security_models import AuditChainLink
from tests.security.tampering import run_untriggered
from tests.store.helpers import admission, person, tick_all


def _day(store, make_site):
    make_site()
    done = register_admission(store, admission(person(1)), clerk="王", now=datetime(2026, 3, 1, 10))
    tick_all(store, done.admission_id)
    form = DischargeInput(done.admission_id, datetime(2026, 3, 5, 9), Amounts("5000.00"))
    settle_discharge(store, form, clerk="李", now=datetime(2026, 3, 5, 10))


def _verify(store):
    with store.engine.connect() as connection:
        return walk_chain(connection, store.audit_key)


def _event_ids(store) -> list[int]:
    with store.read() as session:
        return list(session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


def test_every_event_of_a_day_is_chained(store, make_site):
    _day(store, make_site)
    report = _verify(store)
    assert report.ok, report.problems
    with store.read() as session:
        events = session.scalar(select(func.count()).select_from(AuditEvent))
        links = session.scalar(select(func.count()).select_from(AuditChainLink))
    assert report.links_checked == events == links > 5
    assert len(report.head_hash) == 64


def test_events_inserted_in_one_statement_are_chained_in_order(store, make_site):
    _day(store, make_site)
    with store.write() as session:
        ids = audit.record_many(
            session,
            clerk="李",
            action="claim",
            entity="settlement",
            changes=[(f"S{n}", {"claimed_bundle": [None, "B"]}) for n in range(1200)],
        )
        audit.record(session, clerk="李", action="change", entity="site", entity_id=1, changes={})
    assert ids == sorted(ids) and len(set(ids)) == 1200
    with store.read() as session:
        stored = {
            row.id: row.entity_id
            for row in session.execute(select(AuditEvent.id, AuditEvent.entity_id))
        }
        chained = set(session.scalars(select(AuditChainLink.event_id)))
    assert [stored[i] for i in ids] == [f"S{n}" for n in range(1200)]
    assert set(ids) < chained
    report = _verify(store)
    assert report.ok, report.problems
    victim = ids[700]
    run_untriggered(store, "UPDATE audit_event SET clerk = '王' WHERE id = :id", id=victim)
    assert [(p.kind, p.event_id) for p in _verify(store).problems] == [("edited", victim)]


def test_an_edited_event_is_named(store, make_site):
    _day(store, make_site)
    victim = _event_ids(store)[3]
    run_untriggered(
        store,
        'UPDATE audit_event SET changes_json = \'{"reason": "无"}\' WHERE id = :id',
        id=victim,
    )
    report = _verify(store)
    assert [(p.kind, p.event_id) for p in report.problems] == [("edited", victim)]
    assert f"审计记录 #{victim} 已被改动" in report.problems[0].message


def test_a_changed_clerk_or_time_is_named(store, make_site):
    _day(store, make_site)
    ids = _event_ids(store)
    run_untriggered(
        store,
        "UPDATE audit_event SET clerk = '某人' WHERE id = :first",
        "UPDATE audit_event SET at = :later WHERE id = :last",
        first=ids[1],
        last=ids[-1],
        later=datetime(2026, 3, 6, 10),
    )
    assert [(p.kind, p.event_id) for p in _verify(store).problems] == [
        ("edited", ids[1]),
        ("edited", ids[-1]),
    ]


def test_a_deleted_event_is_named(store, make_site):
    _day(store, make_site)
    victim = _event_ids(store)[2]
    run_untriggered(store, "DELETE FROM audit_event WHERE id = :id", id=victim)
    report = _verify(store)
    assert [(p.kind, p.event_id) for p in report.problems] == [("deleted", victim)]
    assert f"审计记录 #{victim} 已被删除" in report.problems[0].message


def test_an_event_deleted_with_its_link_is_found_between_its_neighbours(store, make_site):
    _day(store, make_site)
    ids = _event_ids(store)
    run_untriggered(
        store,
        "DELETE FROM audit_event WHERE id = :id",
        "DELETE FROM audit_chain WHERE event_id = :id",
        id=ids[4],
    )
    report = _verify(store)
    assert [p.kind for p in report.problems] == ["deleted"]
    assert f"审计记录 #{ids[3]} 与 #{ids[5]} 之间有 1 条记录" in report.problems[0].message


def test_events_cut_off_the_end_are_noticed(store, make_site):
    _day(store, make_site)
    last = _event_ids(store)[-1]
    run_untriggered(
        store,
        "DELETE FROM audit_event WHERE id = :id",
        "DELETE FROM audit_chain WHERE event_id = :id",
        id=last,
    )
    assert [p.kind for p in _verify(store).problems] == ["cut"]


def test_an_event_written_around_the_app_is_unsealed(store, make_site):
    _day(store, make_site)
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_event (at, clerk, action, entity, entity_id, changes_json) "
                "VALUES (:at, '某人', 'void', 'settlement', 'X', '{}')"
            ),
            {"at": datetime(2026, 3, 7)},
        )
    problems = _verify(store).problems
    assert [p.kind for p in problems] == ["unsealed"]


def test_a_rolled_back_transaction_leaves_no_link(store, make_site):
    make_site()
    with pytest.raises(RuntimeError), store.write() as session:
        from app.services import audit

        audit.record(session, clerk="王", action="create", entity="x", entity_id=1, changes={})
        session.flush()
        raise RuntimeError
    assert _verify(store).ok


def test_events_from_before_the_upgrade_are_sealed_as_found(tmp_path):
    from db.engine import make_engine
    from db.migrate import upgrade

    path = tmp_path / "old.sqlite3"
    engine = make_engine(str(path))
    upgrade(engine, "0003")
    with engine.begin() as connection:
        for n in range(3):
            connection.execute(
                text(
                    "INSERT INTO audit_event (at, clerk, action, entity, entity_id, changes_json) "
                    "VALUES (:at, '王', 'create', 'site', :n, '{}')"
                ),
                {"at": datetime(2025, 1, 1, 8, n, 0, 123456), "n": str(n)},
            )
    engine.dispose()
    store = open_store(path)
    try:
        assert store.migration.before == "0003"
        report = _verify(store)
        assert report.ok and report.links_checked == 3
    finally:
        store.close()
