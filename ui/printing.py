"""Paper: save the PDF, preview it and print it with Qt, with no external program.

The PDF is made by ``app.printing`` (ReportLab) from the stored settlement. Qt's PDF module is
not part of PySide6-Essentials, so the pages are rendered in this process by PDFium
(``app.printing.raster``) and painted on the ``QPrinter`` at the paper's own size: the same on
every window's computer, in the source and the frozen build alike.

A slip's preview is not the slip: the dialog shows the preview pages (预览 across them, no
barcode) and sends the slip's own pages to the printer only when the clerk prints.

Each printer on this computer may be calibrated (``app.printing.printer_setup``): its measured
offset shifts every page sent to it, whichever printer the clerk picks in the print dialog,
and its paper is the one a slip is first previewed on. The preview's 纸张 list makes the slip
again on another paper.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.paths import write_whole
from app.printing.paper_sizes import SLIP_PAPERS
from app.printing.placement import page_shift
from app.printing.printer_setup import setup_for
from app.printing.raster import PageImage, render_pages
from ui import folders
from ui.fitting import fit_to_screen
from ui.ops import run_in_background
from ui.qt import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QImage,
    QKeySequence,
    QLabel,
    QMarginsF,
    QMessageBox,
    QPageLayout,
    QPageSize,
    QPainter,
    QPushButton,
    QRectF,
    QSizeF,
    QVBoxLayout,
    QWidget,
    print_support,
)

# 300 dpi: the barcode's module (1/75 inch) is 4 whole pixels, so its bars print sharp.
PRINT_DPI = 300
PREVIEW_DPI = 150


def save_pdf(parent: QWidget, pdf: bytes, suggested_name: str) -> Path | None:
    start = folders.start_in(parent, "pdf", suggested_name)
    path, _ = QFileDialog.getSaveFileName(parent, "保存结算单 PDF", start, "PDF (*.pdf)")
    if not path:
        return None
    folders.remember(parent, "pdf", path)
    target = Path(path)
    if target.suffix.lower() != ".pdf":
        target = target.with_suffix(".pdf")
    return write_whole(target, pdf)


def as_qimage(page: PageImage) -> QImage:
    """A rendered page as a ``QImage`` that owns its pixels."""
    image = QImage(page.pixels, page.width, page.height, page.stride, QImage.Format.Format_RGB888)
    return image.copy()


def page_images(pdf: bytes, dpi: int = PRINT_DPI) -> list[QImage]:
    """The PDF's pages as images, rendered in this process."""
    return [as_qimage(page) for page in render_pages(pdf, dpi)]


def fit_printer_to(printer, first_page: PageImage) -> None:
    """The printer's paper is the document's (A4 landscape, A5, 241 mm continuous), margins zero, so a
    page prints at its own size: the barcode keeps its module and height."""
    width, height = first_page.page_width, first_page.page_height
    size = QPageSize(
        QSizeF(min(width, height), max(width, height)),
        QPageSize.Unit.Point,
        "",
        QPageSize.SizeMatchPolicy.FuzzyMatch,
    )
    landscape = width > height
    orientation = (
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    )
    printer.setFullPage(True)
    printer.setPageLayout(QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0)))


def paint_pages(printer, pages: list[QImage], shifts: list[tuple[int, int]] | None = None) -> None:
    """Each image over the whole sheet, one sheet per image; ``shifts``: each image moved by
    (right, down) of its own pixels (the printer's calibration)."""
    printing = print_support()
    painter = QPainter(printer)
    try:
        for index, image in enumerate(pages):
            if index:
                printer.newPage()
            paper = printer.paperRect(printing.QPrinter.Unit.DevicePixel)
            dx, dy = shifts[index] if shifts else (0, 0)
            x = dx * paper.width() / image.width()
            y = dy * paper.height() / image.height()
            painter.drawImage(QRectF(x, y, paper.width(), paper.height()), image)
    finally:
        painter.end()


