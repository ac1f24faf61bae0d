"""The insurance platform's settlement figures kept per admission: a file imported for a day
(all its matched records in one transaction, audited), the latest figures of an admission for
the discharge form, and the day's differences between the platform's assistance and ours.

The file itself is read by the pure ``app.insurance_import``.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import FieldError
from app.insurance_import import (
    FundDifference,
    ImportFileError,
    PlatformSettlement,
    compare,
)
from app.services import audit
from app.services.records import admission_settlements, typed_admission_number
from db import Store
from db.models import Admission, InsuranceImport, Person


@dataclass(frozen=True)
class Matched:
    """A record stored for an open admission (amounts as strings, yuan)."""

    line: int
    admission_id: int
    admission_number: str
    name: str
    amounts: dict[str, str]
    funds: dict[str, str]


@dataclass(frozen=True)
class Unmatched:
    line: int
    label: str
    reason: str


@dataclass(frozen=True)
class ImportReport:
    day: date
    matched: tuple[Matched, ...]
    unmatched: tuple[Unmatched, ...]


@dataclass(frozen=True)
class ImportedFigures:
    """The latest platform figures of an admission, as the discharge form fills them."""

    admission_id: int
    import_date: date
    file_name: str
    amounts: dict[str, str]
    funds: dict[str, str]


@dataclass(frozen=True)
class DayDifference:
    """One admission imported on the day, beside its live settlement (``slip_number`` "" when
    not settled yet, and then no ``funds`` compared)."""

    admission_number: str
    name: str
    slip_number: str
    funds: tuple[FundDifference, ...]

    @property
    def differs(self) -> bool:
        return any(fund.differs for fund in self.funds)


def _open_admissions(session: Session, record: PlatformSettlement) -> tuple[list, str]:
    """The open admissions the record names, and why none when there is none."""
    if record.admission_number:
        number = typed_admission_number(record.admission_number)
        query = select(Admission).where(Admission.admission_number == number)
        if session.scalar(query.limit(1)) is None:  # in any case, as the search finds it
            query = select(Admission).where(
                func.upper(Admission.admission_number) == number.upper()
            )
        how = f"住院号 {record.admission_number}"
    else:
        person = session.scalar(select(Person).where(Person.id_number == record.id_number))
        if person is None:
            return [], f"没有身份证号为 {record.id_number} 的人员"
        query = select(Admission).where(Admission.person_id == person.id)
        how = f"身份证号 {record.id_number}"
    found = list(session.scalars(query.order_by(Admission.id)))
    if not found:
        return [], f"没有{how} 的住院登记"
    # The row's certno and psn_name must be the registered person's: a number typed into
    # the wrong row would otherwise fill one patient's bill into another's discharge form.
    theirs = [row for row in found if not record.not_of(row.person.id_number, row.person.name)]
    if not theirs:
        person = found[0].person
        wrong = record.not_of(person.id_number, person.name)
        named = record.name or "（无姓名）"
        if record.id_number:
            named += f"（身份证号 {record.id_number}）"
        return (
            [],
            f"{how} 登记的是{person.name}，此行是{named}：{wrong}不一致，不是同一人，请核对文件",
        )
    usable = [row for row in theirs if _is_open(session, row)]
    if not usable:
        return [], f"{how} 的住院已结算或已撤销"
    return usable, ""


def _is_open(session: Session, admission: Admission) -> bool:
    if admission.cancelled_at is not None:
        return False
    return not any(not row.voided for row in admission_settlements(session, admission.id))


def import_settlements(
    store: Store,
    records: list[PlatformSettlement],
    *,
    file_name: str,
    file_sha256: str,
    day: date,
    clerk: str,
    now: datetime | None = None,
) -> ImportReport:
    """Store every record that names one open admission, in one transaction; list the rest.

    Two records for the same admission refuse the whole file (``ImportFileError``).
    """
    now = now or datetime.now()
    matched: list[Matched] = []
    unmatched: list[Unmatched] = []
    with store.write() as session:
        seen: dict[int, int] = {}
        for record in records:
            found, why = _open_admissions(session, record)
            if len(found) > 1:
                numbers = "、".join(row.admission_number for row in found)
                why = f"有多个未结算的住院（{numbers}），请在文件中写明住院号 ipt_no"
                found = []
            if not found:
                unmatched.append(Unmatched(record.line, record.label, why))
                continue
            admission = found[0]
            if admission.id in seen:
                raise ImportFileError(
                    file_name,
                    [
                        FieldError(
                            f"第{record.line}行",
                            f"与第{seen[admission.id]}行是同一住院（{admission.admission_number}）",
                        )
                    ],
                )
            seen[admission.id] = record.line
            session.add(
                InsuranceImport(
                    admission_id=admission.id,
                    import_date=day,
                    settlement_id=record.settlement_id[:64],
                    file_name=file_name[-255:],
                    file_sha256=file_sha256,
                    line=record.line,
                    amounts_json=json.dumps(record.amounts_text(), ensure_ascii=False),
                    funds_json=json.dumps(record.funds_text(), ensure_ascii=False),
                    figures_json=json.dumps(
                        {key: str(value) for key, value in record.figures.items()}
                    ),
                    imported_at=now,
                    imported_by=clerk,
                )
            )
            matched.append(
                Matched(
                    record.line,
                    admission.id,
                    admission.admission_number,
                    admission.person.name,
                    record.amounts_text(),
                    record.funds_text(),
                )
            )
        if matched:
            audit.record(
                session,
                clerk=clerk,
                action="import",
                entity="insurance_import",
                entity_id=file_sha256[:16],
                changes={
                    "file": file_name,
                    "date": day,
                    "imported": len(matched),
                    "refused": len(unmatched),
                    "admission_number": [row.admission_number for row in matched],
                },
                at=now,
            )
    return ImportReport(day, tuple(matched), tuple(unmatched))


def _figures(row: InsuranceImport) -> ImportedFigures:
    return ImportedFigures(
        admission_id=row.admission_id,
        import_date=row.import_date,
        file_name=row.file_name,
        amounts=json.loads(row.amounts_json),
        funds=json.loads(row.funds_json),
    )


def latest_figures(store: Store, admission_id: int) -> ImportedFigures | None:
    """The admission's most recently imported platform figures, or None."""
    with store.read() as session:
        row = session.scalar(
            select(InsuranceImport)
            .where(InsuranceImport.admission_id == admission_id)
            .order_by(InsuranceImport.id.desc())
            .limit(1)
        )
        return None if row is None else _figures(row)


def day_differences(store: Store, day: date) -> list[DayDifference]:
    """Each admission imported for ``day`` (its latest import that day) beside its live
    settlement: what the platform paid per fund and what we computed, in 住院号 order."""
    found: list[DayDifference] = []
    with store.read() as session:
        rows = session.scalars(
            select(InsuranceImport)
            .where(InsuranceImport.import_date == day)
            .order_by(InsuranceImport.id)
        )
        latest = {row.admission_id: row for row in rows}
        for admission_id, row in latest.items():
            admission = session.get(Admission, admission_id)
            live = [s for s in admission_settlements(session, admission_id) if not s.voided]
            funds: tuple[FundDifference, ...] = ()
            if live:
                funds = tuple(compare(json.loads(row.funds_json), json.loads(live[-1].result_json)))
            found.append(
                DayDifference(
                    admission.admission_number,
                    admission.person.name,
                    live[-1].slip_number if live else "",
                    funds,
                )
            )
    return sorted(found, key=lambda item: item.admission_number)
