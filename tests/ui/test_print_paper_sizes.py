"""Print acceptance for every slip paper: the slip goes through the window's preview and a real
``QPrinter`` writing a PDF file; that file is rendered at 150 dpi by pdftoppm and its barcode read
back by zbarimg (never an empty decode), on a sheet of the paper's size; the preview PDF has no
barcode. A calibrated printer's offset moves the print the other way, by the millimetres typed."""

import subprocess
from decimal import Decimal

import pytest

import ui.printing as printing
from app.printing.paper_sizes import SHEET_MM, SLIP_PAPERS
from app.printing.printer_setup import PrinterSetup, save_setup, setup_for
from app.printing.raster import render_pages
from ui.qt import print_support

PAPERS = sorted(SLIP_PAPERS)
DPI = 150


def pdf_printer(out):
    qt_printing = print_support()
    printer = qt_printing.QPrinter(qt_printing.QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(qt_printing.QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    return printer


def render_150dpi(pdf_file, folder, stem) -> list:
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(DPI), str(pdf_file), str(folder / stem)], check=True
    )
    return sorted(folder.glob(f"{stem}-*.png"))


def zbar(image) -> list[str]:
    done = subprocess.run(
        ["zbarimg", "-q", "--raw", "-Sdisable", "-Scode128.enable", str(image)],
        capture_output=True,
        text=True,
    )
    return done.stdout.split()


def page_size_mm(pdf_file) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf_file)], capture_output=True, text=True, check=True)
    line = next(row for row in info.stdout.splitlines() if row.startswith("Page size:"))
    width, _x, height = line.split()[2:5]
    return float(width) / 72 * 25.4, float(height) / 72 * 25.4


def print_through_preview(qtbot, monkeypatch, pdf, preview, out, printer_name=""):
    """The window's own path: PrintPreview shows the preview pages, 打印 paints the slip's
    pages on the QPrinter (the print dialog confirmed, the printer called ``printer_name``)."""
    printer = pdf_printer(out)
    rendered = printing.render_for_print(pdf, preview)
    printing.fit_printer_to(printer, rendered.printed[0])
    monkeypatch.setattr(printing, "choose_printer", lambda _parent, _printer: True)
    monkeypatch.setattr(printing, "printer_key", lambda _printer: printer_name)
    shown = [printing.as_qimage(page) for page in rendered.shown]
    printed = [printing.as_qimage(page) for page in rendered.printed]
    dialog = printing.PrintPreview(None, printer, shown, printed, "结算单", pages=rendered.printed)
    qtbot.addWidget(dialog)
    dialog.print_pages()
    assert dialog.result() == dialog.DialogCode.Accepted
    return out


@pytest.mark.parametrize("paper", PAPERS)
def test_each_paper_prints_through_a_qprinter_and_scans_back(
    qtbot, desk, settled_slip, tmp_path, monkeypatch, paper
):
    slip = desk.slip_pdf(settled_slip, paper=paper)
    preview = desk.slip_pdf(settled_slip, paper=paper, preview=True)
    out = print_through_preview(qtbot, monkeypatch, slip, preview, tmp_path / "printed.pdf")

    width, height = page_size_mm(out)
    assert (round(width), round(height)) == SHEET_MM[paper]
    images = render_150dpi(out, tmp_path, "printed")
    # both copies: one sheet on A4 and 241×279, a sheet each on A5 and 241×140
    assert len(images) == (1 if paper in ("A4", "241x279") else 2)
    for image in images:
        symbols = zbar(image)
        assert symbols, f"{paper}: zbarimg found no barcode on {image.name}"
        assert set(symbols) == {settled_slip}

    preview_file = tmp_path / "preview.pdf"
    preview_file.write_bytes(preview)
    for image in render_150dpi(preview_file, tmp_path, "preview"):
        assert zbar(image) == []


# Darker than this is ink; Qt's PDF writer compresses the page image, and its faint ringing
# around the bars is not.
INK_BELOW = 200
_INK = bytes(0 if value < INK_BELOW else 255 for value in range(256))


def ink_box(pdf_file) -> tuple[int, int]:
    """(left, top) in 150 dpi pixels of the first page's ink."""
    [page, *_] = render_pages(pdf_file.read_bytes(), DPI)
    rows = [
        page.pixels[row * page.stride : row * page.stride + page.width * 3].translate(_INK)
        for row in range(page.height)
    ]
    inked = [row for row in rows if row.strip(b"\xff")]
    top = next(index for index, row in enumerate(rows) if row.strip(b"\xff"))
    left = min(len(row) - len(row.lstrip(b"\xff")) for row in inked) // 3
    return left, top


@pytest.mark.parametrize("paper", ["241x140", "A4"])
def test_a_calibrated_printer_moves_the_print_against_its_offset(
    qtbot, desk, settled_slip, tmp_path, monkeypatch, paper
):
    slip = desk.slip_pdf(settled_slip, paper=paper)
    preview = desk.slip_pdf(settled_slip, paper=paper, preview=True)
    plain = print_through_preview(qtbot, monkeypatch, slip, preview, tmp_path / "plain.pdf")
    # measured: the EPSON prints 2 mm too far right and 3 mm too high
    save_setup("EPSON LQ-630K", PrinterSetup(Decimal(2), Decimal(-3), paper))
    moved = print_through_preview(
        qtbot, monkeypatch, slip, preview, tmp_path / "moved.pdf", "EPSON LQ-630K"
    )
    (left0, top0), (left1, top1) = ink_box(plain), ink_box(moved)
    px_per_mm = DPI / 25.4
    assert abs((left1 - left0) - (-2 * px_per_mm)) <= 1.5
    assert abs((top1 - top0) - (3 * px_per_mm)) <= 1.5
    [after, *_] = render_150dpi(moved, tmp_path, "moved")
    assert zbar(after) and set(zbar(after)) == {settled_slip}  # still scans where it landed


