"""Small builders for store tests: fictitious people with valid ID numbers, admissions."""

from datetime import date, datetime

from sqlalchemy import func, select

from app.identity import make_resident_id
from app.services import AdmissionInput, ItemUpdate, PersonInput, checklist, update_item
from db.models import Base

REGIONS = {
    "taierzhuang": "370405",
    "lanxi": "330781",
    "weihai": "371002",
    "jingjiang": "321282",
    "hunan": "430102",
}


def person(sequence=1, policy="lanxi", sex="F", born=date(1958, 4, 9), name=None):
    number = make_resident_id(REGIONS[policy], born, sequence, sex)
    return PersonInput(
        id_number=number,
        name=name or f"测试{sequence}",
        sex="女" if sex == "F" else "男",
        birth_date=born,
    )


def admission(who, number="ZY001", admitted_at=datetime(2026, 3, 1, 9, 0), **overrides):
    values = {
        "person": who,
        "admission_number": number,
        "admitted_at": admitted_at,
        "department": "内科",
        "diagnosis": "社区获得性肺炎",
        "category": "minimum_living",
        "insurance": "resident",
        "off_roster_reason": "名册尚未下发",
    }
    values.update(overrides)
    return AdmissionInput(**values)


def tick_all(store, admission_id):
    with store.read() as session:
        items = checklist(session, admission_id)
    for item in items:
        update_item(store, item.id, ItemUpdate(original_sighted=True, copy_kept=True), clerk="王")


def snapshot(store) -> dict[str, list[tuple]]:
    """Every row of every table: compared before and after a refused call."""
    with store.read() as session:
        return {
            table.name: sorted(map(tuple, session.execute(select(table))), key=repr)
            for table in Base.metadata.sorted_tables
        }


def count(store, model) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def lanxi_window(path):
    """A window's store at ``path`` (its data folder beside it) with its 兰溪 county site
    LX01, as the backup and restore tests start from; the caller closes it."""
    from app.services import save_site
    from db import open_store

    store = open_store(path)
    save_site(
        store,
        code="LX01",
        name="测试医院",
        facility="county",
        default_policy="lanxi",
        clerk="管理员",
    )
    return store
