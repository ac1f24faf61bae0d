"""设置: the registered pages side by side with their titles; OK saves every page."""

from ui.fitting import fit_to_screen
from ui.ops import run_in_background
from ui.qt import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QSettings,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from ui.settings_pages import PAGES, SettingsPage
from ui.unsaved import AsksBeforeClosing


def _typed(widget: QWidget) -> tuple:
    """What a clerk can change in ``widget``'s editors, in order, to tell an edit."""
    values = []
    for child in widget.findChildren(QWidget):
        if isinstance(child, QLineEdit) and not child.isReadOnly():
            values.append(child.text())
        elif isinstance(child, QComboBox):
            values.append(child.currentIndex())
        elif isinstance(child, QSpinBox):
            values.append(child.value())
        elif isinstance(child, QAbstractButton) and child.isCheckable():
            values.append(child.isChecked())
    return tuple(values)


class SettingsDialog(AsksBeforeClosing, QDialog):
    CLOSE_TITLE = "设置"
    CLOSE_TEXT = "设置已修改，尚未保存。"
    _drafts = None  # nothing kept as a draft: 丢弃 or go back and 保存

    def __init__(self, settings: QSettings, desk=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("设置")
        fit_to_screen(self, 760, 420)
        self.titles = QListWidget(self)
        self.stack = QStackedWidget(self)
        self.pages: dict[str, SettingsPage] = {}
        self.desk = desk
        for page_class in PAGES:
            page = page_class(settings, desk, self.stack)
            page.load(None)
            self.pages[page.NAME] = page
            self.titles.addItem(page.TITLE)
            self.stack.addWidget(page)
        self.titles.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.titles.setCurrentRow(0)
        self.titles.setMaximumWidth(160)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        body = QHBoxLayout()
        body.addWidget(self.titles)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        if desk is not None:
            # The store's values arrive from the desk's thread; until then nothing is saved.
            self.save_button.setEnabled(False)
            run_in_background(desk.settings_values, self._loaded, self._refused, owner=self)
        self._as_loaded = _typed(self.stack)

    def _loaded(self, values: dict) -> None:
        for page in self.pages.values():
            page.load(values)
        self.save_button.setEnabled(True)
        self._as_loaded = _typed(self.stack)

    def unsaved(self) -> bool:
        """Esc or 取消 asks first when an option was changed (it closed without a word)."""
        return _typed(self.stack) != self._as_loaded

    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        for index, page in enumerate(self.pages.values()):
            if not page.check():
                self.titles.setCurrentRow(index)
                return
        if self.desk is None:
            self._saved(None)
            return
        changes: dict[str, object] = {}
        for page in self.pages.values():
            changes.update(page.changes())
        folder = self.pages["data"].data_folder() if "data" in self.pages else None
        desk = self.desk
        self.save_button.setEnabled(False)
        run_in_background(
            lambda: desk.save_settings(changes, folder), self._saved, self._refused, owner=self
        )

    def _saved(self, _none) -> None:
        for page in self.pages.values():
            page.keep()
        self.settings.sync()
        self._as_loaded = _typed(self.stack)
        self.accept()

    def _refused(self, error: Exception) -> None:
        """Put a refused option on its field and show its page."""
        self.save_button.setEnabled(True)
        for index, page in enumerate(self.pages.values()):
            if page.show_refusal(error):
                self.titles.setCurrentRow(index)
                return
        QMessageBox.warning(self, "未能保存设置", str(error))
