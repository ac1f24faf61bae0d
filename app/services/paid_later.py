"""Claims paid after discharge (事后报销): intake, review, payment batches and the bank's answer.

A stay at another hospital (a referred 靖江 市级 stay, an out-of-area stay, a 兰溪 手工结报) is
brought to the window after discharge. The policy's ``[[versions.after_discharge]]`` entry
says which stays go this way, which documents stage is ticked, and the deadlines in working
days (``app.workdays``). The amounts are computed by the window's calculator under the policy
version of the discharge date, with the year-to-date of the stay's year; a live claim counts in
that year-to-date like a window settlement (``app.services.year_to_date``), so caps are shared.

Status: received → approved (a supervisor) | returned (with a reason) → batched (in a 代发清单)
→ paid; a line the bank failed puts its claim back to approved, for the next batch. Every step
is audited, in the transaction that makes it.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import FieldError
from app.forms import Amounts, PersonInput, amount_errors, text_errors
from app.identity import IdentityError, parse_resident_id
from app.money import ZERO
from app.paths import why_unreadable
from app.policy import LoadedPolicy
from app.policy.schema import AfterDischargeDef, VersionDef
from app.services import audit
from app.services.access import SUPERVISOR, Actor, check_role
from app.services.errors import ServiceError, checked_text, refuse
from app.services.lengths import check_text
from app.services.number_floors import issued, number_floor, refuse_while_restore_owed
from app.services.people import ensure_person, parse_category
from app.services.policies import Policies, find_policy
from app.services.policy_hashes import check_policy_approved
from app.services.scans import store_scan
from app.services.settlement import check_amounts
from app.services.sites import current_site
from app.services.stays import live_stays_overlapping
from app.services.year_to_date import contract_year_to_date, counted_after, named_records
from app.settlement import ClaimError, check_year_to_date, parse_request, settle
from app.vocabulary import FACILITIES, HOSPITAL_FUND, INSURANCES
from app.workdays import Calendar, county_calendar
from db import Store
from db.models import Admission, PaidLaterClaim, PaymentBatch, PaymentLine, Person

RECEIVED, APPROVED, RETURNED, BATCHED, PAID = "received", "approved", "returned", "batched", "paid"
STATUS_NAMES = {
    RECEIVED: "已受理待审核",
    APPROVED: "已审核待支付",
    RETURNED: "已退回",
    BATCHED: "已送银行",
    PAID: "已支付",
}
KIND_NAMES = {
    "referred": "转诊住院",
    "out_of_area": "区（县）外住院",
    "manual": "手工结报",
    "year_end": "年底统一救助",
}
PENDING, LINE_PAID, LINE_FAILED = "pending", "paid", "failed"
LINE_NAMES = {PENDING: "待银行回执", LINE_PAID: "已支付", LINE_FAILED: "失败"}


@dataclass
class BankAccount:
    account_name: str
    bank: str
    card_number: str


@dataclass
class StayInput:
    """A stay at another hospital, as typed from the discharge papers."""

    person: PersonInput
    hospital: str
    facility: str
    admitted_on: date
    discharged_on: date
    category: str
    insurance: str
    policy: str | None = None
    referral_number: str | None = None
    referral_approved: bool = False


@dataclass
class IntakeInput:
    stay: StayInput
    amounts: Amounts
    bank: BankAccount
    materials: tuple[str, ...] = ()  # the codes of the stage's documents received
    scans: dict[str, Path] = field(default_factory=dict)  # document code -> scanned file
    cause: str | None = None
    disabling: bool = False


# --- checks that need no store -------------------------------------------------------------
def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def has_check_digit(digits: str) -> bool:
    """Bank cards (银联 62…, and Visa/Mastercard 4…/5…) of 16-19 digits carry a Luhn check
    digit; a passbook or account number (存折) does not."""
    return 16 <= len(digits) <= 19 and digits[0] in "456"


def check_bank(account: BankAccount) -> BankAccount:
    refuse(bank_errors(account))
    name = checked_text(account.account_name, "account_name")
    bank = checked_text(account.bank, "bank")
    card = "".join(checked_text(account.card_number, "card_number").split())
    check_text("account_name", name, PaidLaterClaim.account_name)
    check_text("bank", bank, PaidLaterClaim.bank)
    return BankAccount(name, bank, card)


def bank_errors(account: BankAccount) -> list[FieldError]:
    """Every error in a bank account as typed: names, then the card number's digits."""
    fields = {
        "account_name": account.account_name,
        "bank": account.bank,
        "card_number": account.card_number,
    }
    errors = list(text_errors(fields, required=tuple(fields)))
    if any(error.field == "card_number" for error in errors):
        return errors
    card = "".join(str(account.card_number).split())
    if not card.isascii() or not card.isdigit():
        errors.append(FieldError("card_number", "银行卡号只能由数字组成"))
    elif not 10 <= len(card) <= 25:
        errors.append(FieldError("card_number", f"银行卡号应为10到25位数字，现为{len(card)}位"))
    elif has_check_digit(card) and not luhn_ok(card):
        errors.append(FieldError("card_number", "银行卡号校验位不正确，请核对卡号"))
    return errors


