"""How far a long export has got and the time left, for the window's progress bar and the
command line; plain records, no Qt.

The work is counted in units: archiving a slip that was not archived yet weighs as much as
``ARCHIVE_UNITS`` file copies (it is rendered), each case's row in the PDF report
``PDF_UNITS_PER_CASE`` and in the spreadsheet ``XLSX_UNITS_PER_CASE``, each file written counts
one and each file read back and checked one more. The time left is the time so far per unit
done, times the units left.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

ARCHIVE_UNITS = 40
# Measured on a 2,000-case quarter: its PDF report took as long as 5 files per case copied
# and checked, its spreadsheet 1.
PDF_UNITS_PER_CASE = 5
XLSX_UNITS_PER_CASE = 1
# The callback is told at most this often (and always at the end): a window's signal per
# file of a 2,000-case bundle would only slow the export down.
REPORT_EVERY_SECONDS = 0.1


@dataclass(frozen=True)
class ExportProgress:
    """``done`` of ``total`` units (see the module), ``stage`` in words, ``seconds_left``
    estimated (None until anything is done)."""

    stage: str
    done: int
    total: int
    seconds_left: float | None

    @property
    def percent(self) -> int:
        return 100 if not self.total else self.done * 100 // self.total

    def describe(self) -> str:
        """One line for the clerk, e.g. ``正在写入并校验：已完成 60%，预计还需 3 秒``."""
        line = f"{self.stage}：已完成 {self.percent}%"
        if self.done >= self.total:
            return line
        if self.seconds_left is None:
            return f"{line}，正在估计剩余时间"
        return f"{line}，预计还需 {math.ceil(self.seconds_left)} 秒"


ProgressCallback = Callable[[ExportProgress], None]


class ProgressMeter:
    """Counts units done and tells ``report`` (throttled) how far the work has got."""

    def __init__(
        self,
        report: ProgressCallback | None,
        total: int,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.report = report
        self.total = total
        self.done = 0
        self.stage = ""
        self.clock = clock
        self.started = clock()
        self.last_told = -math.inf
        self.done_told = -1

    def enter(self, stage: str) -> None:
        self.stage = stage
        self._tell(force=True)

    def advance(self, units: int = 1) -> None:
        self.done = min(self.total, self.done + units)
        self._tell(force=self.done == self.total)

    def finish(self) -> None:
        self.done = self.total
        if self.done_told != self.total:
            self._tell(force=True)

    def _tell(self, force: bool) -> None:
        if self.report is None:
            return
        now = self.clock()
        if not force and now - self.last_told < REPORT_EVERY_SECONDS:
            return
        self.last_told = now
        self.done_told = self.done
        left = None
        if self.done:
            left = (now - self.started) / self.done * (self.total - self.done)
        self.report(ExportProgress(self.stage, self.done, self.total, left))
