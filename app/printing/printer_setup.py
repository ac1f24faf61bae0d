"""This computer's printers: each one's measured offset and the paper its slips print on.

A printer on a given window computer is off by its own few millimetres (the paper's guide, the
tractor of a dot-matrix printer), so the offsets belong to that printer on this computer, not
to the hospital: they are kept in ``printers.json`` in this computer's data folder (beside
``database.txt``; %LOCALAPPDATA% on Windows, which stays on the machine), keyed by the
printer's name as the system names it. Nothing here is a rule or money; the window reads it
when it prints and its 打印机校准 dialog writes it.

The clerk prints the calibration page (``app.printing.calibration``), measures how far its
crosshairs landed from where they are marked, and enters that: 横向偏移 positive when the
print is too far right, 纵向偏移 positive when it is too low. Printing then shifts the page the
other way.
"""

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from app.errors import FieldError
from app.paths import default_data_dir, write_whole
from app.printing.paper_sizes import SLIP_PAPERS

PRINTERS_FILE = "printers.json"
OFFSET_LIMIT_MM = Decimal(20)
OFFSET_FIELDS = {"offset_x": "横向偏移", "offset_y": "纵向偏移"}
PAPER_LABEL = "结算单纸张"
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class PrinterSetup:
    """One printer's setup on this computer.

    Attributes:
      offset_x, offset_y: how far (mm, Decimal, to 0.1 mm) the printer puts the page right of
        and below where it should be; negative when left or above.
      paper: the slip paper this printer prints on ("" = the user's default paper).
    """

    offset_x: Decimal = Decimal(0)
    offset_y: Decimal = Decimal(0)
    paper: str = ""

    @property
    def correction_mm(self) -> tuple[Decimal, Decimal]:
        """The shift (right, down, mm) that puts the print where it belongs."""
        return -self.offset_x, -self.offset_y


def parse_offset(field: str, text: object) -> Decimal:
    """The offset typed in ``field`` ("offset_x" or "offset_y") in mm, to 0.1 mm; blank is 0.
    FieldError naming the field (横向偏移 / 纵向偏移) when it is not a number from -20 to 20."""
    label = OFFSET_FIELDS[field]
    wrong = FieldError(field, f"请输入 -{OFFSET_LIMIT_MM} 到 {OFFSET_LIMIT_MM} 之间的毫米数", label)
    typed = str(text if text is not None else "").strip().replace("－", "-").replace("．", ".")
    typed = typed.removesuffix("mm").removesuffix("毫米").strip()
    if not typed:
        return Decimal(0)
    try:
        value = Decimal(typed)
    except InvalidOperation:
        raise wrong from None
    if not value.is_finite() or abs(value) > OFFSET_LIMIT_MM:
        raise wrong
    if value != value.quantize(TENTH):
        raise FieldError(field, "最多精确到 0.1 毫米", label)
    return value.quantize(TENTH) + 0  # -0.0 is 0.0


def check_setup(offset_x: object, offset_y: object, paper: str) -> PrinterSetup:
    """A setup from what the dialog holds; every bad field at once (FieldErrors)."""
    from app.errors import FieldErrors

    errors, values = [], {}
    for field, text in (("offset_x", offset_x), ("offset_y", offset_y)):
        try:
            values[field] = parse_offset(field, text)
        except FieldError as error:
            errors.append(error)
    if paper and paper not in SLIP_PAPERS:
        errors.append(FieldError("paper", "应为 " + "、".join(SLIP_PAPERS), PAPER_LABEL))
    if errors:
        raise FieldErrors(errors)
    return PrinterSetup(values["offset_x"], values["offset_y"], paper)


def printers_file() -> Path:
    return default_data_dir() / PRINTERS_FILE


def load_setups(path: Path | None = None) -> dict[str, PrinterSetup]:
    """Every printer's setup kept on this computer; a missing file is none, and an entry
    that no longer reads (edited by hand) is left out rather than printed with."""
    path = path or printers_file()
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    setups = {}
    for name, entry in (kept.get("printers") or {}).items() if isinstance(kept, dict) else ():
        try:
            setups[name] = check_setup(entry["offset_x"], entry["offset_y"], entry["paper"])
        except (FieldError, KeyError, TypeError):
            continue
    return setups


def setup_for(printer_name: str, path: Path | None = None) -> PrinterSetup:
    """The printer's setup, or the neutral one (no offset, the user's paper)."""
    return load_setups(path).get(printer_name, PrinterSetup())


def save_setup(printer_name: str, setup: PrinterSetup, path: Path | None = None) -> None:
    """Keep ``setup`` for ``printer_name`` (the others as they are), written whole."""
    if not printer_name.strip():
        raise FieldError("printer", "请选择打印机", "打印机")
    path = path or printers_file()
    setups = load_setups(path)
    setups[printer_name] = setup
    kept = {
        "printers": {
            name: {"offset_x": str(s.offset_x), "offset_y": str(s.offset_y), "paper": s.paper}
            for name, s in sorted(setups.items())
        }
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(kept, ensure_ascii=False, indent=2) + "\n"
    write_whole(path, text.encode("utf-8"))
