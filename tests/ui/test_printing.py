"""The window's print path, with no external program: pages rendered in-process, a real
``QPrinter`` writing a PDF file, the barcode read back from that file at 150 dpi by zbarimg;
the preview shows the 预览 pages, never the slip."""

import subprocess

import pytest

import ui.printing as printing
from ui.qt import QImage, print_support


def decode_150dpi(pdf_file, folder) -> list[list[str]]:
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf_file), str(folder / "p")], check=True)
    pages = []
    for image in sorted(folder.glob("p-*.png")):
        done = subprocess.run(
            ["zbarimg", "-q", "--raw", "-Sdisable", "-Scode128.enable", str(image)],
            capture_output=True,
            text=True,
        )
        pages.append(done.stdout.split())
    return pages


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_print_through_a_real_qprinter_scans_back(
    qtbot, desk, settled_slip, tmp_path, monkeypatch, paper
):
    slip = desk.slip_pdf(settled_slip, paper=paper)
    preview = desk.slip_pdf(settled_slip, paper=paper, preview=True)
    qt_printing = print_support()
    printer = qt_printing.QPrinter(qt_printing.QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(qt_printing.QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    rendered = printing.render_pages(slip, printing.PRINT_DPI)
    printing.fit_printer_to(printer, rendered[0])
    shown = printing.page_images(preview, printing.PREVIEW_DPI)
    printed = [printing.as_qimage(page) for page in rendered]
    painted = []
    real_paint = printing.paint_pages
    monkeypatch.setattr(
        printing,
        "paint_pages",
        lambda target, pages, *shifts: (painted.append(pages), real_paint(target, pages, *shifts)),
    )
    monkeypatch.setattr(printing, "choose_printer", lambda _parent, _printer: True)
    dialog = printing.PrintPreview(None, printer, shown, printed, "结算单")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(painted))
    assert painted[0] is shown  # the preview widget draws the 预览 pages
    dialog.print_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert painted[-1] is printed
    pages = decode_150dpi(out, tmp_path)
    assert pages == [[settled_slip]] * (1 if paper == "A4" else 2)


def test_preview_and_print_runs_no_program(qtbot, desk, settled_slip, monkeypatch):
    """No subprocess anywhere in the print path (the frozen build has no poppler)."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"external program run: {args}")

    monkeypatch.setattr(subprocess, "run", refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(printing.PrintPreview, "exec", lambda self: self.DialogCode.Rejected)
    slip = desk.slip_pdf(settled_slip)
    preview = desk.slip_pdf(settled_slip, preview=True)
    assert printing.preview_and_print(None, slip, "结算单", preview_pdf=preview) is False
    assert all(isinstance(image, QImage) for image in printing.page_images(preview))
