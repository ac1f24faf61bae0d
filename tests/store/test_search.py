"""Finding a case as a clerk types it: names by pinyin or initials in any case, 住院号 in
any case; people registered before the spelling columns existed are found too."""

from datetime import datetime

import pytest
from sqlalchemy import text

from app.services import register_admission, search_people
from app.services.records import find_admission
from db import open_store
from db.engine import make_engine
from db.migrate import downgrade
from tests.store.helpers import admission, person

NOW = datetime(2026, 3, 1, 10)


@pytest.fixture(autouse=True)
def site(make_site):
    return make_site()


def _names(store, typed: str) -> list[str]:
    with store.read() as session:
        return [p.name for p in search_people(session, typed)]


def test_a_name_is_found_by_its_pinyin_and_initials_in_any_case(store):
    register_admission(store, admission(person(1, name="张三"), "ZY1"), clerk="王", now=NOW)
    register_admission(store, admission(person(2, name="曾小明"), "ZY2"), clerk="王", now=NOW)
    register_admission(store, admission(person(3, name="李四"), "ZY3"), clerk="王", now=NOW)
    for typed in ("zs", "ZS", "zhangsan", "ZHANGSAN", "zhang"):
        assert _names(store, typed) == ["张三"], typed
    assert _names(store, "zxm") == ["曾小明"]  # the surname's reading, not ceng
    assert _names(store, "zengx") == ["曾小明"]
    assert _names(store, "z") == ["张三", "曾小明"]
    assert _names(store, "wangwu") == []
    assert _names(store, "张") == ["张三"]


def test_an_admission_number_is_found_in_any_case(store):
    register_admission(store, admission(person(1), "DTEZ01003"), clerk="王", now=NOW)
    with store.read() as session:
        assert find_admission(session, "dtez01003").admission_number == "DTEZ01003"
        assert find_admission(session, " Dtez01003 ").admission_number == "DTEZ01003"
        assert find_admission(session, "dtez0100") is None


def test_an_admission_number_is_one_in_any_case_or_width(store):
    """zy001 beside ZY001 (or ＯＫ1 beside OK1, typed in 全角) would be two stays that one
    search by 住院号 cannot tell apart."""
    from app.services import ServiceError

    register_admission(store, admission(person(1), "ZY\u3000001"), clerk="王", now=NOW)
    register_admission(store, admission(person(2), "OK1"), clerk="王", now=NOW)
    for who, typed in ((3, "zy\u3000001"), (4, "ＯＫ1"), (5, "ok1")):
        with pytest.raises(ServiceError, match="已登记过") as taken:
            register_admission(store, admission(person(who), typed), clerk="王", now=NOW)
        assert taken.value.field == "admission_number"
    with store.read() as session:
        assert find_admission(session, "zy 001").admission_number == "ZY 001"
        # typed in 全角 at the search too, as registration stored it
        assert find_admission(session, "ｚｙ\u3000００１").admission_number == "ZY 001"


def test_people_stored_before_the_upgrade_are_found_by_pinyin(store, store_target, tmp_path):
    register_admission(store, admission(person(1, name="张三"), "ZY1"), clerk="王", now=NOW)
    store.close()
    engine = make_engine(store_target)
    downgrade(engine, "0006")
    with engine.begin() as connection:
        connection.execute(text("UPDATE person SET name = '吕布'"))
    engine.dispose()
    reopened = open_store(store_target, data_dir=tmp_path)
    try:
        assert _names(reopened, "lvbu") == ["吕布"]
        assert _names(reopened, "LB") == ["吕布"]
    finally:
        reopened.close()
