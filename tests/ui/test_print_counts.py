"""A reprint is marked 补打 only after a print really happened: a preview closed without
printing does not count, a print and a saved PDF do."""

import io

from pypdf import PdfReader

import ui.main_window as main_window
from ui import ops


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_only_a_real_print_makes_the_next_copy_a_reprint(qtbot, window, settled_slip, monkeypatch):
    slip = settled_slip
    answers = iter([False, True, True])
    seen = []
    shown = []

    def preview(_parent, pdf, title, _printer, preview_pdf, rendered, papers):
        seen.append(pdf)
        shown.append(preview_pdf)
        # The pages arrive rendered (off the GUI thread): the slip and its 预览 page.
        assert rendered.printed and rendered.shown
        return next(answers)

    monkeypatch.setattr(main_window, "preview_and_print", preview)
    for expected in (1, 2, 3):
        window.print_slip(slip)
        # rendering and rasterising run off the GUI thread: a loaded CI host took over 5 s
        qtbot.waitUntil(lambda n=expected: len(seen) == n and ops.pending() == 0, timeout=30_000)
        if expected == 1:  # closed unprinted: the window says so until something else is said
            assert f"结算单 {slip} 未打印" in window.statusBar().currentMessage()
    closed_unprinted, first_print, second_print = (text_of(pdf) for pdf in seen)
    assert "补打" not in closed_unprinted
    assert "补打" not in first_print  # the preview before it was closed without printing
    assert "补打" in second_print
    # What the clerk sees before printing is marked as a preview; the slip printed is not.
    assert all("预览" in text_of(pdf) for pdf in shown)
    assert not any("预览" in text_of(pdf) for pdf in seen)
