"""The window and the command line open the same database from the same environment: one
rule (``--db``, $ONESTOP_DB, ``database.txt``, the default file) in ``app.paths`` (issue 14).

The user's data folder is a temporary one in every test (``tests/conftest.py``)."""

import io

from app.cli import main
from app.paths import database_target
from app.services import save_site
from db import open_store
from ui import ops
from ui.launch import window_database
from ui.settings_dialog import SettingsDialog


class Args:
    db = None


def make_database(folder, name):
    store = open_store(folder / "desk.sqlite3")
    save_site(store, code="LX01", name=name, facility="county", default_policy="lanxi", clerk="s")
    store.close()
    return str(folder / "desk.sqlite3")


def cli_site_name(monkeypatch, capsys) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["settings", "get", "site.name"]) == 0
    return capsys.readouterr().out.strip()


def test_the_data_folder_chosen_in_the_window_is_the_one_the_cli_opens(
    qtbot, settings, desk, tmp_path, monkeypatch, capsys
):
    chosen = tmp_path / "D盘" / "onestop"
    chosen.mkdir(parents=True)
    target = make_database(chosen, "选定目录里的医院")

    dialog = SettingsDialog(settings, desk)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    dialog.pages["data"].folder.setText(str(chosen))
    dialog.pages["data"].clerk.setText("李经办")
    dialog.save()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    assert dialog.result() == dialog.DialogCode.Accepted

    assert window_database(Args(), settings) == target == database_target()
    assert cli_site_name(monkeypatch, capsys) == "选定目录里的医院"

    # $ONESTOP_DB and --db come first, for both.
    other = make_database(tmp_path, "环境变量里的医院")
    monkeypatch.setenv("ONESTOP_DB", other)
    assert window_database(Args(), settings) == other == database_target()
    assert cli_site_name(monkeypatch, capsys) == "环境变量里的医院"
    Args.db = "elsewhere.sqlite3"
    try:
        assert window_database(Args(), settings) == "elsewhere.sqlite3"
    finally:
        Args.db = None


def test_an_older_versions_data_folder_is_carried_into_database_txt(
    settings, tmp_path, own_data_folder, monkeypatch, capsys
):
    """The folder used to live in QSettings only: the window opened it, the CLI did not."""
    old = tmp_path / "旧数据目录"
    old.mkdir()
    target = make_database(old, "旧目录里的医院")
    settings.setValue("data/dir", str(old))
    settings.setValue("site/code", "LX01")

    assert window_database(Args(), settings) == target
    assert (own_data_folder / "database.txt").read_text(encoding="utf-8").strip() == target
    assert cli_site_name(monkeypatch, capsys) == "旧目录里的医院"
    assert not settings.contains("data/dir") and not settings.contains("site/code")


def test_a_clerk_cannot_move_the_data_folder(qtbot, settings, window, tmp_path):
    dialog = SettingsDialog(settings, window.desk)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    page = dialog.pages["data"]
    assert page.folder.edit.isReadOnly() and not page.browse.isEnabled()
    page.clerk.setText("测试经办")
    page.folder.setText(str(tmp_path))  # even if typed somehow, the service refuses
    dialog.save()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=30_000)
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "更改数据目录须由主管操作" in page.folder.error_text()
    assert database_target() != str(tmp_path / "desk.sqlite3")
