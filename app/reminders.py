"""Reminders that matter at the window, at start and above the main list:

- an admission whose filing deadline (the policy's ``deadlines``: 靖江 48 h / 72 h) is near or
  past while its 入院备案 papers are not all in;
- the claim period (``claim_period``: monthly or quarterly) ending soon, and settlements of an
  ended period not yet exported in a claim bundle;
- a settlement whose medical costs reach the policy's ``large_expense`` threshold (兰溪 四(二)),
  for the supervisor.

Read-only; the thresholds come from the policy files, never from code.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.bundle.period import parse_period, period_label
from app.money import fmt
from app.services.checklist import missing_items
from app.services.registration import filing_deadlines
from app.vocabulary import CLAIM_PERIOD_NAMES
from db.models import Admission, Person, Settlement

# A deadline this close is "near"; a claim period ending within this many days is "due".
NEAR_DEADLINE = timedelta(hours=12)
CLAIM_DUE_DAYS = 7


@dataclass(frozen=True)
class Reminder:
    """``level``: "overdue" (past a deadline), "due" (soon) or "notice".
    ``for_supervisor``: shown to supervisors (and administrators) only."""

    kind: str
    level: str
    text: str
    admission_id: int | None = None
    slip_number: str | None = None
    for_supervisor: bool = False


def collect_reminders(session: Session, site, policies, now: datetime) -> list[Reminder]:
    """The site's reminders at ``now``, overdue ones first. ``site`` is a ``db.models.Site``."""
    found = _deadlines(session, site.code, policies, now)
    loaded = policies.get(site.default_policy)
    if loaded is not None:
        found += _claim_period(session, site.code, loaded, now.date())
    found += _large_expenses(session, site.code, policies, now.date())
    order = {"overdue": 0, "due": 1, "notice": 2}
    return sorted(found, key=lambda reminder: order.get(reminder.level, 3))


def _deadlines(session, site_code, policies, now) -> list[Reminder]:
    query = select(Admission).where(
        Admission.site_code == site_code,
        Admission.discharged_at.is_(None),
        Admission.cancelled_at.is_(None),
        Admission.kind == "inpatient",
    )
    found = []
    for admission in session.scalars(query.order_by(Admission.admitted_at)):
        loaded = policies.get(admission.policy_id)
        version = loaded.definition.version_on(admission.admitted_at.date()) if loaded else None
        if version is None or not version.deadlines:
            continue
        papers = [i for i in missing_items(session, admission.id) if i.stage == "admission"]
        if not papers:
            continue  # filed: the admission's papers are in
        referred = bool(admission.referral_approved or admission.referral_number)
        for deadline in filing_deadlines(
            version,
            admission.facility,
            admission.admitted_at,
            admission.referral_at,
            now,
            referred,
        ):
            left = deadline.due - now
            if left > NEAR_DEADLINE:
                continue
            who = f"{admission.person.name}（住院号 {admission.admission_number}）"
            if left < timedelta(0):
                state = f"已超过备案时限（截止 {deadline.due:%m-%d %H:%M}）"
                level = "overdue"
            else:
                hours, seconds = divmod(int(left.total_seconds()), 3600)
                remaining = f"{hours} 小时 {seconds // 60} 分"
                state = f"距备案截止还剩 {remaining}（{deadline.due:%m-%d %H:%M}）"
                level = "due"
            names = "、".join(item.name for item in papers)
            found.append(
                Reminder(
                    "deadline",
                    level,
                    f"{who}{state}，入院材料未齐：{names}。{deadline.text}（{deadline.clause}）",
                    admission_id=admission.id,
                )
            )
    return found


def _claim_kind(loaded) -> tuple[str, str]:
    latest = max(loaded.definition.versions, key=lambda version: version.effective_from)
    return latest.claim_period.period, latest.claim_period.clause


def _claim_period(session, site_code, loaded, today: date) -> list[Reminder]:
    kind, clause = _claim_kind(loaded)
    period = parse_period(period_label(kind, today), kind)
    found = []
    waiting = session.scalar(
        select(func.count(Settlement.id)).where(
            Settlement.site_code == site_code,
            Settlement.policy_id == loaded.id,
            Settlement.voided.is_(False),
            Settlement.claimed_bundle.is_(None),
            Settlement.paid_at_window > 0,  # a slip that paid nothing claims nothing
            Settlement.settled_at < period.start,
        )
    )
    if waiting:
        found.append(
            Reminder(
                "claim_period",
                "overdue",
                f"有 {waiting} 笔结算属于已结束的申报期，尚未导出申报包（{clause}），请导出申报"
                "（Ctrl+E）",
            )
        )
    days_left = (period.last - today).days
    if days_left <= CLAIM_DUE_DAYS:
        name = CLAIM_PERIOD_NAMES.get(kind, kind)
        found.append(
            Reminder(
                "claim_period",
                "due",
                f"本{name}申报期 {period.label} 于 {period.last:%Y-%m-%d} 结束（还有 {days_left} 天），"
                f"届时导出申报包报送（{clause}）",
            )
        )
    return found


def _large_expenses(session, site_code, policies, today: date) -> list[Reminder]:
    found = []
    for policy_id, loaded in sorted(policies.items()):
        version = loaded.definition.version_on(today)
        rule = version.large_expense if version else None
        if rule is None:
            continue
        query = (
            select(Settlement, Person)
            .join(Person, Settlement.person_id == Person.id)
            .where(
                Settlement.site_code == site_code,
                Settlement.policy_id == policy_id,
                Settlement.voided.is_(False),
                Settlement.year == today.year,
            )
            .order_by(Settlement.settled_at.desc())
        )
        for row, person in session.execute(query):
            # Compared as Decimal here: SQLite keeps money as text, where "860.00" > "50000".
            if row.total < rule.amount:
                continue
            found.append(
                Reminder(
                    "large_expense",
                    "notice",
                    f"大额医疗费用预警（{rule.clause}）：{person.name} 结算单 {row.slip_number}"
                    f" 医疗总费用 {fmt(row.total)} 元，达到 {fmt(rule.amount)} 元，请主管关注",
                    admission_id=row.admission_id,
                    slip_number=row.slip_number,
                    for_supervisor=True,
                )
            )
    return found
