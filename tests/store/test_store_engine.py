"""The store itself: connection settings, transactions, migrations, exact money, protected rows."""

import sqlite3
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select, text
from sqlalchemy.exc import DBAPIError, StatementError

from db import open_store
from db.engine import make_engine
from db.migrate import head_revision, upgrade
from db.models import AuditEvent, Setting, Site
from db.types import Money


def test_sqlite_connections_are_set_up_every_time(tmp_path):
    store = open_store(tmp_path / "desk.sqlite3")
    for _ in range(2):
        with store.engine.connect() as connection:
            pragma = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
        store.engine.dispose()  # the next round gets a brand-new connection
        assert pragma == {
            "journal_mode": "wal",
            "synchronous": 2,
            "foreign_keys": 1,
            "busy_timeout": 10_000,
        }


def test_a_read_transaction_sees_one_snapshot(tmp_path):
    """pysqlite would not BEGIN before a SELECT; we do, so reads inside one session agree."""
    path = tmp_path / "desk.sqlite3"
    store = open_store(path)
    with store.write() as session:
        session.add(Setting(key="a", value="1"))
    with store.read() as session:
        before = session.scalars(select(Setting.key)).all()
        other = sqlite3.connect(path)
        other.execute("INSERT INTO setting(key, value) VALUES ('b', '2')")
        other.commit()
        other.close()
        assert session.scalars(select(Setting.key)).all() == before
    with store.read() as session:
        assert sorted(session.scalars(select(Setting.key).where(Setting.key != "store_id"))) == [
            "a",
            "b",
        ]


def test_a_rolled_back_write_leaves_nothing(store):
    with pytest.raises(RuntimeError), store.write() as session:
        session.add(Setting(key="half", value="done"))
        session.flush()
        raise RuntimeError("power cut")
    with store.read() as session:
        assert session.get(Setting, "half") is None


def test_new_store_reports_creation_and_reopening_reports_nothing(store_target, tmp_path):
    first = open_store(store_target, data_dir=tmp_path)
    assert first.migration.before is None
    assert first.migration.message == f"已新建数据库（版本 {head_revision()}）"
    first.close()
    again = open_store(store_target, data_dir=tmp_path)
    assert not again.migration.changed
    again.close()


def test_a_store_at_head_opens_without_alembic(tmp_path):
    """Issue 18, point 5: alembic (17 MB with Mako) is imported only to migrate; the head is
    read from the migration files as alembic reads it."""
    import subprocess
    import sys

    from db.migrate import _named_head

    assert _named_head() == head_revision()
    path = tmp_path / "desk.sqlite3"
    open_store(path).close()
    child = (
        "import sys; from db import open_store; store = open_store(sys.argv[1]); "
        "print(store.migration.changed, 'alembic' in sys.modules); store.close()"
    )
    done = subprocess.run(
        [sys.executable, "-c", child, str(path)], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "False"]


def test_older_database_is_upgraded_and_says_so(store_target, tmp_path):
    engine = make_engine(store_target)
    upgrade(engine, target="0001")
    engine.dispose()
    store = open_store(store_target, data_dir=tmp_path)
    assert store.migration.message == f"数据库已从版本 0001 升级到 {head_revision()}"
    store.close()


def test_money_round_trips_exactly(store):
    probe = Table(
        "money_probe",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("amount", Money()),
    )
    probe.create(store.engine)
    amounts = [Decimal("0.10"), Decimal("0.20"), Decimal("123456789012.34"), Decimal("0.07")]
    with store.write() as session:
        session.execute(probe.insert(), [{"amount": amount} for amount in amounts])
    with store.read() as session:
        stored = session.scalars(select(probe.c.amount).order_by(probe.c.id)).all()
    assert stored == amounts
    assert all(isinstance(amount, Decimal) for amount in stored)
    assert sum(stored) == Decimal("123456789012.71")


def test_money_with_more_than_two_decimals_is_refused_not_rounded(store):
    probe = Table(
        "money_probe",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("amount", Money()),
    )
    probe.create(store.engine)
    with store.write() as session:
        session.execute(probe.insert(), [{"amount": Decimal("5.00")}])
    for amount in (Decimal("0.005"), "12.345", Decimal("1.0000001")):
        with pytest.raises(StatementError, match="超过两位小数"), store.write() as session:
            session.execute(probe.insert(), [{"amount": amount}])
    with store.read() as session:
        stored = session.scalars(select(probe.c.amount)).all()
    assert stored == [Decimal("5.00")]  # nothing rounded in; what was saved is still there
    with store.write() as session:  # trailing zeros are still two decimals' worth
        session.execute(probe.insert(), [{"amount": Decimal("7.500")}])
    with store.read() as session:
        assert session.scalar(select(probe.c.amount).where(probe.c.id == 2)) == Decimal("7.50")


