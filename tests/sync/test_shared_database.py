"""Desks sharing one PostgreSQL database: one syncs while another settles, and two sync at
once. Every settlement goes through, and each change reaches the central folder once.
PostgreSQL only (skipped when TEST_POSTGRES_URL is not set): a SQLite file has one desk."""

import threading
import time
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

import app.services.settlement as settlement_module
from app.services import Amounts, OutpatientInput, save_site, settle_outpatient
from app.sync import sent_log
from app.sync.push import _PUSH_LOCK, ANOTHER_DESK_PUSHING, push
from app.sync.state import window_id
from db import open_store
from tests.store.conftest import _postgres_database
from tests.store.helpers import person

NOW = datetime(2026, 5, 2, 9)


@pytest.fixture
def two_desks(tmp_path):
    for url in _postgres_database():
        first = open_store(url, data_dir=tmp_path / "desk1")
        save_site(
            first,
            code="LX01",
            name="测试医院",
            facility="county",
            default_policy="lanxi",
            clerk="管理员",
        )
        second = open_store(url, data_dir=tmp_path / "desk2")
        yield first, second
        second.close()
        first.close()


def _visit(desk, n):
    form = OutpatientInput(
        person=person(n),
        visit_date=date(2026, 5, 1),
        visit="outpatient_general",
        category="minimum_living",
        insurance="resident",
        amounts=Amounts("400.00", basic_insurance="100.00"),
        off_roster_reason="名册尚未下发",
    )
    return settle_outpatient(desk, form, clerk="王", now=NOW).slip_number


def test_a_desk_settling_while_another_catches_up_is_never_a_deadlock(
    two_desks, tmp_path, monkeypatch
):
    syncing, settling = two_desks
    central = tmp_path / "central"
    central.mkdir()
    _visit(syncing, 1)
    push(syncing, central, NOW)  # its sent log now names the site's slips
    took_number = threading.Event()
    real = settlement_module.next_slip_number

    def held(session, site, year):
        number = real(session, site, year)  # the slip counter's row is locked from here
        took_number.set()
        time.sleep(0.5)  # the other desk's catch-up runs into the lock meanwhile
        return number

    monkeypatch.setattr(settlement_module, "next_slip_number", held)
    outcome = {}

    def settle():
        try:
            outcome["settle"] = _visit(settling, 2)
        except Exception as exc:
            outcome["settle"] = exc

    def catch_up():
        took_number.wait(10)
        try:
            outcome["sync"] = sent_log.catch_up(
                syncing, window_id(syncing), "LX01", central / "inbox" / "LX01"
            )
        except Exception as exc:
            outcome["sync"] = exc

    threads = [threading.Thread(target=settle), threading.Thread(target=catch_up)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcome["settle"] == "LX01-2026-000002"
    assert outcome["sync"] == []


def test_while_one_desk_sends_another_sends_nothing_and_says_so(two_desks, tmp_path):
    first, second = two_desks
    central = tmp_path / "central"
    central.mkdir()
    _visit(first, 1)
    with second.engine.connect() as holding:  # as a desk in the middle of its push
        assert holding.scalar(select(func.pg_try_advisory_lock(_PUSH_LOCK)))
        waited = push(first, central, NOW)
        assert (waited.packages, waited.notes) == ((), (ANOTHER_DESK_PUSHING,))
        holding.scalar(select(func.pg_advisory_unlock(_PUSH_LOCK)))
        holding.commit()
    sent = push(first, central, NOW)
    assert len(sent.packages) == 1 and sent.changes > 0
    assert push(second, central, NOW).packages == ()  # nothing left: sent once
