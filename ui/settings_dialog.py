"""设置: the registered pages side by side with their titles; OK saves every page."""

from ui.qt import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QSettings,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from ui.settings_pages import PAGES, SettingsPage


class SettingsDialog(QDialog):
    def __init__(self, settings: QSettings, desk=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("设置")
        self.resize(760, 420)
        self.titles = QListWidget(self)
        self.stack = QStackedWidget(self)
        self.pages: dict[str, SettingsPage] = {}
        for page_class in PAGES:
            page = page_class(settings, desk, self.stack)
            page.load()
            self.pages[page.NAME] = page
            self.titles.addItem(page.TITLE)
            self.stack.addWidget(page)
        self.titles.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.titles.setCurrentRow(0)
        self.titles.setMaximumWidth(160)
        buttons = QDialogButtonBox(self)
        buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        body = QHBoxLayout()
        body.addWidget(self.titles)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)

    def save(self) -> None:
        for index, page in enumerate(self.pages.values()):
            if not page.save():
                self.titles.setCurrentRow(index)
                return
        self.settings.sync()
        self.accept()
