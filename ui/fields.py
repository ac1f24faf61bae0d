"""Form fields that show their own error, in Chinese, right under the input as it is typed."""

from ui.qt import QLabel, QLineEdit, Qt, QVBoxLayout, QWidget, Signal

ERROR_STYLE = "color: #b00020;"
ERROR_INPUT_STYLE = "QLineEdit { border: 2px solid #b00020; }"


class ErrorLabel(QLabel):
    """A red line naming the field and what is wrong; hidden while there is nothing wrong."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setStyleSheet(ERROR_STYLE)
        self.setWordWrap(True)
        self.hide()

    def show_error(self, message: str | None) -> None:
        self.setText(message or "")
        self.setVisible(bool(message))


class CheckedLineEdit(QWidget):
    """A line edit and its error label; ``label`` is the field's Chinese name used in messages."""

    edited = Signal(str)

    def __init__(self, label: str, placeholder: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.label = label
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(placeholder)
        self.edit.setAccessibleName(label)
        self.error = ErrorLabel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.error)
        self.edit.textChanged.connect(self.edited)

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        self.edit.setText(text)

    def set_error(self, reason: str | None) -> None:
        """Show ``reason`` as "<field>：<reason>", or clear the error when None."""
        self.error.show_error(f"{self.label}：{reason}" if reason else None)
        self.edit.setStyleSheet(ERROR_INPUT_STYLE if reason else "")

    def error_text(self) -> str:
        """The error as the clerk sees it ("" when the field is fine)."""
        return self.error.text()


class EnterMovesOn:
    """Mixed into a dialog: Enter (typed, or sent by a barcode scanner after its code) moves
    to the next field and never presses the default button, so nothing is saved by an Enter
    meant for the next field. Saving takes a click or its Ctrl shortcut."""

    def keyPressEvent(self, event) -> None:
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if plain and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.focusNextChild()
            return
        super().keyPressEvent(event)
