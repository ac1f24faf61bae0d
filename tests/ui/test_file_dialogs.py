"""File dialogs open in the user's documents the first time, then where the clerk last went
for the same purpose (not in the program's folder), each purpose on its own."""

from pathlib import Path

from ui import folders
from ui.printing import save_pdf
from ui.qt import QFileDialog


def test_save_dialog_starts_in_documents_then_remembers_per_purpose(window, tmp_path, monkeypatch):
    documents = tmp_path / "文档"
    documents.mkdir()
    monkeypatch.setattr(folders, "documents", lambda: str(documents))
    chosen = tmp_path / "结算单存档"
    chosen.mkdir()
    asked = []

    def answer(parent, caption, start, filters):
        asked.append(start)
        return str(chosen / "甲.pdf"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    save_pdf(window, b"%PDF-1.4", "结算单 LX01-2026-000001.pdf")
    save_pdf(window, b"%PDF-1.4", "结算单 LX01-2026-000002.pdf")
    assert asked == [
        str(documents / "结算单 LX01-2026-000001.pdf"),
        str(chosen / "结算单 LX01-2026-000002.pdf"),
    ]
    assert (chosen / "甲.pdf").read_bytes() == b"%PDF-1.4"
    # Another purpose keeps its own folder; a folder since removed falls back to documents.
    assert folders.start_in(window, "scans") == str(documents)
    folders.remember(window, "scans", str(tmp_path / "gone" / "scan.png"))
    assert folders.start_in(window, "scans") == str(documents)
    assert Path(folders.start_in(window, "pdf")) == chosen


def test_print_to_a_file_by_bare_name_lands_in_documents(window, tmp_path, monkeypatch):
    from ui import printing
    from ui.qt import QDialog

    documents = tmp_path / "文档"
    documents.mkdir()
    monkeypatch.setattr(folders, "documents", lambda: str(documents))
    support = printing.print_support()
    printer = support.QPrinter()
    printer.setOutputFormat(support.QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName("LX01-2026-000001.pdf")  # what Qt's dialog offers: a bare name

    class Confirmed:
        def __init__(self, *args):
            pass

        def exec(self):
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(support, "QPrintDialog", Confirmed)
    assert printing.choose_printer(window, printer)
    assert printer.outputFileName() == str(documents / "LX01-2026-000001.pdf")
    assert folders.start_in(window, "print") == str(documents)
