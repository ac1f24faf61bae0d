"""Opening a hospital's store made by an older program: a copy of it is kept before its schema
changes; a store stamped 0011 by the build that released 0011 straight after 0006 (e77911f),
read as having 0008–0010 which then never ran, gets them from migration 0016 and works like any
other; an upgrade that fails, or a store from a newer program, is refused in Chinese with the
store unchanged."""

import importlib.util
import sqlite3
from datetime import datetime

import pytest
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from app.cli import main
from app.services import Amounts, DischargeInput, register_admission, save_site, settle_discharge
from db import open_store
from db.engine import make_engine
from db.migrate import MigrationError, upgrade
from db.revisions import MIGRATIONS_DIR
from tests.store.helpers import admission, person, tick_all


def _as_that_build_left_it(path) -> None:
    """0001–0006, then 0011's own change, stamped 0011."""
    engine = make_engine(str(path))
    upgrade(engine, "0006")
    script = MIGRATIONS_DIR / "versions" / "0011_name_spellings.py"
    spec = importlib.util.spec_from_file_location("name_spellings_0011", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with engine.begin() as connection:
        with Operations.context(MigrationContext.configure(connection)):
            module.upgrade()
        connection.execute(text("UPDATE alembic_version SET version_num = '0011'"))
    engine.dispose()


def test_a_store_stamped_0011_after_0006_gets_0008_to_0010(tmp_path, capsys):
    path = tmp_path / "desk.sqlite3"
    _as_that_build_left_it(path)
    store = open_store(str(path), data_dir=tmp_path)
    try:
        engine = make_engine(str(path))
        found = inspect(engine)
        assert "kind" in {c["name"] for c in found.get_columns("admission")}
        assert "version" in {c["name"] for c in found.get_columns("audit_chain")}
        assert {"paid_later_claim", "payment_batch", "audit_anchor"} <= set(found.get_table_names())
        engine.dispose()
        save_site(store, code="LX01", name="测试医院", facility="county", default_policy="lanxi",
                  clerk="王")  # fmt: skip
        admitted = datetime(2026, 3, 1, 8)
        done = register_admission(
            store, admission(person(1), "ZY1", admitted_at=admitted), clerk="王", now=admitted
        )
        tick_all(store, done.admission_id)
        slip = settle_discharge(
            store,
            DischargeInput(
                done.admission_id,
                datetime(2026, 3, 6, 8),
                Amounts(total="9000.00", basic_insurance="5000.00"),
            ),
            clerk="王",
            now=datetime(2026, 3, 6, 8),
        )
        assert slip.assistance > 0
    finally:
        store.close()
    assert main(["--db", str(path), "audit", "verify"]) == 0, capsys.readouterr()
    assert main(["--db", str(path), "claims", "list"]) == 0, capsys.readouterr()
    # the store as that build left it, to go back to
    (kept,) = (tmp_path / "backups").glob("desk-before-upgrade-0011-*.sqlite3")
    assert _revision_of(kept) == "0011"


def _revision_of(path) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        connection.close()


def test_an_upgrade_that_fails_leaves_the_store_as_it_was(tmp_path):
    path = tmp_path / "desk.sqlite3"
    _as_that_build_left_it(path)
    connection = sqlite3.connect(path)  # 0015 then cannot create its table
    connection.execute("CREATE TABLE archived_slip (id INTEGER PRIMARY KEY)")
    connection.commit()
    connection.close()
    with pytest.raises(
        MigrationError, match=r"从版本 0011 升级到 \d{4} 失败，已撤回，数据库未改动"
    ):
        open_store(str(path), data_dir=tmp_path)
    assert _revision_of(path) == "0011"
    engine = make_engine(str(path))
    assert "kind" not in {c["name"] for c in inspect(engine).get_columns("admission")}
    engine.dispose()


def test_a_store_from_a_newer_program_is_refused_unchanged(tmp_path):
    path = tmp_path / "desk.sqlite3"
    open_store(str(path), data_dir=tmp_path).close()
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '0099'")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    with pytest.raises(MigrationError, match=r"较新版本的程序.*0099.*请安装新版本"):
        open_store(str(path), data_dir=tmp_path)
    assert path.read_bytes() == before
    assert not (tmp_path / "backups").exists()
