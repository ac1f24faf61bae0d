"""python -m app sync / central ingest / central publish, as a clerk or the county runs them."""

import os
import subprocess
import sys
from pathlib import Path

from app.services.audit import history
from app.sync import status
from tests.store.helpers import person
from tests.sync.test_pull_and_status import _visit

REPO = Path(__file__).resolve().parents[2]


def _app(*args):
    return subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )


def test_sync_ingest_and_publish_from_the_command_line(make_window, tmp_path):
    window = make_window("LX01")
    _visit(window, person(1))
    db = tmp_path / "LX01.sqlite3"
    central = tmp_path / "central"

    failed = _app("sync", "--once", "--db", db, "--central", central)
    assert failed.returncode == 1
    assert f"同步失败：无法访问中心文件夹 {central}" in failed.stderr
    assert "待发送 2 条" in failed.stderr

    central.mkdir()
    sent = _app("sync", "--once", "--db", db, "--central", central, "--remember")
    assert sent.returncode == 0, sent.stderr
    assert "已发送 1 个变更包（2 条变更）" in sent.stdout
    assert status(window).central_folder == central.resolve()
    with window.read() as session:  # remembered as 设置 saves it: on the audit trail
        changed = history(session, "setting", "sync.central_folder")
    assert [(e.clerk, e.action) for e in changed] == [("命令行", "change")]
    assert str(central.resolve()) in changed[0].changes_json

    centre = tmp_path / "centre.sqlite3"
    ingested = _app("central", "ingest", "--db", centre, "--folder", central)
    assert ingested.returncode == 0, ingested.stderr
    assert "已导入 1 个变更包（2 条变更）" in ingested.stdout
    again = _app("central", "ingest", "--db", centre, "--folder", central)
    assert "已导入 0 个变更包（0 条变更），此前已导入的 1 个已跳过" in again.stdout
    published = _app("central", "publish", "--db", centre, "--folder", central, "--year", 2026)
    assert published.returncode == 0, published.stderr
    assert "year_to_date.jsonl（1 行）" in published.stdout

    pulled = _app("sync", "--once", "--db", db)  # the folder remembered above
    assert pulled.returncode == 0, pulled.stderr
    assert "已更新外院年度累计：0 行" in pulled.stdout  # its own settlement: counted locally
    shown = _app("sync", "--status", "--db", db)
    assert "待发送变更：0 条" in shown.stdout
