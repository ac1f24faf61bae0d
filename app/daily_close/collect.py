"""The day's records: settlements, voids, reprints, totals, slip-number runs and gaps."""

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.bundle.cases import BundleCase, Totals, case_from_orm, fund_lines, totals
from app.printing.from_store import PRINT_ACTION
from app.services.errors import ServiceError
from db.audit_chain import ChainHead, chain_head
from db.models import Admission, AuditEvent, Person, Settlement, Site

_SEQUENCE = re.compile(r"^(?P<prefix>.+-\d{4}-)(?P<sequence>\d+)$")


@dataclass(frozen=True)
class VoidLine:
    slip_number: str
    settled_at: datetime
    settled_by: str
    voided_at: datetime
    voided_by: str
    reason: str
    advanced: Decimal  # what the void gives back (yuan)


@dataclass(frozen=True)
class ReprintLine:
    slip_number: str
    at: datetime
    clerk: str
    times: int  # the n-th reprint of this slip


@dataclass(frozen=True)
class PolicyLine:
    policy_id: str
    title: str
    totals: Totals


@dataclass(frozen=True)
class DailyClose:
    """One day at the window. ``clerk`` None: the whole window. Money in yuan (Decimal).

    Attributes:
      settlements: the day's settlements (of the clerk), voided ones included, oldest first.
      policy_titles: policy id → title, for the settlements' policies.
      totals: sums over the settlements not voided (advanced, hospital_reduction, …, by_fund).
      by_policy: the same per policy.
      runs: the day's slip numbers (of the clerk) as (first, last, count) runs of
        consecutive numbers.
      gaps: numbers missing from the site's sequence up to the day's last one (any clerk).
    """

    day: date
    clerk: str | None
    site_code: str
    site_name: str
    settlements: tuple[BundleCase, ...]
    settled_by: dict[str, str]
    policy_of: dict[str, str]
    voids: tuple[VoidLine, ...]
    reprints: tuple[ReprintLine, ...]
    totals: Totals
    by_policy: tuple[PolicyLine, ...]
    runs: tuple[tuple[str, str, int], ...]
    gaps: tuple[str, ...]
    chain: ChainHead
    made_at: datetime

    @property
    def who(self) -> str:
        return self.clerk or "全部经办人（整个窗口）"

    @property
    def fund_lines(self) -> list[tuple[str, Decimal]]:
        return fund_lines(self.totals)

    @property
    def slip_count(self) -> int:
        return sum(count for _first, _last, count in self.runs)


def collect_daily_close(
    session: Session,
    site_code: str,
    day: date,
    clerk: str | None = None,
    *,
    titles: dict[str, str] | None = None,
    now: datetime | None = None,
) -> DailyClose:
    """The day's close for ``clerk`` (None: every clerk of the site)."""
    site = session.get(Site, site_code)
    if site is None:
        raise ServiceError("site", f"没有站点“{site_code}”")
    start = datetime.combine(day, time())
    after = start + timedelta(days=1)
    clerk = (clerk or "").strip() or None
    query = (
        select(Settlement, Person, Admission)
        .join(Person, Settlement.person_id == Person.id)
        .outerjoin(Admission, Settlement.admission_id == Admission.id)
        .where(
            Settlement.site_code == site_code,
            Settlement.settled_at >= start,
            Settlement.settled_at < after,
        )
        .order_by(Settlement.slip_number)
    )
    if clerk:
        query = query.where(Settlement.settled_by == clerk)
    rows = session.execute(query).all()
    cases = tuple(
        _as_at(case_from_orm(settlement, person, admission, ()), settlement, after)
        for settlement, person, admission in rows
    )
    settled_by = {settlement.slip_number: settlement.settled_by for settlement, _, _ in rows}
    policies = {settlement.slip_number: settlement.policy_id for settlement, _, _ in rows}
    by_policy = []
    for policy_id in sorted(set(policies.values())):
        group = [case for case in cases if policies[case.slip_number] == policy_id]
        title = (titles or {}).get(policy_id, policy_id)
        by_policy.append(PolicyLine(policy_id, title, totals(group)))
    return DailyClose(
        day=day,
        clerk=clerk,
        site_code=site.code,
        site_name=site.name,
        settlements=cases,
        settled_by=settled_by,
        policy_of=policies,
        voids=_voids(session, site_code, start, after, clerk),
        reprints=_reprints(session, start, after, clerk, site_code),
        totals=totals(cases),
        by_policy=tuple(by_policy),
        runs=_runs([case.slip_number for case in cases]),
        gaps=_gaps(session, site_code, start, after),
        chain=chain_head(session.connection()),
        made_at=now or datetime.now(),
    )


