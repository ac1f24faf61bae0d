"""Date fields that digits meant for the next field cannot change unseen (issue 17, point 3).

Qt's QDateTimeEdit takes focus from Tab with its year selected and keeps Tab inside itself,
moving year → month → day → hour → minute: a clerk who tabs past 出院时间 and types an
amount rewrites the date. ``DateField`` instead

- leaves on Tab and Shift+Tab like any other input;
- arrives from the keyboard with the whole date selected, where typed digits and ↑/↓ change
  nothing and the line under it says so and how to edit it (← or → first selects the year, then
  ← → move between 年、月、日、时、分; Alt+↓ opens the calendar);
- names any change under itself, "出院时间已改为 … （原为 …）", until it is saved or reset.

A value set from code (``setDateTime``/``setDate``: the form opening, a draft restored) is the
one the change is measured from.
"""

from ui.qt import (
    QApplication,
    QDate,
    QDateTime,
    QDateTimeEdit,
    QLabel,
    Qt,
    QVBoxLayout,
    QWidget,
)

NOTE_STYLE = "color: #b45f06;"  # orange: a change to look at, not an error
HINT_STYLE = "color: #b00020;"
_ARROWS_TO_START = (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home)
_STEPS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)


class DateField(QDateTimeEdit):
    """A date (``yyyy-MM-dd``) or date and time (``yyyy-MM-dd HH:mm``) input; ``label`` is
    the field's Chinese name used in its notes. Put ``row`` (the field with its ``note``
    under it) in the form: made here, before the field, so Tab keeps the order of creation."""

    def __init__(
        self,
        label: str,
        display_format: str = "yyyy-MM-dd HH:mm",
        parent: QWidget | None = None,
        value: QDateTime | QDate | None = None,
    ):
        self.row = QWidget(parent)
        super().__init__(self.row)
        self.label = label
        self.setAccessibleName(label)
        self.setCalendarPopup(True)
        self.setDisplayFormat(display_format)
        self.note = QLabel(self.row)
        self.note.setWordWrap(True)
        self.note.hide()
        layout = QVBoxLayout(self.row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self)
        layout.addWidget(self.note)
        self._whole = False  # the whole date is selected: typing does not change it
        self._baseline = QDateTime.currentDateTime()
        self.dateTimeChanged.connect(lambda _moment: self._show_change())
        if isinstance(value, QDate):
            self.setDate(value)
        else:
            self.setDateTime(value if value is not None else QDateTime.currentDateTime())

    # --- values from code are the baseline -------------------------------------------------
    def setDateTime(self, moment: QDateTime) -> None:
        super().setDateTime(moment)
        self._baseline = self.dateTime()
        self._show_change()

    def setDate(self, day: QDate) -> None:
        super().setDate(day)
        self._baseline = self.dateTime()
        self._show_change()

    def changed(self) -> bool:
        """Has the clerk changed the value since it was set from code?"""
        return self._shown(self.dateTime()) != self._shown(self._baseline)

    def _shown(self, moment: QDateTime) -> str:
        return moment.toString(self.displayFormat())

    def _show_change(self) -> None:
        if self.changed():
            self._say(
                f"{self.label}已改为 {self._shown(self.dateTime())}"
                f"（原为 {self._shown(self._baseline)}）",
                NOTE_STYLE,
            )
        else:
            self._say("", NOTE_STYLE)

    def _say(self, text: str, style: str) -> None:
        self.note.setText(text)
        self.note.setStyleSheet(style)
        self.note.setVisible(bool(text))

    # --- the keyboard ------------------------------------------------------------------------
    def focusNextPrevChild(self, forward: bool) -> bool:
        # Tab leaves the field; QDateTimeEdit would walk through its own sections first.
        return QWidget.focusNextPrevChild(self, forward)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        if event.reason() != Qt.FocusReason.MouseFocusReason:
            self._whole = True
            self.selectAll()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self._whole = False
        self._show_change()  # a hint about typing goes; a change stays named

    def mousePressEvent(self, event) -> None:
        self._whole = False
        super().mousePressEvent(event)

    def keyPressEvent(self, event) -> None:
        key = event.key()
        if self._whole:
            if key in _ARROWS_TO_START:
                self._whole = False
                self._select_section(0)
                return
            if key == Qt.Key.Key_End:
                self._whole = False
                self._select_section(self.sectionCount() - 1)
                return
            typed = event.text()
            if key in _STEPS or (typed and typed.isprintable()):
                QApplication.beep()
                self._say(
                    f"{self.label}未改：要修改请先按 ← 或 → 选中年、月、日，再输入或按 ↑ ↓；"
                    "Alt+↓ 打开日历",
                    HINT_STYLE,
                )
                return
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            step = -1 if key == Qt.Key.Key_Left else 1
            index = min(max(self.currentSectionIndex() + step, 0), self.sectionCount() - 1)
            self._select_section(index)
            return
        super().keyPressEvent(event)

    def _select_section(self, index: int) -> None:
        self.setCurrentSectionIndex(index)
        self.setSelectedSection(self.sectionAt(index))
