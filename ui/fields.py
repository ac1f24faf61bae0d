"""Form fields that show their own error, in Chinese, right under the input as it is typed."""

from ui.qt import QEvent, QLabel, QLineEdit, QObject, Qt, QTimer, QVBoxLayout, QWidget, Signal

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

    def error_below(self, layout, row: int, column: int, span: int) -> None:
        """Show the error across ``span`` columns of the grid ``layout`` instead of under this
        narrow field (squeezed there, it ran to four lines and pushed the dialog's buttons
        off a 1024×768 screen)."""
        self.layout().removeWidget(self.error)
        layout.addWidget(self.error, row, column, 1, span)


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


class _EnterLeaves(QObject):
    """Enter in an editable combo box's text moves on: the box takes the Enter itself (to add
    the text as an item), so the next field's text was typed onto the end of this one."""

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
        ):
            watched.window().focusNextChild()
            return True
        return False


def enter_leaves(combo) -> None:
    """Make Enter in the editable ``combo`` move to the next field, as in every other field."""
    combo.setInsertPolicy(combo.InsertPolicy.NoInsert)
    leaves = _EnterLeaves(combo)
    combo.installEventFilter(leaves)
    combo.lineEdit().installEventFilter(leaves)


# A save refused with Ctrl+S or Ctrl+Enter puts the cursor where the clerk must type next.
FIX_MARKED = "请先改正标红的项目。"
NEEDS_APPROVAL = "材料缺项须主管放行：请填写审核主管、主管密码和放行理由。"


def first_showing_error(window: QWidget, labelled=()) -> QWidget | None:
    """The first input, in Tab order, whose error is showing: a ``CheckedLineEdit``'s edit, or
    an input of ``labelled`` (pairs of an input and the ``ErrorLabel`` beside it)."""
    beside = {id(widget): label for widget, label in labelled}
    widget = window.nextInFocusChain()
    while widget is not None and widget is not window:
        if widget.isVisibleTo(window) and _shows_error(widget, beside):
            return widget
        widget = widget.nextInFocusChain()
    return None


def focus_first_error(window: QWidget) -> None:
    """A refusal puts the cursor, text selected, on the first field it marked (none: stays).
    Once the key that refused is handled: an Enter (``EnterMovesOn``) would move it on."""

    def focus() -> None:
        widget = first_showing_error(window)
        if widget is not None:
            widget.setFocus()
            if hasattr(widget, "selectAll"):
                widget.selectAll()

    QTimer.singleShot(0, window, focus)


def _shows_error(widget: QWidget, beside: dict) -> bool:
    owner = widget.parentWidget()
    if isinstance(owner, CheckedLineEdit) and widget is owner.edit:
        return bool(owner.error_text())
    label = beside.get(id(widget))
    return label is not None and bool(label.text())


def what_blocks_settling(
    dialog: QWidget, figures_done: bool, total, approval
) -> tuple[QWidget | None, str | None]:
    """Where Ctrl+Enter sends the cursor while a settlement may not be confirmed yet, and what
    to say: the first marked figure (or the total) until the figures add up, then the first
    empty field of the supervisor's ``approval`` (None when all are filled)."""
    if not figures_done:
        target = first_showing_error(dialog) or total.edit
        return target, None if total.text().strip() else "请先输入医疗总费用。"
    target = first_empty(approval)
    return target, NEEDS_APPROVAL if target is not None else None


def first_empty(edits) -> QWidget | None:
    """The first of ``edits`` (QLineEdit or CheckedLineEdit) with nothing typed, as its input."""
    for edit in edits:
        if not edit.text().strip():
            return getattr(edit, "edit", edit)
    return None