# A stay typed as longer than this is almost always a wrong year (2025 for 2026, or 1900): it
# would block the person's window settlements of that whole span as the same stay. Insurance
# settles a longer stay in yearly parts (中途结算), and each part is taken in on its own.
LONGEST_STAY_DAYS = 366


def intake_errors(form: "IntakeInput", today: date) -> list[FieldError]:
    """Every error in an intake that neither the store nor the policy is needed for, in the
    form's order, so the clerk sees them all at once (not one per 受理)."""
    stay = form.stay
    errors: list[FieldError] = []
    try:
        parse_resident_id(stay.person.id_number)
    except IdentityError as exc:
        errors.append(FieldError("id_number", exc.reason))
    texts = {
        "name": stay.person.name,
        "hospital": stay.hospital,
        "referral_number": stay.referral_number,
    }
    errors += text_errors(texts, required=("name", "hospital"))
    admitted, discharged = stay.admitted_on, stay.discharged_on
    if _is_day(admitted) and _is_day(discharged):  # else _check_day names the field
        if discharged < admitted:
            errors.append(FieldError("discharged_on", "出院日期早于入院日期"))
        elif (discharged - admitted).days > LONGEST_STAY_DAYS:
            errors.append(
                FieldError(
                    "admitted_on",
                    f"入院（{admitted:%Y-%m-%d}）到出院超过一年，请核对年份；确属跨年长期住院的，"
                    "请按年度中途结算的分段受理（入院日期填该段的首日）",
                )
            )
        elif discharged > today:
            errors.append(FieldError("discharged_on", "出院日期晚于今天"))
    errors += amount_errors(form.amounts)[1]
    return errors + bank_errors(form.bank)