def printer_key(printer) -> str:
    """The name a printer's calibration is kept under: the system's name for it (the default
    printer's when none is chosen; "" for a PDF file)."""
    printing = print_support()
    if printer.outputFormat() == printing.QPrinter.OutputFormat.PdfFormat:
        return ""
    return printer.printerName() or printing.QPrinterInfo.defaultPrinterName()


def calibration_shifts(printer, pages: list[PageImage]) -> list[tuple[int, int]]:
    """Each page's correction, in its own pixels, for the printer it is about to go to."""
    name = printer_key(printer)
    setup = setup_for(name) if name else None
    if setup is None:
        return [(0, 0)] * len(pages)
    return [page_shift(page, setup, round(page.width / page.page_width * 72)) for page in pages]


def slip_paper(printer_name: str, user_paper: str) -> str:
    """The paper a slip is first made on for this printer: the one kept with the printer's
    calibration, else the user's own choice (设置 → 打印)."""
    name = printer_name or print_support().QPrinterInfo.defaultPrinterName()
    paper = setup_for(name).paper if name else ""
    return paper or (user_paper if user_paper in SLIP_PAPERS else "A4")


def choose_printer(parent: QWidget, printer) -> bool:
    """Qt's print dialog (printer, copies); True when the clerk confirms."""
    printing = print_support()
    dialog = printing.QPrintDialog(printer, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    _file_in_documents(parent, printer)
    return True


def _file_in_documents(parent: QWidget, printer) -> None:
    """Printed to a file by a bare name (Qt's dialog offers the document's name alone, which
    would land in the program's folder): put it in the print folder, as file dialogs do."""
    name = printer.outputFileName()
    if not name:
        return
    if not Path(name).is_absolute():
        name = folders.start_in(parent, "print", name)
        printer.setOutputFileName(name)
    folders.remember(parent, "print", name)


class SlipPapers:
    """The 纸张 list of a slip's preview: ``paper`` the one shown now, ``make(paper)`` the
    slip, its preview and their pages on another (run off the GUI thread)."""

    def __init__(self, paper: str, make: Callable[[str], tuple[bytes, bytes, "RenderedPages"]]):
        self.paper = paper
        self.make = make


class PrintPreview(QDialog):
    """Shows ``shown`` (the preview pages); 打印 sends ``printed`` (the document) to the printer,
    each page shifted by the calibration of the printer chosen (``pages``: the printed pages as
    rendered, to know how far they may move). ``papers``: a slip's paper list. Accepted only
    after the pages went to the printer."""

    def __init__(
        self,
        parent: QWidget | None,
        printer,
        shown: list[QImage],
        printed: list[QImage],
        title,
        *,
        pages: list[PageImage] | None = None,
        papers: SlipPapers | None = None,
    ):
        super().__init__(parent)
        printing = print_support()
        self.printer = printer
        self.shown = shown
        self.printed = printed
        self.pages = pages
        self.papers = papers
        self.setWindowTitle(f"打印预览 — {title}")
        self.view = printing.QPrintPreviewWidget(printer, self)
        self.view.paintRequested.connect(lambda target: paint_pages(target, self.shown))
        buttons = QHBoxLayout()
        self.paper = None
        if papers is not None:
            self.paper = QComboBox(self)
            for name, label in SLIP_PAPERS.items():
                self.paper.addItem(label, name)
            self.paper.setCurrentIndex(max(self.paper.findData(papers.paper), 0))
            self.paper.setAccessibleName("纸张")
            self.paper.currentIndexChanged.connect(self._paper_changed)
            caption = QLabel("纸张(&Z)：", self)
            caption.setBuddy(self.paper)
            buttons.addWidget(caption)
            buttons.addWidget(self.paper)
        for text, slot in (
            ("整页", self.view.fitInView),
            ("适合宽度", self.view.fitToWidth),
            ("放大", self.view.zoomIn),
            ("缩小", self.view.zoomOut),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.calibrate_button = QPushButton("打印机校准…")
        self.calibrate_button.clicked.connect(self.calibrate)
        self.print_button = QPushButton("打印… (Ctrl+P)")
        self.print_button.setShortcut(QKeySequence("Ctrl+P"))
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_pages)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        buttons.addWidget(self.calibrate_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        fit_to_screen(self, 1100, 740)
        self.print_button.setFocus()  # Enter or Ctrl+P prints; Esc closes

    def print_pages(self) -> None:
        if choose_printer(self, self.printer):
            shifts = calibration_shifts(self.printer, self.pages) if self.pages else None
            paint_pages(self.printer, self.printed, shifts)
            self.accept()

    def calibrate(self) -> None:
        from ui.printer_calibration import CalibrationDialog

        paper = self.papers.paper if self.papers else ""
        dialog = CalibrationDialog(self, printer_key(self.printer), paper)
        dialog.exec()

    def _paper_changed(self) -> None:
        """Make the slip again on the paper chosen (off the GUI thread); printing waits."""
        paper = self.paper.currentData()
        self.print_button.setEnabled(False)
        run_in_background(
            lambda: self.papers.make(paper),
            lambda made: self._show_paper(paper, made),
            lambda error: self._paper_failed(error),
            owner=self,
        )

    def _show_paper(self, paper: str, made) -> None:
        _pdf, _preview, rendered = made
        self.papers.paper = paper
        self.pages = rendered.printed
        self.printed = [as_qimage(page) for page in rendered.printed]
        shown = rendered.shown or rendered.printed
        self.shown = [as_qimage(page) for page in shown]
        fit_printer_to(self.printer, rendered.printed[0])
        self.view.updatePreview()
        self.print_button.setEnabled(True)

    def _paper_failed(self, error: Exception) -> None:
        self.paper.blockSignals(True)
        self.paper.setCurrentIndex(max(self.paper.findData(self.papers.paper), 0))
        self.paper.blockSignals(False)
        self.print_button.setEnabled(True)
        QMessageBox.warning(self, "未能换纸张", f"纸张：{error}")


@dataclass(frozen=True)
class RenderedPages:
    """A document's pages rendered for the printer, and the preview's pages (None: the
    document's own). Made by ``render_for_print``, which touches no widget."""

    printed: list[PageImage]
    shown: list[PageImage] | None


def render_for_print(pdf: bytes, preview_pdf: bytes = b"") -> RenderedPages:
    """Rasterise ``pdf`` (and its preview) in this process; safe off the GUI thread."""
    shown = render_pages(preview_pdf, PREVIEW_DPI) if preview_pdf else None
    return RenderedPages(render_pages(pdf, PRINT_DPI), shown)


def preview_and_print(
    parent: QWidget,
    pdf: bytes,
    title: str,
    printer_name: str = "",
    preview_pdf: bytes = b"",
    rendered: RenderedPages | None = None,
    papers: SlipPapers | None = None,
) -> bool:
    """The print preview of ``preview_pdf`` (or of ``pdf`` itself when none is given); ``pdf``'s
    pages are what gets printed. ``rendered``: the pages already rendered off the GUI thread
    (``render_for_print``). ``papers``: a slip's paper list (``papers.paper`` is then the paper
    printed). True only when the pages went to a printer."""
    printing = print_support()
    try:
        rendered = rendered or render_for_print(pdf, preview_pdf)
    except Exception as exc:  # a PDF PDFium cannot read: say so, count nothing
        QMessageBox.warning(parent, "未能显示打印预览", f"{title}：{exc}")
        return False
    printed = [as_qimage(page) for page in rendered.printed]
    shown = [as_qimage(page) for page in rendered.shown] if rendered.shown else None
    printer = printing.QPrinter(printing.QPrinter.PrinterMode.HighResolution)
    if printer_name:
        printer.setPrinterName(printer_name)
    printer.setDocName(title)
    fit_printer_to(printer, rendered.printed[0])
    dialog = PrintPreview(
        parent, printer, shown or printed, printed, title, pages=rendered.printed, papers=papers
    )
    return dialog.exec() == QDialog.DialogCode.Accepted
