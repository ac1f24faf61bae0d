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
