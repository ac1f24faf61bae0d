"""Sync files sealed with the bureau's password: nothing readable on the share, the centre
needs the password to take packages in, and windows open what the centre publishes."""

from datetime import datetime
from decimal import Decimal

from app.encryption import is_encrypted
from app.services import result_of
from app.sync import ingest, publish, run_once
from app.sync.sealing import set_sync_password
from tests.store.helpers import person
from tests.sync.test_two_windows import NOW, _settle

PASSWORD = "医保局-同步-2026"


def test_sealed_packages_need_the_password_and_still_carry_the_cap(
    one_central_store, central_folder, make_window, os_keyring
):
    first, second = make_window("LX01"), make_window("LX02")
    for window in (first, second):
        set_sync_password(window, PASSWORD)
    who = person(3)
    # 兰溪 特困: base 100000 − 30000 − 10000 = 60000 paid in full
    _settle(first, who, "A-1", datetime(2026, 3, 1, 8), "100000.00", "30000.00", "10000.00")
    assert run_once(first, central_folder, now=NOW).ok
    packages = list((central_folder / "inbox" / "LX01").iterdir())
    assert packages
    for path in packages:
        data = path.read_bytes()
        assert is_encrypted(data)
        assert who.id_number.encode() not in data and "测试".encode() not in data

    refused = ingest(one_central_store, central_folder, now=NOW)
    assert refused.packages == [] and "已加密" in refused.problems[0]
    wrong = ingest(one_central_store, central_folder, now=NOW, password="not-the-password")
    assert wrong.packages == [] and "密码不正确" in wrong.problems[0]
    taken = ingest(one_central_store, central_folder, now=NOW, password=PASSWORD)
    assert taken.problems == [] and len(taken.packages) == len(packages)

    publish(one_central_store, central_folder, years=[2026], now=NOW, password=PASSWORD)
    published = [p for p in (central_folder / "outbox").rglob("*") if p.is_file()]
    assert published and all(is_encrypted(p.read_bytes()) for p in published)
    assert run_once(second, central_folder, now=NOW).ok
    # Second window: base 80000 − 20000 − 10000 = 50000, but 60000 of the 80000 cap is used
    # elsewhere, so 20000 is paid and nothing is left.
    three = _settle(second, who, "B-1", datetime(2026, 6, 1, 8), "80000.00", "20000.00", "10000.00")
    assert three.assistance == Decimal("20000.00")
    assert result_of(three)["cap_remaining"] == "0.00"


def test_a_window_without_the_password_reports_the_sealed_files(
    one_central_store, central_folder, make_window
):
    window = make_window("LX01")
    publish(one_central_store, central_folder, years=[2026], now=NOW, password=PASSWORD)
    report = run_once(window, central_folder, now=NOW)
    assert report.ok
    assert any("已加密" in problem for problem in report.problems)


def test_command_line_remembers_and_checks_the_password(make_window, tmp_path, os_keyring):
    import subprocess
    import sys

    window = make_window("LX01")
    database = str(window.engine.url.database)
    window.close()
    good, short = tmp_path / "good.txt", tmp_path / "short.txt"
    good.write_text(PASSWORD + "\n", "utf-8")
    short.write_text("123\n", "utf-8")

    def sync(*args):
        return subprocess.run(
            [sys.executable, "-m", "app", "sync", "--db", database, *args, "--status"],
            capture_output=True,
            text=True,
            timeout=120,
        )

    done = sync("--password-file", str(good))
    assert done.returncode == 0 and "同步文件将加密" in done.stdout and "系统密码库" in done.stdout
    assert PASSWORD in os_keyring._entries().values()
    refused = sync("--password-file", str(short))
    assert refused.returncode == 2 and "至少 8 个字符" in refused.stderr
    assert "同步文件不再加密" in sync("--forget-password").stdout
    # both changes are on the trail as 设置's are, the password itself nowhere in it
    from sqlalchemy import select

    from db import open_store
    from db.models import AuditEvent

    store = open_store(database)
    try:
        with store.read() as session:
            events = session.scalars(
                select(AuditEvent).where(AuditEvent.entity_id == "sync.password")
            ).all()
            assert [(e.clerk, e.action) for e in events] == [("命令行", "change")] * 2
            assert "（已更改，内容不记录）" in events[0].changes_json
            assert "不再加密" in events[1].changes_json
            assert all(PASSWORD not in e.changes_json for e in events)
    finally:
        store.close()
