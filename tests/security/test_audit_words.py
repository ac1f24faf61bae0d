"""The audit trail in words: every key and code a year of window work writes is named."""

import re
from datetime import date

import pytest

from app.accounts import service as accounts
from app.accounts.service import AccountError
from app.audit_log import query_audit
from app.audit_words import describe
from app.demo import build_demo
from db import open_store

# What is left when a key or a code was not translated: a snake_case word before “：”, or a
# bare code after it.
UNNAMED_KEY = re.compile(r"(^|；)[a-z_]+：")


@pytest.fixture(scope="module")
def demo_rows(tmp_path_factory):
    store = open_store(str(tmp_path_factory.mktemp("audit") / "demo.sqlite3"))
    try:
        build_demo(store, today=date(2026, 11, 20))
        _account_events(store)
        return query_audit(store)
    finally:
        store.close()


def _account_events(store) -> None:
    """Accounts made, signed in, a wrong password, a reset and an unlock."""
    admin = accounts.create_user(store, None, "admin1", "administrator", "Admin#2026pass")
    session = accounts.login(store, "admin1", "Admin#2026pass")
    accounts.create_user(store, session, "clerk1", "clerk", "Clerk#2026pass")
    with pytest.raises(AccountError):
        accounts.login(store, "clerk1", "wrong-password")
    accounts.reset_password(store, session, "clerk1", "Reset#2026pass")
    accounts.unlock(store, session, "clerk1")
    assert admin.name == "admin1"


def test_every_event_of_the_demo_reads_in_chinese(demo_rows):
    kinds = {(row.action, row.entity) for row in demo_rows}
    assert {("create", "settlement"), ("void", "settlement"), ("change", "checklist_item")} <= kinds
    assert {("login_failed", "clerk_account"), ("create", "clerk_account")} <= kinds
    for row in demo_rows:
        cells = row.cells()
        assert not re.fullmatch(r"[a-z_]+", cells[4]), f"对象未译：{cells}"
        assert not UNNAMED_KEY.search(cells[6]), f"字段未译：{cells}"
        for code in (
            "destitute",
            "county",
            "resident",
            "taierzhuang",
            "admission_notice",
            "clerk",
            "administrator",
            "unknown",
            "changed",
            "reset",
        ):
            assert f"：{code}" not in cells[6], f"代码未译：{cells}"


def test_a_change_reads_old_to_new():
    words = describe('{"discharged_at": [null, "2026-10-25T10:00:00"], "copy_kept": [false, true]}')
    assert words == "出院时间：（空） → 2026-10-25 10:00；已留复印件：否 → 是"


def test_a_site_name_is_the_hospital_name_not_a_person_name():
    assert describe('{"name": "兰溪市人民医院"}', entity="site") == "医院名称：兰溪市人民医院"
    assert describe('{"name": "张三"}', entity="person") == "姓名：张三"
