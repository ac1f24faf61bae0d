"""The insurance platform's settlement figures: a day's file imported, an admission's latest
figures (or one file's record for it) for the discharge form, the day's differences."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.desk.records import DischargeCase
    from app.services.insurance_import import DayDifference, ImportedFigures, ImportReport
    from db import Store


def _read(path: str | Path) -> tuple[bytes, str]:
    from app.errors import FieldError
    from app.paths import why_unreadable

    path = Path(path)
    try:
        return path.read_bytes(), path.name
    except OSError as exc:
        raise FieldError("file", f"无法读取 {path}：{why_unreadable(exc)}", "文件") from None


class InsuranceDesk:
    store: Store
    clerk: str

    def import_insurance(self, path: str | Path, day: date) -> ImportReport:
        """Import a platform settlement file for ``day``: all of it or nothing
        (``ImportFileError`` naming each bad line and field)."""
        from app.insurance_import import read_file
        from app.services.insurance_import import import_settlements

        data, name = _read(path)
        records = read_file(data, name)
        return import_settlements(
            self.store,
            records,
            file_name=name,
            file_sha256=hashlib.sha256(data).hexdigest(),
            day=day,
            clerk=self.signed_clerk("导入医保结算"),
        )

    def insurance_figures(self, admission_id: int) -> ImportedFigures | None:
        """The admission's latest imported platform figures, or None."""
        from app.services.insurance_import import latest_figures

        return latest_figures(self.store, admission_id)

    def insurance_figures_from_file(self, path: str | Path, case: DischargeCase) -> ImportedFigures:
        """The record of a platform file for the case being settled (by 住院号, else by ID
        number), read but not stored; ``FieldError`` when the file has none."""
        from app.errors import FieldError
        from app.insurance_import import read_file
        from app.services.insurance_import import ImportedFigures

        data, name = _read(path)
        records = read_file(data, name)
        number = case.admission_number.strip().upper()
        mine = [r for r in records if r.admission_number and r.admission_number.upper() == number]
        if not mine:
            mine = [r for r in records if not r.admission_number and r.id_number == case.id_number]
        if len(mine) != 1:
            how = "没有" if not mine else "有多条"
            raise FieldError(
                "file",
                f"{name} 中{how}住院号 {case.admission_number} 或本人身份证号的结算记录",
                "文件",
            )
        wrong = mine[0].not_of(case.id_number, case.patient_name)
        if wrong:  # the 住院号 typed for someone else: their bill must not fill this one's
            raise FieldError(
                "file",
                f"{name} 中住院号 {case.admission_number} 的记录是{mine[0].name or '另一人'}，"
                f"{wrong}与本次结算的{case.patient_name}不符：不是同一人，请核对文件",
                "文件",
            )
        return ImportedFigures(
            admission_id=case.admission_id or 0,
            import_date=self.now().date(),
            file_name=name,
            amounts=mine[0].amounts_text(),
            funds=mine[0].funds_text(),
        )

    def insurance_differences(self, day: date) -> list[DayDifference]:
        """The day's imports beside their settlements, per fund."""
        from app.services.insurance_import import day_differences

        return day_differences(self.store, day)
