"""A store stamped 0011 by the build that released 0011 straight after 0006 (e77911f) read as
having 0008–0010, which then never ran: migration 0016 applies what is missing, and the store
registers, settles, prints, takes claims and passes the audit check like any other."""

import importlib.util
from datetime import datetime

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from app.cli import main
from app.services import Amounts, DischargeInput, register_admission, save_site, settle_discharge
from db import open_store
from db.engine import make_engine
from db.migrate import upgrade
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
