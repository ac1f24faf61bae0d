"""Per-printer offsets on this computer: typed and checked with the field named, kept per printer
name in printers.json, and turned into a shift that never pushes ink off the paper."""

import json
import subprocess
from decimal import Decimal

import pytest

from app.errors import FieldError, FieldErrors
from app.printing.calibration import crosshairs_mm, render_calibration_page
from app.printing.placement import ink_box, page_shift
from app.printing.printer_setup import (
    PrinterSetup,
    check_setup,
    load_setups,
    parse_offset,
    printers_file,
    save_setup,
    setup_for,
)
from app.printing.raster import render_pages


@pytest.mark.parametrize(
    ("typed", "mm"),
    [
        ("1.5", "1.5"),
        ("-2", "-2.0"),
        ("－3.5", "-3.5"),
        ("", "0"),
        ("20", "20.0"),
        (" 0.4mm ", "0.4"),
    ],
)
def test_offsets_are_millimetres_to_a_tenth(typed, mm):
    assert parse_offset("offset_x", typed) == Decimal(mm)


@pytest.mark.parametrize("typed", ["20.1", "-25", "abc", "1,5", "NaN", "Infinity"])
def test_bad_offset_names_the_field_and_the_range(typed):
    with pytest.raises(FieldError) as raised:
        parse_offset("offset_x", typed)
    assert str(raised.value) == "横向偏移：请输入 -20 到 20 之间的毫米数"


def test_every_bad_field_is_named_at_once():
    with pytest.raises(FieldErrors) as raised:
        check_setup("x", "0.25", "B5")
    assert [str(error) for error in raised.value.errors] == [
        "横向偏移：请输入 -20 到 20 之间的毫米数",
        "纵向偏移：最多精确到 0.1 毫米",
        "结算单纸张：应为 A4、A5、241x140、241x279",
    ]


def test_offsets_are_kept_per_printer_in_this_computers_data_folder():
    epson = check_setup("1.5", "-2", "241x140")
    save_setup("EPSON LQ-630K", epson)
    save_setup("HP LaserJet", check_setup("0", "0.5", ""))
    assert setup_for("EPSON LQ-630K") == epson
    assert setup_for("HP LaserJet").offset_y == Decimal("0.5")
    assert setup_for("未保存的打印机") == PrinterSetup()
    kept = json.loads(printers_file().read_text(encoding="utf-8"))
    assert kept["printers"]["EPSON LQ-630K"] == {
        "offset_x": "1.5",
        "offset_y": "-2.0",
        "paper": "241x140",
    }
    # one printer changed, the other kept as it was
    save_setup("EPSON LQ-630K", check_setup("0", "0", "A4"))
    assert setup_for("HP LaserJet").offset_y == Decimal("0.5")
    assert setup_for("EPSON LQ-630K").paper == "A4"


def test_a_hand_edited_entry_that_no_longer_reads_is_not_printed_with(tmp_path):
    path = tmp_path / "printers.json"
    path.write_text(
        json.dumps({"printers": {"坏": {"offset_x": "99", "offset_y": "0", "paper": ""}}}),
        encoding="utf-8",
    )
    assert load_setups(path) == {}
    path.write_text("not json", encoding="utf-8")
    assert load_setups(path) == {}


def test_a_printer_needs_a_name():
    with pytest.raises(FieldError, match="打印机：请选择打印机"):
        save_setup(" ", PrinterSetup())


def test_the_print_moves_against_the_measured_offset_in_whole_pixels():
    page = render_pages(render_calibration_page("A5", "P", PrinterSetup()), 150)[0]
    # printed 1.5 mm too far right and 2 mm too high: moved 1.5 mm left, 2 mm down
    assert page_shift(page, PrinterSetup(Decimal("1.5"), Decimal("-2")), 150) == (-9, 12)
    assert page_shift(page, PrinterSetup(), 150) == (0, 0)


def test_the_shift_stops_where_ink_would_leave_the_paper():
    page = render_pages(render_calibration_page("241x140", "P", PrinterSetup()), 150)[0]
    left, top, right, bottom = ink_box(page)
    far = PrinterSetup(Decimal("20"), Decimal("-20"))
    assert page_shift(page, far, 150) == (-left, page.height - bottom)
    other_way = PrinterSetup(Decimal("-20"), Decimal("20"))
    assert page_shift(page, other_way, 150) == (page.width - right, -top)


def test_calibration_page_has_rulers_crosshairs_and_the_offsets_printed(tmp_path):
    setup = PrinterSetup(Decimal("1.5"), Decimal("-2.0"))
    path = tmp_path / "calibration.pdf"
    path.write_bytes(render_calibration_page("241x140", "EPSON LQ-630K", setup))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "打印机校准页（241×140 mm 连续纸（每联一页））" in text
    assert "EPSON LQ-630K" in text and "横向偏移 1.5 mm、纵向偏移 -2.0 mm" in text
    for x_mm, y_mm in crosshairs_mm("241x140"):
        assert f"距左 {x_mm} mm" in text and f"距上 {y_mm} mm" in text
    numbers = set(text.split())
    assert {str(n) for n in range(20, 231, 10)} <= numbers  # the ruler along the top
