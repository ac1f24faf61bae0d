"""查看扫描件: an attached image, or every page of an attached PDF (rendered in-process by
PDFium, as the print preview does), in a scrolling window; Esc closes it."""

from app.printing.raster import render_pages
from ui.fitting import fit_to_screen
from ui.qt import (
    QDialog,
    QDialogButtonBox,
    QImage,
    QLabel,
    QPixmap,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

VIEW_DPI = 110


def scan_pixmaps(data: bytes, media_type: str) -> list[QPixmap]:
    """The scan's pictures: one per PDF page, or the one image."""
    if media_type == "application/pdf":
        pixmaps = []
        for page in render_pages(data, VIEW_DPI):
            image = QImage(
                page.pixels, page.width, page.height, page.stride, QImage.Format.Format_RGB888
            )
            pixmaps.append(QPixmap.fromImage(image.copy()))
        return pixmaps
    pixmap = QPixmap()
    return [pixmap] if pixmap.loadFromData(data) else []


class ScanViewer(QDialog):
    def __init__(self, title: str, data: bytes, media_type: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"扫描件 — {title}")
        fit_to_screen(self, 900, 700)
        pages = QWidget()
        column = QVBoxLayout(pages)
        self.pages = scan_pixmaps(data, media_type)
        for pixmap in self.pages:
            label = QLabel()
            label.setPixmap(pixmap)
            column.addWidget(label)
        if not self.pages:
            column.addWidget(QLabel("无法显示这份扫描件（文件格式不认识）。"))
        scroll = QScrollArea(self)
        scroll.setWidget(pages)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
