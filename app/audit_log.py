"""The audit trail for people: filter it, export it (ID numbers masked), check its hash chain.

``query_audit`` returns rows with every ID number in them masked by the site's pattern; the
viewer and the exports never see a full number. ``verify_audit`` re-computes the hash chain
(``db.audit_chain``) and names the first edited or deleted event; ``audit_head`` is the head
the daily close prints.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from app.privacy import mask_text
from app.services.settings import mask_pattern
from app.sheet_cells import as_text, csv_row
from db import Store
from db.audit_chain import Anchor, ChainHead, ChainReport, chain_head, walk_chain
from db.models import AuditEvent

ACTION_NAMES = {
    "create": "新建",
    "change": "修改",
    "void": "作废",
    "override": "主管放行",
    "import": "导入",
    "print": "打印",
    "export": "导出",
    "login": "登录",
    "login_failed": "登录失败",
    "lockout": "锁定账户",
    "unlock": "解锁账户",
    "approve": "核准",
    "backup": "备份",
    "restore": "恢复",
}
COLUMNS = ("编号", "时间", "操作人", "操作", "对象", "对象编号", "内容")


@dataclass(frozen=True)
class AuditFilter:
    """What to show; every field optional. ``since``/``until`` are dates, both inclusive."""

    clerk: str | None = None
    action: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    since: date | None = None
    until: date | None = None
    text: str | None = None  # a substring of the changes (e.g. a slip number or a reason)


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    clerk: str
    action: str
    entity: str
    entity_id: str
    changes: str  # JSON text, ID numbers masked

    @property
    def action_name(self) -> str:
        return ACTION_NAMES.get(self.action, self.action)

    def cells(self) -> tuple:
        return (
            self.id,
            f"{self.at:%Y-%m-%d %H:%M:%S}",
            self.clerk,
            self.action_name,
            self.entity,
            self.entity_id,
            self.changes,
        )


def query_audit(store: Store, wanted: AuditFilter = AuditFilter(), limit: int | None = None):
    """Events matching ``wanted``, oldest first, ID numbers masked."""
    query = select(AuditEvent).order_by(AuditEvent.id)
    if wanted.clerk:
        query = query.where(AuditEvent.clerk == wanted.clerk)
    if wanted.action:
        query = query.where(AuditEvent.action == wanted.action)
    if wanted.entity:
        query = query.where(AuditEvent.entity == wanted.entity)
    if wanted.entity_id:
        query = query.where(AuditEvent.entity_id == str(wanted.entity_id))
    if wanted.since:
        query = query.where(AuditEvent.at >= datetime.combine(wanted.since, time()))
    if wanted.until:
        query = query.where(AuditEvent.at < datetime.combine(wanted.until + timedelta(1), time()))
    if wanted.text:
        query = query.where(AuditEvent.changes_json.contains(wanted.text, autoescape=True))
    if limit is not None:
        query = query.limit(limit)
    pattern = mask_pattern(store)
    with store.read() as session:
        return [
            AuditRow(
                e.id,
                e.at,
                mask_text(e.clerk, pattern),
                e.action,
                e.entity,
                mask_text(e.entity_id, pattern),
                mask_text(e.changes_json, pattern),
            )
            for e in session.scalars(query)
        ]


def audit_csv(rows: list[AuditRow]) -> bytes:
    """CSV in UTF-8 with a BOM (so Excel reads the Chinese); formulas defused."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(csv_row(row.cells()))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def audit_xlsx(rows: list[AuditRow]) -> bytes:
    """An XLSX sheet; every text cell is stored as text, never as a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "审计记录"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row.cells(), start=1):
            cell = sheet.cell(row=number, column=column)
            cell.value = value
            as_text(cell)
    for letter, width in zip("ABCDEFG", (8, 20, 12, 10, 16, 22, 80), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_audit(store: Store, out: Path, wanted: AuditFilter = AuditFilter()) -> int:
    """Write the matching events to ``out`` (.csv or .xlsx by its suffix); returns the count."""
    rows = query_audit(store, wanted)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(f"导出文件应以 .csv 或 .xlsx 结尾：{out.name}")
    data = audit_csv(rows) if suffix == ".csv" else audit_xlsx(rows)
    partial = out.with_name(out.name + ".part")
    partial.write_bytes(data)
    partial.replace(out)
    return len(rows)


def verify_audit(store: Store, anchors: tuple[Anchor, ...] = ()) -> ChainReport:
    """Re-compute the chain with this computer's audit key and compare it with ``anchors``
    (heads kept outside the store: sync packages, the sent log, the daily close)."""
    key = store.audit_key
    with store.engine.connect() as connection:
        return walk_chain(connection, key, anchors)


def audit_head(store: Store) -> ChainHead:
    """The chain's head (position and digest), for the daily close to print: given back to
    ``audit verify --anchor SEQ:DIGEST`` it shows whether the chain was rewritten since."""
    with store.engine.connect() as connection:
        return chain_head(connection)
