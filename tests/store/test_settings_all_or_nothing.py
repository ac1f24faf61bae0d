"""设置 saved all or nothing: a data folder refused keeps every option as it was, a folder the
window could not open from the next start is refused, and ``database.txt`` is written only
once the store has committed the change."""

import pytest
from sqlalchemy import event

from app.desk import Desk
from app.paths import database_choice_file, database_target
from app.services import settings
from app.services.errors import ServiceError
from app.services.settings import SettingError
from tests.store.helpers import snapshot
from tests.store.test_settings import people  # noqa: F401 (a fixture)


@pytest.fixture
def desk(store, make_site):
    make_site()
    opened = Desk(store, "", "管理员")
    yield opened


def make_database_in(folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "desk.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    return folder


@pytest.mark.parametrize(
    ("folder", "says"),
    [
        ("relative/folder", "应为完整路径"),
        ("/mnt/no_such_drive/desk", "不存在"),
        ("{tmp}/empty", "没有数据库文件 desk.sqlite3"),
        ("{tmp}/a-file", "是文件，不是文件夹"),
    ],
)
def test_a_refused_data_folder_saves_no_option(desk, store, tmp_path, folder, says):
    (tmp_path / "empty").mkdir()
    (tmp_path / "a-file").write_text("x")
    before = snapshot(store)
    with pytest.raises(SettingError) as refused:
        desk.save_settings(
            {"security.idle_lock_minutes": 25}, data_folder=folder.format(tmp=tmp_path)
        )
    assert refused.value.field == "data.folder"
    assert str(refused.value).startswith("数据目录：") and says in str(refused.value)
    assert settings.values(store)["security.idle_lock_minutes"] == 10
    assert snapshot(store) == before
    assert not database_choice_file().exists()


def test_the_folder_and_the_options_are_saved_together(desk, store, tmp_path):
    chosen = make_database_in(tmp_path / "D盘")
    desk.save_settings({"security.idle_lock_minutes": 25}, data_folder=str(chosen))
    assert settings.values(store)["security.idle_lock_minutes"] == 25
    assert database_target() == str(chosen / "desk.sqlite3")
    assert settings.data_folder() == str(chosen)


@pytest.fixture
def failing_commit(store):
    """Every commit of the store fails (as on a full disk), until the test ends."""

    def fail(connection):
        raise OSError("磁盘已满（模拟）")

    event.listen(store.engine, "commit", fail)
    yield
    event.remove(store.engine, "commit", fail)


def test_database_txt_is_unchanged_when_the_commit_fails(desk, store, tmp_path, request):
    first = make_database_in(tmp_path / "first")
    desk.save_settings({}, data_folder=str(first))
    written = database_choice_file().read_bytes()
    second = make_database_in(tmp_path / "second")
    before = snapshot(store)

    request.getfixturevalue("failing_commit")
    with pytest.raises(OSError, match="模拟"):
        settings.choose_data_folder(store, "管理员", str(second))
    with pytest.raises(OSError, match="模拟"):
        desk.save_settings({"security.idle_lock_minutes": 25}, data_folder=str(second))
    assert database_choice_file().read_bytes() == written
    assert database_target() == str(first / "desk.sqlite3")
    assert snapshot(store) == before


def test_choose_data_folder_back_to_the_default(desk, store, tmp_path):
    chosen = make_database_in(tmp_path / "chosen")
    assert settings.choose_data_folder(store, "管理员", str(chosen))
    assert not settings.choose_data_folder(store, "管理员", str(chosen))  # unchanged
    assert settings.choose_data_folder(store, "管理员", "")
    assert not database_choice_file().exists()


def test_a_clerk_choosing_the_folder_saves_no_option_either(store, make_site, request, tmp_path):
    """The clerk may change the sync interval, not the data folder: neither is saved."""
    signed = request.getfixturevalue("people")
    make_site(clerk=signed["管理员"])
    desk = Desk(store, "", "王")
    desk._become(signed["王"])
    before = snapshot(store)
    with pytest.raises(ServiceError) as refused:
        desk.save_settings(
            {"sync.interval_minutes": 15}, data_folder=str(make_database_in(tmp_path / "d"))
        )
    assert refused.value.field == "data.folder" and "须由主管操作" in str(refused.value)
    assert snapshot(store) == before
    assert not database_choice_file().exists()
