"""The audit trail for people: filter it, export it (ID numbers masked), check its hash chain.

``query_audit`` returns rows with every ID number in them masked by the site's pattern; the
viewer and the exports never see a full number. ``verify_audit`` re-computes the hash chain
(``db.audit_chain``) and names the first edited or deleted event; ``audit_head`` is the head
the daily close prints.
"""

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import String, and_, cast, func, or_, select

from app.audit_words import describe, entity_name
from app.paths import write_whole
from app.privacy import mask_text
from app.services.access import ROLE_NAMES
from app.services.settings import OPTIONS, mask_pattern
from app.services.sites import CURRENT_SITE_KEY
from app.sheet_cells import as_text, csv_row, print_setup
from db import Store
from db.audit_chain import Anchor, ChainHead, ChainReport, chain_head, walk_chain
from db.models import Admission, AuditEvent, Person

ACTION_NAMES = {
    "create": "新建",
    "change": "修改",
    "void": "作废",
    "override": "主管放行",
    "late_copy": "结算后补交材料",
    "import": "导入",
    "print": "打印",
    "export": "导出",
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出登录",
    "lockout": "锁定账户",
    "unlock": "解锁账户",
    "approve": "核准",
    "refuse": "拒绝核准",
    "backup": "备份",
    "restore": "恢复",
    "restore_replay": "恢复后放回已发送的变更",
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
    object_number: str = ""  # what a clerk knows the object by (an admission's 住院号)
    words: str = ""  # the changes in words (app.audit_words), ID numbers masked

    @property
    def action_name(self) -> str:
        return ACTION_NAMES.get(self.action, self.action)

    def cells(self) -> tuple:
        return (
            self.id,
            f"{self.at:%Y-%m-%d %H:%M:%S}",
            self.clerk,
            self.action_name,
            entity_name(self.entity),
            self.object_number or self.entity_id,
            self.words or self.changes,
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
        query = query.where(_about(wanted.entity_id))
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
        events = list(session.scalars(query))
        parsed = [_changes(e.changes_json) for e in events]
        known = _KnownObjects.read(session, events, parsed)
    setting_names = _setting_names()
    rows = []
    for e, changes in zip(events, parsed, strict=True):
        words = describe(
            e.changes_json,
            setting_names,
            known.shown(changes),
            known.value_names(changes),
            entity=e.entity,
        )
        rows.append(
            AuditRow(
                e.id,
                e.at,
                mask_text(e.clerk, pattern),
                e.action,
                e.entity,
                mask_text(e.entity_id, pattern),
                mask_text(e.changes_json, pattern),
                mask_text(known.number(e.entity, e.entity_id, changes), pattern),
                mask_text(words, pattern),
            )
        )
    return rows


def _changes(changes_json: str) -> dict:
    try:
        changes = json.loads(changes_json)
    except ValueError:
        return {}
    return changes if isinstance(changes, dict) else {}


def _setting_names() -> dict[str, str]:
    names = {key: option.label for key, option in OPTIONS.items()}
    names.update({option.row: option.label for option in OPTIONS.values() if option.row})
    names[CURRENT_SITE_KEY] = "当前站点"
    return names


def _about(wanted: str):
    """Events about the object a supervisor typed: its code, or an admission's 住院号."""
    admissions = (
        select(cast(Admission.id, String))
        .where(func.upper(Admission.admission_number) == wanted.strip().upper())
        .scalar_subquery()
    )
    return or_(
        AuditEvent.entity_id == wanted.strip(),
        and_(AuditEvent.entity == "admission", AuditEvent.entity_id.in_(admissions)),
    )


@dataclass
class _KnownObjects:
    """What the events refer to by internal id or code, as a clerk knows it: an admission's
    住院号 (and its policy, for the names of its documents), a person's name, a policy's title.
    Read in two queries for all the events at once."""

    admissions: dict[int, tuple[str, str]]  # id -> (住院号, policy id)
    people: dict[int, str]
    policy_titles: dict[str, str] = field(default_factory=dict)
    documents: dict[str, dict[str, str]] = field(default_factory=dict)  # by policy id

    @classmethod
    def read(cls, session, events, parsed: list[dict]) -> "_KnownObjects":
        admission_ids, person_ids = set(), set()
        for e, changes in zip(events, parsed, strict=True):
            if e.entity == "admission" and e.entity_id.isdigit():
                admission_ids.add(int(e.entity_id))
            if e.entity == "person" and e.entity_id.isdigit():
                person_ids.add(int(e.entity_id))
            if isinstance(changes.get("admission_id"), int):
                admission_ids.add(changes["admission_id"])
            if isinstance(changes.get("person_id"), int):
                person_ids.add(changes["person_id"])
        admissions = session.execute(
            select(Admission.id, Admission.admission_number, Admission.policy_id).where(
                Admission.id.in_(admission_ids)
            )
        ).all()
        people = session.execute(
            select(Person.id, Person.name).where(Person.id.in_(person_ids))
        ).all()
        return cls({a: (n, p) for a, n, p in admissions}, dict(people), _policy_titles())

    def _admission(self, changes: dict) -> tuple[str, str] | None:
        admission_id = changes.get("admission_id")
        return self.admissions.get(admission_id) if isinstance(admission_id, int) else None

    def number(self, entity: str, entity_id: str, changes: dict) -> str:
        if entity == "admission" and entity_id.isdigit() and int(entity_id) in self.admissions:
            return f"住院号 {self.admissions[int(entity_id)][0]}"
        if entity == "person" and entity_id.isdigit() and int(entity_id) in self.people:
            return self.people[int(entity_id)]
        if entity in ("checklist_item", "scan") and self._admission(changes):
            return f"住院号 {self._admission(changes)[0]}"
        return ""

    def shown(self, changes: dict) -> dict[str, str]:
        shown = {}
        if self._admission(changes):
            shown["admission_id"] = f"住院号 {self._admission(changes)[0]}"
        person = changes.get("person_id")
        if isinstance(person, int) and person in self.people:
            shown["person_id"] = self.people[person]
        return shown

    def value_names(self, changes: dict) -> dict[str, dict[str, str]]:
        titles = self.policy_titles
        names = {"role": ROLE_NAMES, "policy": titles, "default_policy": titles}
        admission = self._admission(changes)
        if admission is not None:
            policy_id = admission[1]
            if policy_id not in self.documents:
                self.documents[policy_id] = _document_names(policy_id)
            names["document"] = self.documents[policy_id]
        return names


def _policy_titles() -> dict[str, str]:
    from app.services.policies import installed_policies

    return {pid: p.definition.title for pid, p in installed_policies().items()}


def _document_names(policy_id: str) -> dict[str, str]:
    """A policy's document codes and names (its newest version's, first stage naming each)."""
    from app.services.policies import installed_policies

    loaded = installed_policies().get(policy_id)
    if loaded is None:
        return {}
    names: dict[str, str] = {}
    for stage_documents in loaded.definition.versions[-1].documents.values():
        for document in stage_documents:
            names.setdefault(document.code, document.name)
    return names


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
    print_setup(sheet, "审计记录")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_audit(
    store: Store,
    out: Path,
    wanted: AuditFilter = AuditFilter(),
    *,
    clerk: str,
    now: datetime | None = None,
) -> int:
    """Write the matching events to ``out`` (.csv or .xlsx by its suffix) and record the
    export on the trail (``clerk``, the file, how many rows, the filter); returns the count."""
    from app.services import audit

    rows = query_audit(store, wanted)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(f"导出文件应以 .csv 或 .xlsx 结尾：{out.name}")
    data = audit_csv(rows) if suffix == ".csv" else audit_xlsx(rows)
    write_whole(out, data)
    with store.write() as session:
        audit.record(
            session,
            clerk=clerk,
            action="export",
            entity="audit_event",
            entity_id=out.name[:64],
            changes={
                "rows": len(rows),
                "filter": {k: str(v) for k, v in vars(wanted).items() if v},
            },
            at=now,
        )
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
