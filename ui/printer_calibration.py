"""打印机校准: this computer's printers, each with its measured offset and slip paper.

The clerk prints the calibration page on the printer (with the offsets saved so far), measures
where its crosshairs landed, and types the difference: 横向偏移 positive when the print is too
far right, 纵向偏移 positive when too low. The values are checked as typed by the same function
that checks them before they are kept (``app.printing.printer_setup``), and kept per printer
name in this computer's ``printers.json``.
"""

from app.errors import FieldError, FieldErrors
from app.printing.paper_sizes import SLIP_PAPERS
from app.printing.printer_setup import check_setup, parse_offset, save_setup, setup_for
from ui.fields import CheckedLineEdit, ErrorLabel
from ui.ops import run_in_background
from ui.qt import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
    print_support,
)

HOW_TO = (
    "先按已保存的偏移打印校准页，用直尺量十字线中心到纸张左边缘、上边缘的距离，"
    "减去页上标注的距离：偏右、偏下为正，偏左、偏上为负。保存后再打印一张核对。"
    "偏移只用于本机的这台打印机。"
)


class CalibrationDialog(QDialog):
    """``printer``: the printer to start with (its name; "" for the system's default);
    ``paper``: the slip paper to print the calibration page on when the printer has none."""

    def __init__(self, parent: QWidget | None, printer: str = "", paper: str = ""):
        super().__init__(parent)
        self.setWindowTitle("打印机校准")
        self.fallback_paper = paper if paper in SLIP_PAPERS else "A4"
        self.printer = QComboBox(self)
        self.printer.setAccessibleName("打印机")
        printing = print_support()
        names = list(printing.QPrinterInfo.availablePrinterNames())
        chosen = printer or printing.QPrinterInfo.defaultPrinterName()
        if chosen and chosen not in names:
            names.append(chosen)
        for name in names:
            connected = name in printing.QPrinterInfo.availablePrinterNames()
            self.printer.addItem(name if connected else f"{name}（未连接）", name)
        self.printer_error = ErrorLabel(self)
        self.paper = QComboBox(self)
        self.paper.setAccessibleName("结算单纸张")
        self.paper.addItem("按“设置 → 打印”的纸张", "")
        for name, label in SLIP_PAPERS.items():
            self.paper.addItem(label, name)
        self.offset_x = CheckedLineEdit("横向偏移", "毫米，偏右为正、偏左为负，如 1.5")
        self.offset_y = CheckedLineEdit("纵向偏移", "毫米，偏下为正、偏上为负，如 -2")
        self.offset_x.edited.connect(lambda text: self._check("offset_x", self.offset_x, text))
        self.offset_y.edited.connect(lambda text: self._check("offset_y", self.offset_y, text))
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        how = QLabel(HOW_TO, self)
        how.setWordWrap(True)

        form = QFormLayout()
        form.addRow("打印机：", self.printer)
        form.addRow("", self.printer_error)
        form.addRow("结算单纸张：", self.paper)
        form.addRow("横向偏移（毫米）：", self.offset_x)
        form.addRow("纵向偏移（毫米）：", self.offset_y)
        self.print_button = QPushButton("打印校准页…")
        self.print_button.clicked.connect(self.print_page)
        self.save_button = QPushButton("保存")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(how)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.printer.currentIndexChanged.connect(self.load)
        self.printer.setCurrentIndex(max(self.printer.findData(chosen), 0))
        self.load()

    def printer_name(self) -> str:
        return self.printer.currentData() or ""

    def load(self) -> None:
        """Show the chosen printer's saved setup."""
        setup = setup_for(self.printer_name()) if self.printer_name() else None
        self.offset_x.setText(str(setup.offset_x) if setup else "0")
        self.offset_y.setText(str(setup.offset_y) if setup else "0")
        self.paper.setCurrentIndex(max(self.paper.findData(setup.paper if setup else ""), 0))
        self.printer_error.show_error(None)
        self.status.setText("")

    def _check(self, field: str, edit: CheckedLineEdit, text: str) -> None:
        try:
            parse_offset(field, text)
        except FieldError as error:
            edit.set_error(error.message)
        else:
            edit.set_error(None)

    def save(self) -> bool:
        """Keep the fields for the chosen printer; every bad field named under it."""
        fields = {"offset_x": self.offset_x, "offset_y": self.offset_y}
        try:
            setup = check_setup(
                self.offset_x.text(), self.offset_y.text(), self.paper.currentData()
            )
            save_setup(self.printer_name(), setup)
        except FieldErrors as errors:
            for field, edit in fields.items():
                wrong = errors.on(field)
                edit.set_error(wrong.message if wrong else None)
            return False
        except FieldError as error:  # no printer to keep it for
            self.printer_error.show_error(str(error))
            return False
        except OSError as error:
            QMessageBox.warning(self, "未能保存打印机校准", f"打印机校准文件：{error}")
            return False
        for edit in fields.values():
            edit.set_error(None)
        self.status.setText(
            f"已保存：{self.printer_name()} 横向偏移 {setup.offset_x} mm，纵向偏移 {setup.offset_y} mm"
        )
        return True

    def calibration_paper(self) -> str:
        return self.paper.currentData() or self.fallback_paper

    def print_page(self) -> None:
        """The calibration page on the chosen paper, through the usual preview and print (which
        applies the printer's saved offsets); made off the GUI thread."""
        from app.printing.calibration import render_calibration_page
        from ui.printing import preview_and_print, render_for_print

        name, paper = self.printer_name(), self.calibration_paper()
        setup = setup_for(name) if name else check_setup("0", "0", "")

        def make():
            pdf = render_calibration_page(paper, name, setup)
            return pdf, render_for_print(pdf)

        def show(made) -> None:
            pdf, rendered = made
            preview_and_print(self, pdf, "打印机校准页", name, rendered=rendered)

        run_in_background(
            make,
            show,
            lambda error: QMessageBox.warning(self, "未能生成校准页", str(error)),
            owner=self,
        )