def _is_day(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _check_day(value: object, key: str) -> date:
    if not _is_day(value):
        raise ServiceError(key, "应为日期")
    return value


def route_for(version: VersionDef, facility: str, category: str) -> AfterDischargeDef | None:
    """The version's after-discharge entry (not year-end) for a stay, or None."""
    for route in version.after_discharge:
        if route.kind == "year_end":
            continue
        if route.facilities and facility not in route.facilities:
            continue
        if route.categories and category not in route.categories:
            continue
        return route
    return None


def apply_by(route: AfterDischargeDef, discharged_on: date) -> date | None:
    if route.apply_by is None:
        return None
    rule = route.apply_by
    return date(discharged_on.year + rule.years_after, rule.month, rule.day)


def stage_documents(version: VersionDef, route: AfterDischargeDef) -> list[dict]:
    """The documents the intake ticks: code, name, clause (the policy file's own list)."""
    if route.stage is None:
        return []
    return [
        {"code": d.code, "name": d.name, "clause": d.clause, "original": d.original}
        for d in version.documents.get(route.stage, ())
    ]


# --- intake --------------------------------------------------------------------------------
def receive_claim(
    store: Store,
    form: IntakeInput,
    *,
    clerk: str,
    site_code: str | None = None,
    policies: Policies | None = None,
    calendar: Calendar | None = None,
    now: datetime | None = None,
) -> PaidLaterClaim:
    """受理: check everything, compute the amounts, store the claim (one transaction)."""
    now = now or datetime.now()
    calendar = calendar or county_calendar()
    refuse(intake_errors(form, now.date()))
    stay = form.stay
    amounts = check_amounts(form.amounts)
    bank = check_bank(form.bank)
    hospital = checked_text(stay.hospital, "hospital")
    check_text("hospital", hospital, PaidLaterClaim.hospital)
    referral = checked_text(stay.referral_number, "referral_number", required=False) or None
    check_text("referral_number", referral, PaidLaterClaim.referral_number)
    admitted = _check_day(stay.admitted_on, "admitted_on")
    discharged = _check_day(stay.discharged_on, "discharged_on")  # their order: intake_errors
    if stay.facility not in FACILITIES:
        raise ServiceError("facility", f"“{stay.facility}”不是已知的机构级别")
    if stay.insurance not in INSURANCES:
        raise ServiceError("insurance", "应为城乡居民医保或职工医保")
    category = parse_category(stay.category)
    with store.write() as session:
        site = current_site(session, site_code)
        loaded = find_policy(policies, stay.policy or site.default_policy)
        version = loaded.definition.version_on(discharged)
        if version is None:
            raise ServiceError("discharged_on", f"{discharged} 不在政策“{loaded.id}”的有效期内")
        route = route_for(version, stay.facility, category)
        if route is None:
            raise ServiceError(
                "facility", "该政策下此类住院在窗口即时结算（或年底统一救助），不办理事后报销"
            )
        last_day = apply_by(route, discharged)
        if last_day is not None and now.date() > last_day:
            raise ServiceError(
                "discharged_on",
                f"已过申请期限：{discharged:%Y-%m-%d} 出院的应于 {last_day:%Y-%m-%d} 前申请"
                f"{route.name}（{route.clause}）",
            )
        materials = _materials(session, store, version, route, form)
        refuse_while_restore_owed(session, "admitted_on", "受理事后报销")
        person = ensure_person(session, stay.person, clerk)
        session.execute(select(Person.id).where(Person.id == person.id).with_for_update())
        _refuse_a_stay_paid_already(session, person.id, admitted, discharged)
        check_policy_approved(session, loaded)
        claim = {
            "policy": loaded.id,
            "date": discharged.isoformat(),
            "category": category,
            "visit": "inpatient",
            "insurance": stay.insurance,
            "facility": stay.facility,
            "referral_approved": bool(stay.referral_approved),
            "cause": form.cause,
            "disabling": bool(form.disabling),
            **{key: str(value) for key, value in amounts.items()},
        }
        request, result = _compute(session, person.id, loaded, claim, discharged)
        if not result["eligible"]:
            refused = f"不予救助：{result['reason']}"
            if not stay.referral_approved and "转诊" in (result["reason"] or ""):
                raise ServiceError("referral_approved", refused)
            raise ServiceError("category", refused)
        # Whatever the window's settle step says, this one is paid afterwards, by bank card.
        result["steps"].append(
            {
                "clause": route.clause,
                "text": f"{route.name}：出院后向{route.office}申请，审核后打卡支付，不在窗口垫付",
                "amount": str(payable_of(result)),
            }
        )
        review_due = calendar.add_workdays(now.date(), route.review_working_days)
        row = PaidLaterClaim(
            claim_number=_next_number(session, site.code, "BX", now.year),
            site_code=site.code,
            person_id=person.id,
            policy_id=loaded.id,
            policy_version=result["policy_version"],
            policy_sha256=loaded.sha256,
            kind=route.kind,
            status=RECEIVED,
            year=discharged.year,
            category=category,
            insurance=stay.insurance,
            facility=stay.facility,
            hospital=hospital,
            admitted_on=admitted,
            discharged_on=discharged,
            referral_number=referral,
            referral_approved=bool(stay.referral_approved),
            total=amounts["total"],
            base=Decimal(result["base"]),
            assistance=Decimal(result["assistance"]),
            payable=payable_of(result),
            claim_json=json.dumps(request, ensure_ascii=False),
            result_json=json.dumps(result, ensure_ascii=False),
            materials_json=json.dumps(materials, ensure_ascii=False),
            account_name=bank.account_name,
            bank=bank.bank,
            card_number=bank.card_number,
            received_at=now,
            received_by=clerk,
            review_due=review_due,
            pay_due=calendar.add_workdays(review_due, route.pay_working_days),
        )
        session.add(row)
        try:
            session.flush()
        except IntegrityError:
            # Another window took in the same stay (or the same number) at the same moment.
            raise ServiceError("admitted_on", "该次住院刚由另一窗口受理，不能重复受理") from None
        audit.record(
            session,
            clerk=clerk,
            action="create",
            entity="paid_later_claim",
            entity_id=row.claim_number,
            changes={
                "person_id": person.id,
                "policy": loaded.id,
                "kind": route.kind,
                "hospital": hospital,
                "assistance": row.assistance,
                "payable": row.payable,
                "review_due": row.review_due,
                "pay_due": row.pay_due,
            },
            at=now,
        )
        return row


def payable_of(result: dict) -> Decimal:
    """What the bank pays: every layer but the hospital's own reduction."""
    return sum(
        (Decimal(layer["amount"]) for layer in result["layers"] if layer["fund"] != HOSPITAL_FUND),
        ZERO,
    )


def _compute(
    session: Session, person_id: int, loaded: LoadedPolicy, claim: dict, day: date
) -> tuple[dict, dict]:
    request = {**claim, "year_to_date": contract_year_to_date(session, person_id, loaded, day)}
    try:
        parsed_claim, parsed_ytd = parse_request(request)
        check_year_to_date(loaded.definition, parsed_claim, parsed_ytd)
    except ClaimError as exc:
        raise ServiceError(exc.field, exc.message) from None
    return request, settle(loaded.definition, parsed_claim, parsed_ytd).to_json()


def _materials(
    session: Session, store: Store, version: VersionDef, route: AfterDischargeDef, form
) -> list[dict]:
    documents = stage_documents(version, route)
    codes = {d["code"] for d in documents}
    unknown = sorted(set(form.materials) - codes)
    if unknown:
        raise ServiceError("materials", f"“{'、'.join(unknown)}”不是本环节的材料")
    missing = [d["name"] for d in documents if d["code"] not in form.materials]
    if missing:
        raise ServiceError(
            "materials", f"材料不全（{route.clause}）：缺{'；'.join(missing)}，请补齐后再受理"
        )
    for code in form.scans:
        if code not in codes:
            raise ServiceError("scan", f"“{code}”不是本环节的材料")
    scans = {code: store_scan(session, store.scans_dir, path) for code, path in form.scans.items()}
    return [
        {**d, "received": True, "scan": scans[d["code"]].sha256 if d["code"] in scans else None}
        for d in documents
    ]


def _refuse_a_stay_paid_already(session, person_id: int, admitted: date, discharged: date):
    """No 事后报销 for a stay already settled at the window or already taken in, whatever
    the hospital's name as typed (app.services.stays)."""
    for stay in live_stays_overlapping(session, person_id, admitted, discharged):
        if stay.settled:
            raise ServiceError(
                "admitted_on",
                f"该次住院（{stay.days()}）已在窗口结算（结算单号 {stay.number}），"
                "不能再受理事后报销；如该结算单有误，请先作废再受理",
            )
        raise ServiceError(
            "admitted_on",
            f"该次住院已受理（报销单号 {stay.number}，{stay.hospital}，{stay.days()}，"
            f"{STATUS_NAMES[stay.status]}），住院日期相同或重叠的不能重复受理",
        )


def _next_number(session: Session, site_code: str, prefix: str, year: int) -> str:
    """``<site>-<prefix><year>-<n>``: the site row is locked so two windows take turns."""
    from db.models import Site

    session.execute(select(Site.code).where(Site.code == site_code).with_for_update())
    series = f"{site_code}-{prefix}{year}"
    # A store restored from a backup goes on after the numbers the centre already has.
    used = max(issued(session, series), number_floor(session, series))
    return f"{series}-{used + 1:06d}"


# --- look-ups ------------------------------------------------------------------------------
def get_claim(session: Session, number: str, *, lock: bool = False) -> PaidLaterClaim:
    query = select(PaidLaterClaim).where(
        PaidLaterClaim.claim_number == (number or "").strip().upper()
    )
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise ServiceError("claim_number", f"没有报销单号为“{number}”的事后报销")
    return row


def due_date(row: PaidLaterClaim) -> date | None:
    """What the claim waits for next, by when: review, then payment; None once paid/returned."""
    if row.status == RECEIVED:
        return row.review_due
    if row.status in (APPROVED, BATCHED):
        return row.pay_due
    return None


def list_claims(
    session: Session, status: str | None = None, *, site_code: str | None = None
) -> list[PaidLaterClaim]:
    """The queue: by due date (claims with none last), then number."""
    query = select(PaidLaterClaim)
    if status:
        if status not in STATUS_NAMES:
            raise ServiceError(
                "status", f"“{status}”不是已知的状态，可选：{'、'.join(STATUS_NAMES)}"
            )
        query = query.where(PaidLaterClaim.status == status)
    if site_code:
        query = query.where(PaidLaterClaim.site_code == site_code)
    rows = list(session.scalars(query))
    return sorted(rows, key=lambda r: (due_date(r) or date.max, r.claim_number))


def due_counts(session: Session, today: date) -> tuple[int, int]:
    """(due today, overdue) over the open claims, for the main list and the start."""
    today_count = overdue = 0
    for row in list_claims(session):
        due = due_date(row)
        if due is None:
            continue
        if due == today:
            today_count += 1
        elif due < today:
            overdue += 1
    return today_count, overdue


# --- review --------------------------------------------------------------------------------
def review_claim(
    store: Store,
    number: str,
    *,
    supervisor: Actor,
    approve: bool,
    reason: str | None = None,
    now: datetime | None = None,
) -> PaidLaterClaim:
    """审核: a supervisor approves a received claim, or returns it with a reason. An approved
    claim with nothing to pay (the year's cap used up, the base under the deductible) is done
    at once: no batch would take it. It was still worth taking in: its stay counts in the
    year's base and caps."""
    now = now or datetime.now()
    reason = checked_text(reason, "return_reason", required=False)
    if not approve and not reason:
        raise ServiceError("return_reason", "退回须填写理由")
    check_text("return_reason", reason or None, PaidLaterClaim.return_reason)
    with store.write() as session:
        who = check_role(
            session, supervisor, SUPERVISOR, doing="审核事后报销", field="supervisor", now=now
        )
        row = get_claim(session, number, lock=True)
        if row.status != RECEIVED:
            raise ServiceError(
                "claim_number", f"报销单 {row.claim_number} {STATUS_NAMES[row.status]}，不能再审核"
            )
        if approve and who in _payment_details_entered_by(session, row):
            raise ServiceError(
                "supervisor",
                f"报销单 {row.claim_number} 的受理或收款账户由 {who} 录入，须由另一位主管审核："
                "录入与审核不能是同一人",
            )
        if not approve:
            _refuse_if_later_records_counted_it(session, row)
        nothing_to_pay = approve and row.payable <= ZERO
        row.status = (PAID if nothing_to_pay else APPROVED) if approve else RETURNED
        row.reviewed_at = now
        row.reviewed_by = who
        row.return_reason = None if approve else reason
        if nothing_to_pay:
            row.paid_at = now
        audit.record(
            session,
            clerk=who,
            action="approve" if approve else "return",
            entity="paid_later_claim",
            entity_id=row.claim_number,
            changes={
                "status": [RECEIVED, row.status],
                "reason": reason or None,
                **({"payable": "0.00，无需发放"} if nothing_to_pay else {}),
            },
            at=now,
        )
        return row


def _payment_details_entered_by(session: Session, row: PaidLaterClaim) -> set[str]:
    """Who took the claim in or entered its bank account: none of them may approve it, so
    every yuan paid after discharge has passed two people."""
    hands = {row.received_by}
    for event in audit.history(session, "paid_later_claim", row.claim_number):
        if event.action == "change" and "bank_account" in json.loads(event.changes_json or "{}"):
            hands.add(event.clerk)
    return hands


def _refuse_if_later_records_counted_it(session: Session, row: PaidLaterClaim) -> None:
    """A claim that later records of the person's year were computed on top of (deductible,
    tiers, caps) cannot be returned before them: taken in again after the correction, it
    would count them in its turn, and the same band would be paid twice."""
    if row.kind == "year_end":  # a year-end sum counts nothing of its own in the year
        return
    slips, claims = counted_after(session, row.person_id, row.policy_id, row.year, row.claim_number)
    if slips or claims:
        raise ServiceError(
            "claim_number",
            f"报销单 {row.claim_number} 之后，该人员本年已有{named_records(slips, claims)}，其起付线、"
            "分段比例和年度限额都按本申请累计计算：请先从最新的一笔起作废（结算）或退回"
            "（事后报销）这些记录，再退回本申请",
        )


def set_bank_account(
    store: Store, number: str, account: BankAccount, *, clerk: str, now: datetime | None = None
) -> PaidLaterClaim:
    """Correct the account of a claim not yet at the bank (e.g. after a failed line). An
    approved claim goes back to 已受理待审核: who is paid changed, so another supervisor than
    the one who entered it must approve it again."""
    now = now or datetime.now()
    bank = check_bank(account)
    with store.write() as session:
        row = get_claim(session, number, lock=True)
        if row.status not in (RECEIVED, APPROVED):
            raise ServiceError(
                "claim_number", f"报销单 {row.claim_number} {STATUS_NAMES[row.status]}，不能改账户"
            )
        old = [row.account_name, row.bank, row.card_number]
        new = [bank.account_name, bank.bank, bank.card_number]
        if new == old:
            return row
        row.account_name, row.bank, row.card_number = new
        changes: dict[str, object] = {"bank_account": [old, new]}
        if row.status == APPROVED:
            changes["status"] = [APPROVED, RECEIVED]
            row.status, row.reviewed_at, row.reviewed_by = RECEIVED, None, None
        audit.record(
            session,
            clerk=clerk,
            action="change",
            entity="paid_later_claim",
            entity_id=row.claim_number,
            changes=changes,
            at=now,
        )
        return row


# --- payment batches -----------------------------------------------------------------------
def create_batch(
    store: Store,
    *,
    clerk: str,
    claim_numbers: list[str] | None = None,
    site_code: str | None = None,
    now: datetime | None = None,
) -> PaymentBatch:
    """代发清单 of the given approved claims (default: every approved claim of the site)."""
    now = now or datetime.now()
    with store.write() as session:
        site = current_site(session, site_code)
        refuse_while_restore_owed(session, "batch_number", "生成代发清单")
        if claim_numbers:
            rows = [get_claim(session, number, lock=True) for number in claim_numbers]
            for row in rows:
                if row.status != APPROVED:
                    raise ServiceError(
                        "claim_number",
                        f"报销单 {row.claim_number} {STATUS_NAMES[row.status]}，不能列入代发清单",
                    )
        else:
            query = select(PaidLaterClaim).where(
                PaidLaterClaim.status == APPROVED, PaidLaterClaim.site_code == site.code
            )
            rows = list(session.scalars(query.order_by(PaidLaterClaim.claim_number)))
        rows = [row for row in rows if row.payable > ZERO]
        if not rows:
            raise ServiceError("claim_number", "没有已审核待支付的报销单，代发清单为空")
        for row in rows:
            if not row.card_number:
                raise ServiceError(
                    "card_number", f"报销单 {row.claim_number} 没有银行账户，请先补录"
                )
        batch = PaymentBatch(
            batch_number=_next_number(session, site.code, "DF", now.year),
            site_code=site.code,
            created_at=now,
            created_by=clerk,
            count=len(rows),
            total=sum((row.payable for row in rows), ZERO),
        )
        session.add(batch)
        session.flush()
        for row in rows:
            session.add(
                PaymentLine(
                    batch_id=batch.id,
                    claim_id=row.id,
                    amount=row.payable,
                    account_name=row.account_name,
                    bank=row.bank,
                    card_number=row.card_number,
                    result=PENDING,
                )
            )
            row.status = BATCHED
        session.flush()
        audit.record(
            session,
            clerk=clerk,
            action="create",
            entity="payment_batch",
            entity_id=batch.batch_number,
            changes={
                "claims": [row.claim_number for row in rows],
                "count": batch.count,
                "total": batch.total,
            },
            at=now,
        )
        return batch


def get_batch(session: Session, number: str) -> PaymentBatch:
    query = select(PaymentBatch).where(PaymentBatch.batch_number == (number or "").strip().upper())
    batch = session.scalar(query)
    if batch is None:
        raise ServiceError("batch_number", f"没有编号为“{number}”的代发清单")
    return batch


@dataclass(frozen=True)
class BankResult:
    claim_number: str
    paid: bool
    reason: str | None = None


def mark_results(
    store: Store,
    batch_number: str,
    results: list[BankResult],
    *,
    clerk: str,
    now: datetime | None = None,
) -> PaymentBatch:
    """The bank's answer, line by line, in one transaction: a paid line pays its claim; a
    failed one (reason required) puts its claim back in the queue as approved."""
    now = now or datetime.now()
    if not results:
        raise ServiceError("results", "没有要登记的银行回执")
    reasons: dict[str, str] = {}
    for result in results:
        number = (result.claim_number or "").strip().upper()
        if number in reasons:
            raise ServiceError("claim_number", f"报销单 {number} 在回执中出现了两次，请核对")
        try:
            reasons[number] = checked_text(result.reason, "failure_reason", required=False)
        except ServiceError as exc:
            raise ServiceError("failure_reason", f"报销单 {number}：{exc.message}") from None
        if not result.paid and not reasons[number]:
            raise ServiceError("failure_reason", f"报销单 {number} 支付失败须填写失败原因")
        check_text("failure_reason", reasons[number], PaymentLine.failure_reason)
    with store.write() as session:
        batch = get_batch(session, batch_number)
        lines = {
            line.claim.claim_number: line
            for line in session.scalars(
                select(PaymentLine).where(PaymentLine.batch_id == batch.id).with_for_update()
            )
        }
        for result in results:
            number = (result.claim_number or "").strip().upper()
            line = lines.get(number)
            if line is None:
                raise ServiceError(
                    "claim_number", f"代发清单 {batch.batch_number} 中没有报销单“{number}”"
                )
            if line.result != PENDING:
                raise ServiceError(
                    "claim_number", f"报销单 {number} 已登记为{LINE_NAMES[line.result]}"
                )
            line.result = LINE_PAID if result.paid else LINE_FAILED
            line.failure_reason = None if result.paid else reasons[number]
            line.marked_at = now
            line.marked_by = clerk
            claim = line.claim
            claim.status = PAID if result.paid else APPROVED
            claim.paid_at = now if result.paid else None
            audit.record(
                session,
                clerk=clerk,
                action="paid" if result.paid else "failed",
                entity="paid_later_claim",
                entity_id=number,
                changes={
                    "batch": batch.batch_number,
                    "amount": line.amount,
                    "reason": line.failure_reason,
                },
                at=now,
            )
        return batch


def read_bank_file(path: Path) -> list[BankResult]:
    """The bank's result file (CSV, UTF-8 or GBK): columns 报销单号, 结果 (成功/失败),
    失败原因."""
    import csv
    import io

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ServiceError("bank_file", f"读不到 {path}：{why_unreadable(exc)}") from None
    for encoding in ("utf-8-sig", "gbk"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ServiceError("bank_file", "银行回执文件不是 UTF-8 或 GBK 编码的 CSV")
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is not None:  # a bank's export may pad its headers
        reader.fieldnames = [name.strip() for name in reader.fieldnames]
    needed = {"报销单号", "结果"}
    if reader.fieldnames is None or not needed <= set(reader.fieldnames):
        raise ServiceError(
            "bank_file", "银行回执文件须有“报销单号”“结果”两列（失败时另有“失败原因”）"
        )
    results = []
    for number, row in enumerate(reader, start=2):
        outcome = (row.get("结果") or "").strip()
        if outcome not in ("成功", "失败"):
            raise ServiceError("bank_file", f"第{number}行“结果”应为“成功”或“失败”")
        results.append(
            BankResult(row["报销单号"], outcome == "成功", (row.get("失败原因") or "").strip())
        )
    return results


# --- 威海 year end ---------------------------------------------------------------------------
def _stays_account(session: Session, settlements) -> BankAccount | None:
    """The newest bank account recorded on the admissions of ``settlements``, or None."""
    for row in reversed(settlements):
        admission = session.get(Admission, row.admission_id) if row.admission_id else None
        if admission is not None and admission.card_number:
            return BankAccount(admission.account_name, admission.bank, admission.card_number)
    return None


def _live_year_end_claims(session: Session, person_id: int, policy_id: str, year: int):
    return session.scalars(
        select(PaidLaterClaim).where(
            PaidLaterClaim.person_id == person_id,
            PaidLaterClaim.policy_id == policy_id,
            PaidLaterClaim.year == year,
            PaidLaterClaim.kind == "year_end",
            PaidLaterClaim.status != RETURNED,
        )
    )


def _slips_paid_by(claim: PaidLaterClaim) -> list[str]:
    return json.loads(claim.claim_json).get("settlements", [])


def year_end_claim_paying(session: Session, settlement) -> PaidLaterClaim | None:
    """The year-end claim, not returned, that pays ``settlement`` (a ``Settlement``), or None:
    such a settlement may not be voided while the claim stands."""
    for claim in _live_year_end_claims(
        session, settlement.person_id, settlement.policy_id, settlement.year
    ):
        if settlement.slip_number in _slips_paid_by(claim):
            return claim
    return None


def year_end_route(version: VersionDef) -> AfterDischargeDef | None:
    return next((r for r in version.after_discharge if r.kind == "year_end"), None)


def year_end_claims(
    store: Store,
    policy_id: str,
    year: int,
    *,
    clerk: str,
    site_code: str | None = None,
    policies: Policies | None = None,
    calendar: Calendar | None = None,
    now: datetime | None = None,
) -> list[PaidLaterClaim]:
    """One year-end claim per person: the sum of what the window computed for each of the
    person's stays settled ``year_end`` in ``year`` (each already under the year's caps, in
    order) that no claim (not returned) pays yet. A stay settled after the run, or one whose
    claim was returned, goes into a further claim at the next run; a person whose stays are
    all paid for is left as they are. Each site claims its own stays."""
    from db.models import Settlement

    now = now or datetime.now()
    calendar = calendar or county_calendar()
    with store.write() as session:
        site = current_site(session, site_code)
        loaded = find_policy(policies, policy_id)
        version = loaded.definition.version_on(date(year, 12, 31))
        route = None if version is None else year_end_route(version)
        if route is None:
            raise ServiceError("policy", f"政策“{loaded.id}”{year}年没有年底统一救助")
        query = (
            select(Settlement)
            .where(
                Settlement.site_code == site.code,
                Settlement.policy_id == loaded.id,
                Settlement.year == year,
                Settlement.voided.is_(False),
                Settlement.eligible.is_(True),
            )
            .order_by(Settlement.claim_date, Settlement.id)
        )
        by_person: dict[int, list] = {}
        for row in session.scalars(query):
            if json.loads(row.result_json).get("settle_mode") == "year_end":
                by_person.setdefault(row.person_id, []).append(row)
        made = []
        for person_id, rows in by_person.items():
            paid = {
                slip
                for claim in _live_year_end_claims(session, person_id, loaded.id, year)
                for slip in _slips_paid_by(claim)
            }
            rows = [row for row in rows if row.slip_number not in paid]
            if not rows:
                continue
            results = [json.loads(row.result_json) for row in rows]
            payable = sum((payable_of(result) for result in results), ZERO)
            if payable <= ZERO:
                continue
            last_claim = json.loads(rows[-1].claim_json)
            account = session.scalar(
                select(PaidLaterClaim)
                .where(PaidLaterClaim.person_id == person_id, PaidLaterClaim.card_number != "")
                .order_by(PaidLaterClaim.id.desc())
                .limit(1)
            )
            if account is None:
                # The account recorded with the stays' application (威海 四 发放到户).
                account = _stays_account(session, rows)
            review_due = calendar.add_workdays(
                now.date(), route.publicity_days + route.review_working_days
            )
            claim = PaidLaterClaim(
                claim_number=_next_number(session, site.code, "BX", now.year),
                site_code=site.code,
                person_id=person_id,
                policy_id=loaded.id,
                policy_version=results[-1]["policy_version"],
                policy_sha256=loaded.sha256,
                kind="year_end",
                status=RECEIVED,
                year=year,
                category=last_claim["category"],
                insurance=last_claim["insurance"],
                facility=last_claim["facility"],
                hospital="全年住院合并计算",
                admitted_on=rows[0].claim_date,
                discharged_on=rows[-1].claim_date,
                referral_number=None,
                referral_approved=False,
                total=sum((row.total for row in rows), ZERO),
                base=sum((row.base for row in rows), ZERO),
                assistance=sum((row.assistance for row in rows), ZERO),
                payable=payable,
                claim_json=json.dumps(
                    {"settlements": [row.slip_number for row in rows]}, ensure_ascii=False
                ),
                result_json=json.dumps(
                    {
                        "settle_mode": "year_end",
                        "clause": route.clause,
                        "settlements": [
                            {"slip": row.slip_number, "payable": str(payable_of(result))}
                            for row, result in zip(rows, results, strict=True)
                        ],
                    },
                    ensure_ascii=False,
                ),
                materials_json="[]",
                account_name=account.account_name if account else "",
                bank=account.bank if account else "",
                card_number=account.card_number if account else "",
                received_at=now,
                received_by=clerk,
                review_due=review_due,
                pay_due=calendar.add_workdays(review_due, route.pay_working_days),
            )
            session.add(claim)
            session.flush()
            audit.record(
                session,
                clerk=clerk,
                action="create",
                entity="paid_later_claim",
                entity_id=claim.claim_number,
                changes={
                    "kind": "year_end",
                    "year": year,
                    "settlements": [row.slip_number for row in rows],
                    "payable": payable,
                },
                at=now,
            )
            made.append(claim)
        return made
