"""Look-ups run as prepared statements (db.prepared) read exactly what the ORM reads, see what
their own session wrote, and raise SQLAlchemy's errors; on SQLite and PostgreSQL."""

from datetime import datetime

import pytest
from sqlalchemy import exc, select, text

from app.services import admission_by_number, find_admission, register_admission
from db.models import Admission
from db.prepared import Prepared
from tests.store.helpers import admission, person

NOW = datetime(2026, 3, 1, 10)


@pytest.fixture(autouse=True)
def site(make_site):
    return make_site()


def test_the_row_holds_what_the_orm_object_holds(store):
    stay = admission(person(1), "ZY7", admitted_at=datetime(2026, 2, 27, 8, 30))
    registered = register_admission(store, stay, clerk="王", now=NOW)
    with store.read() as session:
        row = find_admission(session, "zy7", "LX01")
        loaded = session.get(Admission, registered.admission_id)
        assert admission_by_number(session, "zy7", "LX01") is loaded
    assert row.id == registered.admission_id
    for column in Admission.__table__.columns:
        value, expected = getattr(row, column.key), getattr(loaded, column.key)
        assert (value, type(value)) == (expected, type(expected)), column.key
    assert row.admitted_at == datetime(2026, 2, 27, 8, 30)
    assert row.referral_approved is False and row.discharged_at is None


def test_a_look_up_sees_what_its_own_session_changed_and_nothing_else_sees_before_commit(store):
    register_admission(store, admission(person(1), "ZY8"), clerk="王", now=NOW)
    with store.write() as session:
        admission_by_number(session, "ZY8").diagnosis = "股骨颈骨折"  # not flushed yet
        assert find_admission(session, "ZY8").diagnosis == "股骨颈骨折"
        with store.read() as other:
            assert find_admission(other, "ZY8").diagnosis == "社区获得性肺炎"
    with store.read() as session:
        assert find_admission(session, "ZY8").diagnosis == "股骨颈骨折"


def test_a_database_error_is_raised_as_sqlalchemys(store):
    broken = Prepared(select(Admission.__table__).where(text("no_such_column = 1")), "Broken")
    with store.read() as session, pytest.raises(exc.DBAPIError) as raised:
        broken.rows(session, {})
    assert "no_such_column" in str(raised.value)


def test_a_value_rendered_at_run_time_is_refused_when_compiled(store):
    table = Admission.__table__
    listed = Prepared(select(table).where(table.c.id.in_([1, 2])), "Listed")
    with store.read() as session, pytest.raises(ValueError, match="Listed"):
        listed.rows(session, {})