def test_preview_changes_the_paper_and_prints_on_it(
    qtbot, desk, settled_slip, tmp_path, monkeypatch
):
    def make_on(paper):
        pdf = desk.slip_pdf(settled_slip, paper=paper)
        preview = desk.slip_pdf(settled_slip, paper=paper, preview=True)
        return pdf, preview, printing.render_for_print(pdf, preview)

    papers = printing.SlipPapers("A4", make_on)
    _pdf, _preview, rendered = make_on("A4")
    out = tmp_path / "changed.pdf"
    printer = pdf_printer(out)
    printing.fit_printer_to(printer, rendered.printed[0])
    monkeypatch.setattr(printing, "choose_printer", lambda _parent, _printer: True)
    as_images = [printing.as_qimage(page) for page in rendered.printed]
    dialog = printing.PrintPreview(
        None, printer, as_images, as_images, "结算单", pages=rendered.printed, papers=papers
    )
    qtbot.addWidget(dialog)
    assert dialog.paper.currentData() == "A4"
    dialog.paper.setCurrentIndex(dialog.paper.findData("241x279"))
    qtbot.waitUntil(lambda: papers.paper == "241x279" and dialog.print_button.isEnabled())
    dialog.print_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    width, height = page_size_mm(out)
    assert (round(width), round(height)) == (241, 279)
    [image] = render_150dpi(out, tmp_path, "changed")
    assert set(zbar(image)) == {settled_slip}


def test_a_printers_own_paper_comes_first(qapp):
    assert printing.slip_paper("EPSON LQ-630K", "A5") == "A5"
    save_setup("EPSON LQ-630K", PrinterSetup(paper="241x140"))
    assert printing.slip_paper("EPSON LQ-630K", "A5") == "241x140"
    assert printing.slip_paper("HP LaserJet", "bogus") == "A4"


def test_calibration_dialog_names_the_bad_field_and_keeps_offsets_per_printer(qtbot):
    from ui.printer_calibration import CalibrationDialog

    dialog = CalibrationDialog(None, "EPSON LQ-630K", "A4")
    qtbot.addWidget(dialog)
    assert dialog.printer_name() == "EPSON LQ-630K"
    dialog.offset_x.setText("25")
    assert dialog.offset_x.error_text() == "横向偏移：请输入 -20 到 20 之间的毫米数"
    dialog.offset_y.setText("abc")
    assert dialog.offset_y.error_text() == "纵向偏移：请输入 -20 到 20 之间的毫米数"
    assert dialog.save() is False
    assert setup_for("EPSON LQ-630K") == PrinterSetup()  # nothing kept

    dialog.offset_x.setText("1.5")
    dialog.offset_y.setText("-2")
    dialog.paper.setCurrentIndex(dialog.paper.findData("241x140"))
    assert dialog.save() is True
    assert dialog.offset_x.error_text() == "" and dialog.offset_y.error_text() == ""
    assert setup_for("EPSON LQ-630K") == PrinterSetup(Decimal("1.5"), Decimal("-2.0"), "241x140")
    assert "已保存" in dialog.status.text()

    again = CalibrationDialog(None, "EPSON LQ-630K")
    qtbot.addWidget(again)
    assert (again.offset_x.text(), again.offset_y.text()) == ("1.5", "-2.0")
    assert again.paper.currentData() == "241x140"


def test_calibration_page_goes_through_the_preview(qtbot, monkeypatch):
    from ui import printer_calibration

    shown = []
    monkeypatch.setattr(
        printing, "preview_and_print", lambda *args, **kwargs: shown.append((args, kwargs))
    )
    dialog = printer_calibration.CalibrationDialog(None, "EPSON LQ-630K", "241x279")
    qtbot.addWidget(dialog)
    dialog.print_page()
    qtbot.waitUntil(lambda: bool(shown))
    (_parent, _pdf, title, name), kwargs = shown[0]
    assert (title, name) == ("打印机校准页", "EPSON LQ-630K")
    page = kwargs["rendered"].printed[0]
    assert (round(page.page_width / 72 * 25.4), round(page.page_height / 72 * 25.4)) == (241, 279)


def test_the_print_is_recorded_on_the_paper_chosen_in_the_preview(
    qtbot, window, settled_slip, monkeypatch
):
    import json

    import ui.main_window as main_window
    from app.services import audit
    from ui import ops

    save_setup("EPSON LQ-630K", PrinterSetup(paper="241x140"))
    window.settings.setValue("print/printer", "EPSON LQ-630K")
    offered = []

    def preview(_parent, pdf, title, _printer, preview_pdf, rendered, papers):
        offered.append((papers.paper, rendered.printed[0].page_width))
        papers.paper = "241x279"  # the clerk picked another paper in the preview
        return True

    monkeypatch.setattr(main_window, "preview_and_print", preview)
    window.print_slip(settled_slip)
    qtbot.waitUntil(lambda: bool(offered) and ops.pending() == 0)
    # first made on the printer's own paper: 241 mm wide
    assert offered[0][0] == "241x140" and round(offered[0][1] / 72 * 25.4) == 241
    with window.desk.store.read() as session:
        prints = [
            e for e in audit.history(session, "settlement", settled_slip) if e.action == "print"
        ]
    assert [json.loads(e.changes_json)["paper"] for e in prints] == ["241x279"]
