"""PDF pages as pixels, in this process: PDFium (pypdfium2) renders the document, so preview and
printing need no external program (the frozen build ships no poppler).

The window turns a ``PageImage`` into a ``QImage`` and paints it on the ``QPrinter``; the command
line writes it as PNG with ``png_bytes`` (zlib only: no imaging library is needed).
"""

import struct
import threading
import zlib
from dataclasses import dataclass

POINTS_PER_INCH = 72
# PDFium is not thread-safe: pages are rendered one document at a time, from whichever thread
# (the window renders off its GUI thread).
_PDFIUM = threading.Lock()


@dataclass(frozen=True)
class PageImage:
    """One page as 8-bit RGB pixels, rows top to bottom, ``stride`` bytes apart.

    Attributes:
      width, height: the image in pixels.
      page_width, page_height: the PDF page in points (1/72 inch), landscape when wider.
    """

    width: int
    height: int
    stride: int
    pixels: bytes
    page_width: float
    page_height: float


def render_pages(pdf: bytes, dpi: int) -> list[PageImage]:
    """Every page of ``pdf`` at ``dpi`` pixels per inch, white background."""
    with _PDFIUM:
        return _render(pdf, dpi)


def _render(pdf: bytes, dpi: int) -> list[PageImage]:
    import pypdfium2  # only when a page is rendered: not at the window's start (memory)

    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            try:
                width, height = page.get_size()
                bitmap = page.render(scale=dpi / POINTS_PER_INCH, rev_byteorder=True)
                try:
                    pages.append(_rgb_page(bitmap, width, height))
                finally:
                    bitmap.close()
            finally:
                page.close()
        return pages
    finally:
        document.close()


def _rgb_page(bitmap, page_width: float, page_height: float) -> PageImage:
    pixels = bytes(bitmap.buffer)
    channels = bitmap.n_channels
    if channels != 3:  # PDFium chose 4 bytes a pixel (RGBX): keep R, G, B
        rows = []
        for row in range(bitmap.height):
            start = row * bitmap.stride
            line = pixels[start : start + bitmap.width * channels]
            rgb = bytearray(bitmap.width * 3)
            for offset in range(3):
                rgb[offset::3] = line[offset::channels]
            rows.append(bytes(rgb))
        return PageImage(
            bitmap.width, bitmap.height, bitmap.width * 3, b"".join(rows), page_width, page_height
        )
    return PageImage(bitmap.width, bitmap.height, bitmap.stride, pixels, page_width, page_height)


def png_bytes(image: PageImage, dpi: int) -> bytes:
    """The page as a PNG file (8-bit RGB), its resolution recorded in the pHYs chunk."""
    row_bytes = image.width * 3
    raw = b"".join(
        b"\x00" + image.pixels[row * image.stride : row * image.stride + row_bytes]
        for row in range(image.height)
    )
    per_metre = round(dpi / 0.0254)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", struct.pack(">IIBBBBB", image.width, image.height, 8, 2, 0, 0, 0)),
            _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            _chunk(b"IDAT", zlib.compress(raw, 6)),
            _chunk(b"IEND", b""),
        ]
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
