"""One input per kind of store-wide option (``app.services.settings.Option``): a line, a
number, a list or a tick box, with its error line under it and a read-only state for a user
whose role may not change it. The checks are the service's; nothing is checked here."""

from ui.fields import ERROR_INPUT_STYLE, ErrorLabel
from ui.qt import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)


class OptionEditor(QWidget):
    """The input for one option; ``value()`` is what the service is handed back."""

    def __init__(self, option, parent: QWidget | None = None):
        super().__init__(parent)
        self.option = option
        self.browse: QPushButton | None = None
        self.input = self._make_input(option)
        self.input.setAccessibleName(option.label)
        self.error = ErrorLabel(self)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.input, 1)
        if self.browse is not None:
            row.addWidget(self.browse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.error)

    def _make_input(self, option) -> QWidget:
        if option.kind == "bool":
            return QCheckBox(self)
        if option.kind == "int":
            box = QSpinBox(self)
            box.setRange(option.low, option.high)
            box.setSuffix(f" {option.unit}" if option.unit else "")
            return box
        if option.kind == "choice":
            box = QComboBox(self)
            for code, name in option.choice_list():
                box.addItem(name, code)
            return box
        edit = QLineEdit(self)
        edit.setPlaceholderText(option.hint)
        if option.kind == "path":
            self.browse = QPushButton("浏览…", self)
            self.browse.clicked.connect(self._choose_folder)
        return edit

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, f"选择{self.option.label}", self.value())
        if folder:
            self.input.setText(folder)

    def value(self) -> object:
        kind = self.option.kind
        if kind == "bool":
            return self.input.isChecked()
        if kind == "int":
            return self.input.value()
        if kind == "choice":
            return self.input.currentData()
        return self.input.text().strip()

    def set_value(self, value: object) -> None:
        kind = self.option.kind
        if kind == "bool":
            self.input.setChecked(bool(value))
        elif kind == "int":
            self.input.setValue(int(value))
        elif kind == "choice":
            if self.input.findData(value) < 0:  # kept as it is, even if no longer offered
                self.input.addItem(str(value) if value else "（未设置）", value)
            self.input.setCurrentIndex(self.input.findData(value))
        else:
            self.input.setText("" if value is None else str(value))

    def set_read_only(self, read_only: bool, why: str = "") -> None:
        if isinstance(self.input, QLineEdit | QSpinBox):
            self.input.setReadOnly(read_only)
        else:
            self.input.setEnabled(not read_only)
        if self.browse is not None:
            self.browse.setEnabled(not read_only)
        self.input.setToolTip(why if read_only else "")

    def is_read_only(self) -> bool:
        if isinstance(self.input, QLineEdit | QSpinBox):
            return self.input.isReadOnly()
        return not self.input.isEnabled()

    def set_error(self, message: str | None) -> None:
        """``message`` already names the option (the service's ``str(error)``)."""
        self.error.show_error(message)
        self.input.setStyleSheet(ERROR_INPUT_STYLE if message else "")

    def error_text(self) -> str:
        return self.error.text()
