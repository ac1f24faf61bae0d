"""Windows that fit the screen they open on, and inputs never squeezed below one text line.

Qt sets a dialog's minimum height from its layout's minimum size, which leaves out the lines a
word-wrapped label (an explanation, a rule, a three-line error) needs at the dialog's width:
the layout then squeezes the line edits to a few pixels. ``fit_to_screen`` keeps the minimum
height at the layout's height *for the current width* as errors appear and go, and caps the
size the dialog opens at to the screen's available geometry (1024×768 included).
"""

from ui.qt import QApplication, QEvent, QObject, QSize, QWidget

# The title bar and borders the system draws around a window, until it is shown and they can
# be measured (Windows 10/11 at 100 %: about 31 px of title bar and 8 px of border).
FRAME = QSize(16, 40)


def usable_size(widget: QWidget) -> QSize:
    """The usable area of the screen the widget is (or will be) on: no task bar, no panels."""
    screen = widget.screen() or QApplication.primaryScreen()
    return screen.availableGeometry().size() if screen is not None else QSize(1024, 768)


def available_size(widget: QWidget) -> QSize:
    """The size the widget's window may take inside the screen's usable area once the
    system's title bar and borders are drawn around it: a dialog as tall as the screen had
    its buttons under the bottom edge, by the title bar's height."""
    usable = usable_size(widget)
    window = widget.window()
    frame = window.frameGeometry().size() - window.geometry().size()
    if not window.isVisible() or frame.height() <= 0:
        frame = FRAME
    return QSize(usable.width() - frame.width(), usable.height() - frame.height())


class _KeepsLinesWhole(QObject):
    """Raises the window's minimum height to what its layout needs at its width."""

    def eventFilter(self, watched, event) -> bool:
        if event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Resize, QEvent.Type.Show):
            hold_lines(watched)
        return False


def needed_height(widget: QWidget) -> int:
    layout = widget.layout()
    if layout is None:  # not laid out yet: a size hint of -1 (no hint) asks for nothing
        return max(widget.minimumSizeHint().height(), 0)
    if layout.hasHeightForWidth():
        return layout.totalHeightForWidth(widget.width())
    return layout.totalMinimumSize().height()


def hold_lines(widget: QWidget) -> None:
    need = min(needed_height(widget), available_size(widget).height())
    if widget.minimumHeight() != need:
        widget.setMinimumHeight(need)
    if widget.height() < need:
        widget.resize(widget.width(), need)


def fit_to_screen(window: QWidget, width: int, height: int = 0) -> None:
    """Open ``window`` at ``width``×``height`` (0: as tall as its content needs), never wider
    or taller than the available screen, and keep every line of it whole from then on."""
    screen = available_size(window)
    window.resize(min(width, screen.width()), min(height, screen.height()))
    keeper = _KeepsLinesWhole(window)
    window.installEventFilter(keeper)
    window._keeps_lines_whole = keeper
    hold_lines(window)


class _GrowsWithForm(QObject):
    """Makes a window taller when the form in its scroll area outgrows it (see grow_with)."""

    def __init__(self, window: QWidget, area) -> None:
        super().__init__(window)
        self.window, self.area = window, area

    def eventFilter(self, watched, event) -> bool:
        if event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Show):
            lacking = self.area.widget().sizeHint().height() - self.area.viewport().height()
            room = available_size(self.window).height() - self.window.height()
            if lacking > 0 and room > 0 and self.window.isVisible():
                self.window.resize(self.window.width(), self.window.height() + min(lacking, room))
        return False


def grow_with(window: QWidget, area) -> None:
    """Keep ``window`` as tall as the form in the scroll area ``area`` needs, as far as the
    screen has room: on a 1080-line screen the clerk tabs through the whole form without
    scrolling, on a 768-line one it scrolls; rows that appear later (a visit's papers) grow it."""
    grower = _GrowsWithForm(window, area)
    window.installEventFilter(grower)
    area.widget().installEventFilter(grower)
    window._grows_with_form = grower


def scrolling_column(parent: QWidget, inner: QWidget):
    """``inner`` in a frameless area that scrolls up and down only, never takes the focus
    (Tab goes to its fields) and is never narrower than ``inner`` with its scroll bar: on a
    1024×768 screen a form's errors scroll rather than squeeze its fields."""
    from ui.qt import QFrame, QScrollArea, Qt

    area = QScrollArea(parent)
    area.setWidget(inner)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setMinimumWidth(
        inner.minimumSizeHint().width() + area.verticalScrollBar().sizeHint().width()
    )
    return area