def _as_at(case, settlement: Settlement, after: datetime):
    """The case as it stood at the day's end: a slip voided on a later day still counts on its
    own day's close (that close was signed and handed over with it; printed again later it
    reads the same), and its void is listed on the day it was made."""
    if case.voided and settlement.voided_at is not None and settlement.voided_at >= after:
        return replace(case, voided=False)
    return case


def _voids(session, site_code, start, after, clerk) -> tuple[VoidLine, ...]:
    query = (
        select(Settlement)
        .where(
            Settlement.site_code == site_code,
            Settlement.voided_at >= start,
            Settlement.voided_at < after,
        )
        .order_by(Settlement.voided_at, Settlement.slip_number)
    )
    if clerk:
        query = query.where(or_(Settlement.settled_by == clerk, Settlement.voided_by == clerk))
    lines = []
    for row in session.scalars(query):
        case = case_from_orm(row, row.person, None, ())
        lines.append(
            VoidLine(
                row.slip_number,
                row.settled_at,
                row.settled_by,
                row.voided_at,
                row.voided_by or "",
                row.void_reason or "",
                case.amounts["advanced"],
            )
        )
    return tuple(lines)


def _reprints(session, start, after, clerk, site_code) -> tuple[ReprintLine, ...]:
    query = (
        select(AuditEvent)
        .where(
            AuditEvent.action == PRINT_ACTION,
            AuditEvent.entity == "settlement",
            AuditEvent.at < after,
            AuditEvent.entity_id.like(f"{site_code}-%"),
        )
        .order_by(AuditEvent.id)
    )
    seen: dict[str, int] = {}
    lines = []
    for event in session.scalars(query):
        before = seen.get(event.entity_id, 0)
        seen[event.entity_id] = before + 1
        if before and event.at >= start and (not clerk or event.clerk == clerk):
            lines.append(ReprintLine(event.entity_id, event.at, event.clerk, before))
    return tuple(lines)


def _split(slip_number: str) -> tuple[str, int] | None:
    match = _SEQUENCE.match(slip_number)
    return (match["prefix"], int(match["sequence"])) if match else None


def _runs(numbers: list[str]) -> tuple[tuple[str, str, int], ...]:
    runs: list[list] = []
    for number in sorted(numbers, key=lambda n: _split(n) or (n, 0)):
        parts = _split(number)
        if runs and parts:
            prefix, sequence = parts
            last = _split(runs[-1][1])
            if last and last[0] == prefix and last[1] + 1 == sequence:
                runs[-1][1] = number
                runs[-1][2] += 1
                continue
        runs.append([number, number, 1])
    return tuple((first, last, count) for first, last, count in runs)


def _gaps(session, site_code, start, after) -> tuple[str, ...]:
    """Numbers of the site's sequence not in the store, from the one after the last issued
    before the day (this year) to the day's last."""
    day_numbers = list(
        session.scalars(
            select(Settlement.slip_number).where(
                Settlement.site_code == site_code,
                Settlement.settled_at >= start,
                Settlement.settled_at < after,
            )
        )
    )
    gaps = []
    by_prefix: dict[str, list[int]] = {}
    for number in day_numbers:
        parts = _split(number)
        if parts:
            by_prefix.setdefault(parts[0], []).append(parts[1])
    for prefix, sequences in sorted(by_prefix.items()):
        earlier = [
            parts[1]
            for number in session.scalars(
                select(Settlement.slip_number).where(
                    Settlement.slip_number.like(f"{prefix}%"), Settlement.settled_at < start
                )
            )
            if (parts := _split(number))
        ]
        first = max(earlier, default=0) + 1
        issued = set(sequences) | set(earlier)
        width = max(len(str(max(sequences))), 6)
        gaps += [
            f"{prefix}{sequence:0{width}d}"
            for sequence in range(first, max(sequences) + 1)
            if sequence not in issued
        ]
    return tuple(gaps)
