"""Roster import: the civil-affairs / poverty-office list of beneficiaries, from CSV or XLSX.

Every row is checked on its own; good rows are imported, bad rows are reported with their line
number (as the office sees it in Excel, the header being line 1) and the reason.
"""

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from app.identity import IdentityError, parse_resident_id
from app.services import audit
from app.services.errors import ServiceError
from app.services.people import (
    PersonInput,
    add_status,
    ensure_person,
    parse_category,
    parse_date,
)
from app.sheet_cells import from_csv_cell
from db import Store
from db.models import RosterImport

# Header words the offices use, mapped to our fields.
COLUMNS = {
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "姓名": "name",
    "性别": "sex",
    "出生日期": "birth_date",
    "类别": "category",
    "救助类别": "category",
    "人员类别": "category",
    "证件类型": "certificate_type",
    "证件号码": "certificate_number",
    "证号": "certificate_number",
    "有效期起": "valid_from",
    "有效期止": "valid_to",
}
REQUIRED = ("id_number", "name", "category")


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"第{self.line}行：{self.reason}"


@dataclass
class RosterReport:
    import_id: int
    imported: int
    problems: list[RowProblem] = field(default_factory=list)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _decode(raw: bytes) -> str:
    # Offices save CSV from Excel either as UTF-8 (with BOM) or in the Windows Chinese code page.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ServiceError("roster", "文件编码无法识别（应为 UTF-8 或 GBK）")


def read_rows(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, cells) for every row of the first sheet / the CSV, header included."""
    raw = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".csv":
        reader = csv.reader(io.StringIO(_decode(raw), newline=""))
        # A CSV the app wrote (the centre's roster) quotes text that starts like a formula.
        return [(reader.line_num, [from_csv_cell(c.strip()) for c in row]) for row in reader]
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ServiceError("roster", f"无法读取 Excel 文件：{exc}") from None
        return [
            (number, [_cell_text(c) for c in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    raise ServiceError("roster", "只支持 .csv 或 .xlsx 文件")


def _header_map(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        key = COLUMNS.get(title.strip())
        if key and key not in columns:
            columns[key] = index
    missing = [title for title, key in COLUMNS.items() if key in REQUIRED and key not in columns]
    if any(key not in columns for key in REQUIRED):
        raise ServiceError("roster", f"表头缺少必需的列：{'、'.join(dict.fromkeys(missing))}")
    return columns


def import_roster(store: Store, path: Path, *, clerk: str, source: str) -> RosterReport:
    """Import a roster file; ``source`` names the office (e.g. "区民政局 2026年5月低保名册")."""
    path = Path(path)
    if not path.is_file():
        raise ServiceError("roster", f"找不到文件：{path}")
    rows = read_rows(path)
    rows = [(line, cells) for line, cells in rows if any(cells)]
    if not rows:
        raise ServiceError("roster", "文件是空的")
    columns = _header_map(rows[0][1])
    problems: list[RowProblem] = []
    imported = 0
    seen: dict[str, int] = {}
    with store.write() as session:
        batch = RosterImport(
            file_name=path.name,
            file_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
            source=source,
            imported_at=datetime.now(),
            imported_by=clerk,
            rows_imported=0,
            rows_refused=0,
            errors_json="[]",
        )
        session.add(batch)
        session.flush()
        for line, cells in rows[1:]:
            values = {key: (cells[i] if i < len(cells) else "") for key, i in columns.items()}
            number = _normalized_id(values.get("id_number", ""))
            if number in seen:
                problems.append(RowProblem(line, f"身份证号：与第{seen[number]}行重复"))
                continue
            try:
                # A savepoint per row: a refused row leaves the good ones untouched.
                with session.begin_nested():
                    _import_row(session, values, batch.id, source, clerk)
            except ServiceError as exc:
                problems.append(RowProblem(line, str(exc)))
                continue
            seen[number] = line
            imported += 1
        batch.rows_imported = imported
        batch.rows_refused = len(problems)
        batch.errors_json = json.dumps([str(p) for p in problems], ensure_ascii=False)
        audit.record(
            session,
            clerk=clerk,
            action="import",
            entity="roster_import",
            entity_id=batch.id,
            changes={
                "file": path.name,
                "source": source,
                "imported": imported,
                "refused": len(problems),
            },
        )
    return RosterReport(batch.id, imported, problems)


def _normalized_id(text: str) -> str:
    try:
        return parse_resident_id(text).number
    except IdentityError:
        return text


def _import_row(session, values: dict[str, str], import_id: int, source: str, clerk: str) -> None:
    for key in REQUIRED:
        if not values.get(key):
            raise ServiceError(key, "不能为空")
    if "e+" in values["id_number"].lower():
        raise ServiceError(
            "id_number", "在 Excel 中被存成了数字（末几位已丢失），请把该列设为“文本”后重新填写"
        )
    person = ensure_person(
        session,
        PersonInput(
            id_number=values["id_number"],
            name=values["name"],
            sex=values.get("sex") or None,
            birth_date=values.get("birth_date") or None,
        ),
        clerk,
    )
    add_status(
        session,
        person,
        category=parse_category(values["category"]),
        source=source,
        clerk=clerk,
        certificate_type=values.get("certificate_type") or None,
        certificate_number=values.get("certificate_number") or None,
        valid_from=parse_date(values.get("valid_from"), "valid_from"),
        valid_to=parse_date(values.get("valid_to"), "valid_to"),
        roster_import_id=import_id,
    )
