"""An audit trail no one can rewrite unnoticed (issue 21, point 2): links keyed with a key
kept outside the database, and heads anchored outside the store (sync packages, the daily
close) that ``audit verify`` and ``central ingest`` compare with the chain."""

import subprocess
import sys
from datetime import datetime

from sqlalchemy import select, text

from app.audit_log import audit_head, verify_audit
from app.sync import ingest, run_once, set_central_folder
from app.sync.anchors import anchors_found
from db import open_store
from db.audit_chain import KEYED, PLAIN
from db.engine import make_engine
from db.migrate import upgrade
from db.models import AuditEvent
from db.security_models import AuditAnchor, AuditChainLink
from tests.security.tampering import rechain, run_untriggered
from tests.store.helpers import person
from tests.sync.test_two_windows import NOW, _settle


def _events(store) -> list[int]:
    with store.read() as session:
        return list(session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


def _edit_and_rechain(store, event_id: int, key) -> None:
    run_untriggered(store, "UPDATE audit_event SET clerk = '某人' WHERE id = :id", id=event_id)
    rechain(store, key)


def _verify_command(store, *args):
    url = store.engine.url
    database = str(url.database) if store.dialect == "sqlite" else url.render_as_string(False)
    return subprocess.run(
        [sys.executable, "-m", "app", "audit", "verify", "--db", database, *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_rewritten_chain_is_found_by_audit_verify_and_by_central_ingest(
    make_window, one_central_store, central_folder
):
    window = make_window("LX01")
    set_central_folder(window, central_folder)
    _settle(window, person(1), "A-1", datetime(2026, 3, 1, 8), "50000.00", "20000.00")
    assert run_once(window, central_folder, now=NOW).ok
    first = ingest(one_central_store, central_folder, now=NOW)
    assert first.problems == [] and first.audit_breaks == []
    _settle(window, person(2), "A-2", datetime(2026, 3, 2, 8), "40000.00", "10000.00")

    victim = _events(window)[2]
    _edit_and_rechain(window, victim, window.audit_key)  # the app's own function, keyed
    with window.engine.connect() as connection:
        from db.audit_chain import walk_chain

        assert walk_chain(connection, window.audit_key).ok  # the chain alone is fooled

    # The heads in this window's packages in the central folder, and in its sent log.
    found = _verify_command(window)
    assert found.returncode == 1
    assert "中心文件夹中的变更包" in found.stderr and "重算了哈希链" in found.stderr
    assert "链位置 1–" in found.stderr
    logged = verify_audit(window, anchors_found(window))
    assert any("sync-sent.json" in p.message for p in logged.problems if p.kind == "anchor")

    assert run_once(window, central_folder, now=NOW).ok
    second = ingest(one_central_store, central_folder, now=NOW)
    assert second.packages and len(second.audit_breaks) == 1
    assert "LX01" in second.audit_breaks[0] and "重算了哈希链" in second.audit_breaks[0]
    with one_central_store.read() as session:
        kept = session.scalars(select(AuditAnchor).order_by(AuditAnchor.id)).all()
    assert len(kept) == 2 and kept[0].problem is None and "重算" in kept[1].problem


def test_the_central_ingest_command_names_the_window(
    make_window, one_central_store, central_folder
):
    window = make_window("LX01")
    _settle(window, person(1), "A-1", datetime(2026, 3, 1, 8), "50000.00", "20000.00")
    assert run_once(window, central_folder, now=NOW).ok
    url = one_central_store.engine.url.render_as_string(hide_password=False)

    def central():
        return subprocess.run(
            [sys.executable, "-m", "app", "central", "ingest", "--db", url,
             "--folder", str(central_folder)],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    assert central().returncode == 0
    _edit_and_rechain(window, _events(window)[0], window.audit_key)
    _settle(window, person(2), "A-2", datetime(2026, 3, 2, 8), "40000.00", "10000.00")
    assert run_once(window, central_folder, now=NOW).ok
    done = central()
    assert done.returncode == 1
    assert "审计链被改写" in done.stderr and "窗口" in done.stderr and "LX01" in done.stderr


def test_the_head_printed_on_the_daily_close_exposes_a_later_rewrite(store, make_site):
    make_site()
    _settle(store, person(1), "A-1", datetime(2026, 3, 1, 8), "50000.00", "20000.00")
    head = audit_head(store)
    assert head.seq > 3 and len(head.digest) == 64
    assert _verify_command(store, "--anchor", head.text()).returncode == 0
    _edit_and_rechain(store, _events(store)[1], store.audit_key)
    found = _verify_command(store, "--anchor", head.text())
    assert found.returncode == 1 and "给出的锚点" in found.stderr
    assert f"链位置 1–{head.seq}" in found.stderr


def test_a_chain_turned_back_into_plain_links_is_found_without_any_anchor(store, make_site):
    make_site()
    _settle(store, person(1), "A-1", datetime(2026, 3, 1, 8), "50000.00", "20000.00")
    with store.read() as session:
        assert set(session.scalars(select(AuditChainLink.version))) == {KEYED}
    _edit_and_rechain(store, _events(store)[1], key=None)  # the old attack: plain SHA-256
    report = verify_audit(store)
    assert report.problems and {p.kind for p in report.problems} == {"unkeyed"}
    assert "没有用审计密钥" in report.problems[0].message


def test_old_plain_links_stay_checkable_and_new_ones_are_keyed(tmp_path):
    path = tmp_path / "old.sqlite3"
    engine = make_engine(str(path))
    upgrade(engine, "0003")  # audit events before the chain existed
    with engine.begin() as connection:
        for n in range(3):
            connection.execute(
                text(
                    "INSERT INTO audit_event (at, clerk, action, entity, entity_id, changes_json)"
                    " VALUES (:at, '王', 'create', 'person', :n, '{}')"
                ),
                {"at": datetime(2026, 1, 1 + n), "n": str(n)},
            )
    engine.dispose()
    store = open_store(path)  # 0004 sealed them plainly before keys existed; 0010 adds keys
    try:
        assert store.audit_key.from_seq == 4
        from app.services import save_site

        save_site(store, code="LX01", name="测试医院", facility="county",
                  default_policy="lanxi", clerk="管理员")  # fmt: skip
        with store.read() as session:
            versions = dict(
                session.execute(select(AuditChainLink.seq, AuditChainLink.version)).all()
            )
        assert [versions[s] for s in (1, 2, 3)] == [PLAIN] * 3
        assert {versions[s] for s in versions if s > 3} == {KEYED}
        assert verify_audit(store).ok
    finally:
        store.close()