def test_audit_events_cannot_be_changed_or_deleted(store):
    with store.write() as session:
        session.add(
            AuditEvent(
                at=datetime(2026, 1, 1),
                clerk="甲",
                action="create",
                entity="person",
                entity_id="1",
                changes_json="{}",
            )
        )
    for statement in ("UPDATE audit_event SET clerk = '乙'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="审计记录不可"), store.write() as session:
            session.execute(text(statement))
    with store.read() as session:
        assert session.scalars(select(AuditEvent.clerk)).all() == ["甲"]


def test_foreign_keys_are_enforced(store):
    from db.models import SlipCounter

    with pytest.raises(DBAPIError), store.write() as session:
        session.add(SlipCounter(site_code="NOSUCH", year=2026, last_number=1))
    with store.read() as session:
        assert session.scalars(select(Site)).all() == []


def test_the_database_can_be_chosen_by_a_setting(tmp_path, monkeypatch):
    from app.paths import database_target

    monkeypatch.setenv("ONESTOP_DB", str(tmp_path / "shared.sqlite3"))
    store = open_store(database_target())
    assert store.engine.url.database == str(tmp_path / "shared.sqlite3")
    assert store.data_dir == tmp_path
    store.close()


def test_upgrading_keeps_the_records_already_there(store_target, tmp_path):
    engine = make_engine(store_target)
    upgrade(engine, target="0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO site(code, name, facility, default_policy, created_at) "
                "VALUES ('OLD01', '旧库医院', 'county', 'lanxi', :at)"
            ),
            {"at": datetime(2025, 1, 1)},
        )
    engine.dispose()
    store = open_store(store_target, data_dir=tmp_path)
    assert store.migration.before == "0001"
    with store.read() as session:
        assert session.get(Site, "OLD01").name == "旧库医院"
    store.close()


def test_a_table_rebuild_keeps_rows_other_tables_point_at(store, store_target, tmp_path):
    """Migration 0006 rebuilds ``admission`` on SQLite while checklist rows refer to it."""
    from app.services import register_admission, save_site
    from db.migrate import downgrade
    from db.models import Admission, ChecklistItem
    from tests.store.helpers import admission, count, person

    save_site(
        store, code="LX01", name="医院", facility="county", default_policy="lanxi", clerk="管理员"
    )
    register_admission(store, admission(person(1)), clerk="王", now=datetime(2026, 3, 1, 10))
    items = count(store, ChecklistItem)
    store.close()
    downgrade(make_engine(store_target), "0005")
    reopened = open_store(store_target, data_dir=tmp_path)
    assert reopened.migration.message.startswith("数据库已从版本 0005 升级到")
    assert (count(reopened, Admission), count(reopened, ChecklistItem)) == (1, items)
    if reopened.dialect == "sqlite":
        with reopened.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    reopened.close()


def test_the_migrations_build_exactly_the_models(store):
    """A model changed without a migration (or the reverse) shows up here."""
    import importlib
    import pkgutil

    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    import db as db_package
    from db.models import Base

    for module in pkgutil.iter_modules(db_package.__path__):
        importlib.import_module(f"db.{module.name}")
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_a_postgresql_engine_gives_the_partial_indexes_their_condition():
    # The models name only SQLite's condition, so a SQLite window never imports the
    # PostgreSQL dialect; a PostgreSQL engine gives it the same one (issue 18, point 5).
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex

    from db.engine import make_engine
    from db.models import Admission, PaidLaterClaim

    make_engine("postgresql://clerk@localhost/desk").dispose()  # connects to nothing yet
    created = {
        index.name: str(CreateIndex(index).compile(dialect=postgresql.dialect()))
        for model in (Admission, PaidLaterClaim)
        for index in model.__table__.indexes
    }
    assert created["uq_admission_open_per_person"].endswith(
        "WHERE discharged_at IS NULL AND cancelled_at IS NULL"
    )
    assert created["uq_paid_later_claim_live_stay"].endswith("WHERE status <> 'returned'")
