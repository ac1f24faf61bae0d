"""Slips on paper: save the PDF, preview and print it with Qt.

The PDF is made by ``app.printing`` (ReportLab) from the stored settlement. Qt's PDF module is
not part of PySide6-Essentials, so the preview shows the pages as images made by poppler's
``pdftoppm`` when it is installed; otherwise the PDF is opened in the system's viewer.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from ui.qt import (
    QDesktopServices,
    QFileDialog,
    QImage,
    QMessageBox,
    QPageLayout,
    QPainter,
    Qt,
    QUrl,
    QWidget,
    print_support,
)

PRINT_DPI = 200


def save_pdf(parent: QWidget, pdf: bytes, suggested_name: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "保存结算单 PDF", suggested_name, "PDF (*.pdf)")
    if not path:
        return None
    target = Path(path)
    if target.suffix.lower() != ".pdf":
        target = target.with_suffix(".pdf")
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(pdf)
    partial.replace(target)
    return target


def page_images(pdf: bytes, dpi: int = PRINT_DPI) -> list[QImage]:
    """The PDF's pages as images (empty when pdftoppm is not installed)."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        return []
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "slip.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [tool, "-png", "-r", str(dpi), str(source), str(Path(folder) / "page")],
            check=True,
            capture_output=True,
        )
        return [QImage(str(page)) for page in sorted(Path(folder).glob("page*.png"))]


def preview_and_print(parent: QWidget, pdf: bytes, title: str, printer_name: str = "") -> bool:
    """Qt's print preview of the slip's pages; falls back to the system PDF viewer.

    True when the pages went to a printer (the preview accepts only after printing) or were
    handed to the system viewer, which the clerk opens to print."""
    printing = print_support()
    pages = page_images(pdf)
    if not pages:
        open_in_viewer(pdf, title)
        return True
    printer = printing.QPrinter(printing.QPrinter.PrinterMode.HighResolution)
    if printer_name:
        printer.setPrinterName(printer_name)
    printer.setDocName(title)
    if pages[0].width() > pages[0].height():  # the A4 slip has its two copies side by side
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    dialog = printing.QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"打印预览 — {title}")
    dialog.resize(1100, 740)
    dialog.paintRequested.connect(lambda target: _paint(target, pages))
    return dialog.exec() == printing.QPrintPreviewDialog.DialogCode.Accepted


def _paint(printer, pages: list[QImage]) -> None:
    painter = QPainter(printer)
    area = painter.viewport()
    try:
        for index, image in enumerate(pages):
            if index:
                printer.newPage()
            size = image.size()
            size.scale(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setViewport(area.x(), area.y(), size.width(), size.height())
            painter.setWindow(image.rect())
            painter.drawImage(0, 0, image)
    finally:
        painter.end()


def open_in_viewer(pdf: bytes, title: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="slip-"))
    path = folder / f"{title}.pdf"
    path.write_bytes(pdf)
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        QMessageBox.information(None, "结算单 PDF", f"已生成：{path}")
