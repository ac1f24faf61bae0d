"""A status-bar message shows whole at 1024×768: it takes the place of the database, site and
sync labels while it lasts (it was squeezed to a few characters at the left), and they come
back after it; who is signed in stays in sight."""

from ui.qt import QApplication, QLabel


def test_a_message_shows_whole_on_a_1024_window_and_the_labels_come_back(qtbot, window):
    window.resize(1024, 740)
    QApplication.processEvents()
    bar = window.statusBar()
    message = "已结算，结算单号 LX01-2026-000001，正在生成结算单…"
    bar.showMessage(message)
    QApplication.processEvents()
    beside = [
        widget
        for widget in bar.findChildren(QLabel)
        if widget.isVisible() and widget.parent() is not None
    ]
    taken = sum(widget.width() for widget in beside)
    assert bar.width() - taken >= bar.fontMetrics().horizontalAdvance(message)
    assert window.status_clerk.isVisible() and not window.status_db.isVisible()

    bar.clearMessage()
    QApplication.processEvents()
    assert window.status_db.isVisible() and window.status_site.isVisible()


def test_a_message_takes_the_labels_place_in_a_window_filled_after_it_was_shown(qtbot, settings):
    # The start shows the frame, then builds what is in it (issue 18): the labels added to the
    # shown frame must be hidden by a message shown straight after, not drawn under it.
    from ui.main_window import MainWindow

    window = MainWindow(settings, build=False)
    qtbot.addWidget(window)
    window.resize(1024, 740)
    window.show()
    QApplication.processEvents()
    window.build()
    window.statusBar().showMessage("首次运行：正在制作演示数据库 …")
    QApplication.processEvents()
    assert window.status_clerk.isVisible() and not window.status_db.isVisible()
    assert window.search.isVisible() and window.case_panel.isVisible()


def test_on_a_full_bar_at_1024_the_claims_due_and_the_clerk_stay_whole(qtbot, window):
    window.resize(1024, 740)
    window.status_db.setText("数据库：台儿庄区人民医院医疗救助一站式结算窗口.sqlite3")
    window.status_site.setText("站点：台儿庄区人民医院城乡居民医疗救助一站式结算窗口（TEZ01）")
    window.status_sync.setText(
        "同步：上次 2026-12-01 09:12，待上传 12 个包，上传文件夹 \\\\fs01\\yb"
    )
    window.status_claims.setText("事后报销：今日到期 2 笔，已逾期 1 笔")
    window.status_demo.show()
    QApplication.processEvents()
    for whole in (window.status_claims, window.status_demo, window.status_clerk):
        assert whole.width() >= whole.sizeHint().width(), whole.text()
    assert window.status_site.width() < window.status_site.sizeHint().width()  # gave way
    assert window.status_sync.toolTip() == window.status_sync.text()
