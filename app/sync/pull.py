"""Pull: rosters and the per-person year-to-date file the centre publishes in ``<central>/outbox/``.

Rosters (``outbox/rosters/*.csv|xlsx``) go through the ordinary roster import, each file once
(by its SHA-256). The year-to-date file replaces the window's copy as a whole, keeping only what
other sites paid (this database's own settlements are counted locally). A malformed file is
reported with its line and field and skipped; the previous copy stays in use.
"""

import hashlib
import json
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import delete, select

from app.money import AmountError, parse_amount
from app.services import ServiceError, import_roster
from app.sync import files
from app.sync.package import PackageError
from app.sync.sealing import open_sealed, sync_password
from app.sync.state import YEAR_TO_DATE_SHA
from db import Store
from db.models import RosterImport, Setting, Site
from db.outbox import paused
from db.sync_models import PaidElsewhere

YEAR_TO_DATE_FILE = "year_to_date.jsonl"
YEAR_TO_DATE_FORMAT = "onestop-ytd/1"
ROSTER_SUFFIXES = (".csv", ".xlsx")
POOLS = ("inpatient", "outpatient")
PULL_CLERK = "中心同步"


@dataclass(frozen=True)
class PullResult:
    rosters: tuple[str, ...]
    year_to_date_rows: int | None  # None: the file was absent, unchanged or skipped
    problems: tuple[str, ...]


@dataclass(frozen=True)
class YearToDateRow:
    """One line of the centre's file: what ``site`` paid the person in ``year`` (yuan)."""

    id_number: str
    year: int
    policy: str
    pool: str
    site: str
    base: Decimal
    assistance: Decimal
    layers: dict[str, Decimal]


def pull(store: Store, central: Path, password: str | None = None) -> PullResult:
    folder = central / "outbox"
    problems: list[str] = []
    with store.read() as session:
        password = sync_password(session, password)
    rosters = _pull_rosters(store, folder / "rosters", problems, password)
    rows = _pull_year_to_date(store, folder / YEAR_TO_DATE_FILE, problems, password)
    return PullResult(tuple(rosters), rows, tuple(problems))


def _pull_rosters(
    store: Store, folder: Path, problems: list[str], password: str | None
) -> list[str]:
    if not folder.is_dir():
        return []
    with store.read() as session:
        known = set(session.scalars(select(RosterImport.file_sha256)))
    imported = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.suffix.lower() not in ROSTER_SUFFIXES:
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            problems.append(f"名册 {path.name}：无法读取（{files.reason(exc)}），已跳过")
            continue
        try:
            data = open_sealed(data, password, path.name)
        except PackageError as exc:
            problems.append(f"名册 {exc}，已跳过")
            continue
        if hashlib.sha256(data).hexdigest() in known:
            continue
        # Import a local copy: the share may change or vanish while the rows are read.
        with tempfile.TemporaryDirectory() as work:
            local = Path(work) / path.name
            local.write_bytes(data)
            try:
                # The centre published this roster: sending its rows back would only echo them.
                with paused():
                    report = import_roster(
                        store, local, clerk=PULL_CLERK, source=f"中心下发名册 {path.name}"
                    )
            except ServiceError as exc:
                problems.append(f"名册 {path.name}：{exc}，已跳过")
                continue
        imported.append(path.name)
        problems += [f"名册 {path.name} {problem}，该行已跳过" for problem in report.problems]
    return imported


def _pull_year_to_date(
    store: Store, path: Path, problems: list[str], password: str | None
) -> int | None:
    try:
        data = open_sealed(path.read_bytes(), password, path.name)
    except FileNotFoundError:
        return None
    except OSError as exc:
        problems.append(f"{path.name}：无法读取（{files.reason(exc)}），已跳过")
        return None
    except PackageError as exc:
        problems.append(f"{exc}；仍使用上次的年度累计")
        return None
    digest = hashlib.sha256(data).hexdigest()
    with store.read() as session:
        applied = session.get(Setting, YEAR_TO_DATE_SHA)
        own_sites = set(session.scalars(select(Site.code)))
    if applied is not None and applied.value == digest:
        return None
    try:
        rows = parse_year_to_date(data, path.name)
        years = _years_covered(data, rows, path.name)
    except ValueError as exc:
        problems.append(f"{exc}；整个文件已跳过，仍使用上次的年度累计")
        return None
    elsewhere = [row for row in rows if row.site not in own_sites]
    with store.write() as session:
        # Only the years the file covers: one published for last year alone (in January, say)
        # must not wipe what other sites paid this year.
        stale = delete(PaidElsewhere)
        if years is not None:
            stale = stale.where(PaidElsewhere.year.in_(years))
        session.execute(stale)
        session.add_all(
            PaidElsewhere(
                id_number=row.id_number,
                year=row.year,
                policy_id=row.policy,
                pool=row.pool,
                site_code=row.site,
                base=row.base,
                assistance=row.assistance,
                layers_json=json.dumps({k: str(v) for k, v in row.layers.items()}),
            )
            for row in elsewhere
        )
        setting = session.get(Setting, YEAR_TO_DATE_SHA)
        if setting is None:
            session.add(Setting(key=YEAR_TO_DATE_SHA, value=digest))
        else:
            setting.value = digest
    return len(elsewhere)


