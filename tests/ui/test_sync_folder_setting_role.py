"""The central upload folder is a supervisor's setting wherever it is set: the desk's
``set_sync`` (the window's hand-over of a folder an older version kept in QSettings) checks
the role on the signed-in session and audits the change, as 设置 does."""

import pytest

from app.services.audit import history
from app.services.errors import ServiceError
from app.sync import status
from tests.ui.accounts import CLERK, CLERK_PW, SUPERVISOR, SUPERVISOR_PW
from ui import settings as options


def test_a_clerk_cannot_point_the_window_at_another_folder(desk, accounts, tmp_path):
    desk.sign_in(CLERK, CLERK_PW)
    with pytest.raises(ServiceError, match="中央上传文件夹") as refused:
        desk.set_sync(str(tmp_path / "clerk_share"), 5)
    assert "主管" in str(refused.value)
    assert status(desk.store).central_folder is None
    desk.sign_out()
    desk.sign_in(SUPERVISOR, SUPERVISOR_PW)
    desk.set_sync(str(tmp_path / "share"), 5)
    assert status(desk.store).central_folder == tmp_path / "share"
    with desk.store.read() as session:
        changed = history(session, "setting", "sync.central_folder")
    assert [(e.clerk, e.action) for e in changed] == [(SUPERVISOR, "change")]


def test_an_older_versions_folder_waits_for_a_supervisor(
    qtbot, settings, desk, accounts, settled, tmp_path
):
    import ui.main_window as main_window

    share = tmp_path / "share"
    settings.setValue(options.LEGACY_UPLOAD_FOLDER, str(share))
    for who, password, carried in ((CLERK, CLERK_PW, False), (SUPERVISOR, SUPERVISOR_PW, True)):
        desk.sign_in(who, password)
        window = main_window.MainWindow(settings)
        qtbot.addWidget(window)
        window.attach(desk)
        settled()
        assert (status(desk.store).central_folder == share) is carried
        # kept for a supervisor until one has handed it over
        assert (settings.value(options.LEGACY_UPLOAD_FOLDER) is None) is carried
        window.close()
        desk.sign_out()