def parse_year_to_date(data: bytes, file_name: str) -> list[YearToDateRow]:
    """Check the whole file (header, hash, every field); ValueError naming file, line, field."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{file_name}：不是 UTF-8 文本") from None
    head, _, body = text.partition("\n")
    try:
        header = json.loads(head)
    except json.JSONDecodeError:
        raise ValueError(f"{file_name} 第1行（文件头）：不是 JSON") from None
    if not isinstance(header, dict) or header.get("format") != YEAR_TO_DATE_FORMAT:
        raise ValueError(f"{file_name} 第1行（文件头）：format 应为 {YEAR_TO_DATE_FORMAT}")
    if hashlib.sha256(body.encode("utf-8")).hexdigest() != header.get("body_sha256"):
        raise ValueError(f"{file_name}：内容的 SHA-256 与文件头不符（文件不完整或已损坏）")
    rows = []
    seen: dict[tuple, int] = {}
    for number, line in enumerate(body.splitlines(), start=2):
        row = _year_to_date_row(line, f"{file_name} 第{number}行")
        key = (row.id_number, row.year, row.policy, row.pool, row.site)
        if key in seen:
            raise ValueError(f"{file_name} 第{number}行：与第{seen[key]}行重复")
        seen[key] = number
        rows.append(row)
    if len(rows) != header.get("rows"):
        raise ValueError(f"{file_name}：文件头说有 {header.get('rows')} 行，实有 {len(rows)} 行")
    return rows


def _years_covered(data: bytes, rows: list[YearToDateRow], file_name: str) -> list[int] | None:
    """The years the file replaces, from its header (None: an older file naming none, which
    replaces everything, as before); a row of another year is an error."""
    header = json.loads(data.decode("utf-8").partition("\n")[0])
    years = header.get("years")
    if years is None:
        return None
    if not isinstance(years, list) or not all(isinstance(y, int) for y in years):
        raise ValueError(f"{file_name} 第1行（文件头）：years 应为年份列表，如 [2025, 2026]")
    outside = sorted({row.year for row in rows} - set(years))
    if outside:
        raise ValueError(f"{file_name}：有 {outside[0]} 年的行，文件头只说 {years}")
    return years


def _year_to_date_row(line: str, where: str) -> YearToDateRow:
    try:
        item = json.loads(line)
    except json.JSONDecodeError:
        raise ValueError(f"{where}：不是 JSON") from None
    if not isinstance(item, dict):
        raise ValueError(f"{where}：应为一个 JSON 对象")
    for key in ("id_number", "policy", "site"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise ValueError(f"{where}：字段 {key} 应为非空文本")
    if not isinstance(item.get("year"), int) or not 2000 <= item["year"] <= 2100:
        raise ValueError(f"{where}：字段 year 应为年份，如 2026")
    if item.get("pool") not in POOLS:
        raise ValueError(f"{where}：字段 pool 应为 inpatient 或 outpatient")
    amounts = {}
    for key in ("base", "assistance"):
        amounts[key] = _amount(item.get(key), f"{where}：字段 {key}")
    layers = item.get("layers", {})
    if not isinstance(layers, dict):
        raise ValueError(f"{where}：字段 layers 应为 {{层级: 金额}}")
    return YearToDateRow(
        id_number=item["id_number"].strip().upper(),
        year=item["year"],
        policy=item["policy"],
        pool=item["pool"],
        site=item["site"],
        base=amounts["base"],
        assistance=amounts["assistance"],
        layers={
            str(code): _amount(value, f"{where}：字段 layers.{code}")
            for code, value in layers.items()
        },
    )


def _amount(value: object, where: str) -> Decimal:
    if not isinstance(value, str):  # JSON numbers would arrive as floats
        raise ValueError(f'{where}：金额应写成字符串，如 "1200.50"')
    try:
        return parse_amount(value)
    except AmountError as exc:
        raise ValueError(f"{where}：{exc.reason}") from None
