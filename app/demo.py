"""A demo database: fictitious people (valid ID numbers, names that say 测试), admissions and
settlements under all five policies. Running it again adds nothing that is already there.

Amounts are computed from fixed figures with Decimal; dates count back from today so every
admission lies in the past whenever the demo is (re)built.
"""

import csv
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from app.applicant import RELATIVE, SELF, Filler
from app.identity import make_resident_id
from app.money import D, round_fen
from app.services import (
    AdmissionInput,
    Amounts,
    DischargeInput,
    ItemUpdate,
    OutpatientInput,
    PersonInput,
    checklist,
    find_admission,
    import_roster,
    register_admission,
    save_site,
    settle_discharge,
    settle_outpatient,
    update_item,
    void_settlement,
)
from app.services.paid_later import BankAccount
from app.services.paperwork import record_paperwork
from app.services.people import find_person
from app.services.records import admission_settlements, person_settlements
from app.sheet_cells import csv_row
from app.store_guard import DEMO_MARK, create_store
from app.vocabulary import CATEGORY_NAMES
from db import Store
from db.models import Person, Setting, Settlement
from db.outbox import paused

CLERK = "演示"
STEMS = "甲乙丙丁戊己庚辛壬癸"


class NotADemoDatabase(Exception):
    """The chosen database already holds real records; the demo will not write into it."""


@dataclass(frozen=True)
class DemoSite:
    policy: str
    code: str
    name: str
    facility: str
    region: str  # first six digits of the demo people's ID numbers
    insurance: str
    outpatient_visit: str | None


SITES = (
    DemoSite(
        "taierzhuang",
        "TEZ01",
        "台儿庄区人民医院（演示）",
        "county",
        "370405",
        "resident",
        "outpatient_chronic",
    ),
    DemoSite(
        "lanxi",
        "LX01",
        "兰溪市人民医院（演示）",
        "county",
        "330781",
        "resident",
        "outpatient_general",
    ),
    DemoSite(
        "weihai",
        "WH01",
        "威海经区医院（演示）",
        "grassroots",
        "371002",
        "employee",
        "outpatient_chronic",
    ),
    # 靖江 第十四条: 靖江市人民医院 is a 市级定点 hospital, whose stays are reimbursed after
    # discharge (第二十三条); a 镇卫生院 is a 基层 one, where the window advances (第二十二条).
    DemoSite(
        "jingjiang", "JJ01", "靖江市西来镇卫生院（演示）", "grassroots", "321282", "resident", None
    ),
    DemoSite("hunan", "HN01", "湖南示例县人民医院（演示）", "county", "430102", "resident", None),
)
PEOPLE_PER_SITE = 6


@dataclass
class DemoSummary:
    people: int
    admissions: int
    settlements: int
    created_settlements: int


def _person(site: DemoSite, index: int) -> PersonInput:
    born = date(1940 + 7 * index, 1 + index, 3 + 2 * index)
    sex = "F" if index % 2 else "M"
    return PersonInput(
        id_number=make_resident_id(site.region, born, 100 + index, sex),
        name=f"测试{STEMS[index]}",
        sex="女" if sex == "F" else "男",
        birth_date=born,
        phone=f"1380000{index:04d}",
        insurance_card=f"H{site.region}{index:05d}",
        household_size=2 + index % 4,
        household_income=str(D(16800 + 5400 * index)),
    )


def _card_number(site: DemoSite, index: int) -> str:
    """A 19-digit 银联 card number (62…) with its Luhn check digit."""
    body = f"622202{site.region}{index:06d}"
    total = 0
    for position, char in enumerate(reversed(body)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return body + str(-total % 10)


def _paperwork(store, site: DemoSite, who: PersonInput, number: str, index: int) -> None:
    """Who filled in the application and the account assistance is paid into, for the
    policies whose paper prints them."""
    filler = Filler(SELF)
    if index % 3 == 1:
        filler = Filler(RELATIVE, f"测试{STEMS[(index + 5) % 10]}", "子女")
    account = BankAccount(who.name, "示例农村商业银行", _card_number(site, index))
    record_paperwork(
        store, number, filler=filler, account=account, clerk=CLERK, site_code=site.code
    )


def _bill(index: int) -> Amounts:
    total = D(6800 + 9350 * index) + D("0.45")
    return Amounts(
        total=str(total),
        out_of_catalog=str(round_fen(total * D("0.04"))),
        basic_insurance=str(round_fen(total * D("0.55"))),
        critical_illness=str(round_fen(total * D("0.08"))) if index >= 3 else "0",
    )


def _check_target(store: Store) -> None:
    """Only a demo store, or one with nothing in it yet, takes demo records: a store started
    for real (a site or an account, even with no person yet) never gets a fictitious row."""
    from db.models import Site
    from db.security_models import ClerkAccount

    with store.read() as session:
        marked = session.get(Setting, DEMO_MARK) is not None
        used = any(
            session.scalar(select(func.count()).select_from(model))
            for model in (Person, Site, ClerkAccount)
        )
    if used and not marked:
        raise NotADemoDatabase("该数据库已有真实数据，不是演示数据库；请用 --db 指定另一个文件")


def create_demo_store(target, policies=None, today: date | None = None) -> DemoSummary:
    """A new store at ``target`` (which must not exist), marked as a demo and filled."""
    return create_store(target, lambda store: build_demo(store, policies, today), demo=True)


def build_demo(store: Store, policies=None, today: date | None = None) -> DemoSummary:
    """Create or refresh the demo records in ``store`` (marked as a demo store first).

    Nothing of it is queued for the county: the outbox is paused while it is written, and
    sync refuses to send from a store with the mark."""
    _check_target(store)
    with store.write() as session:
        if session.get(Setting, DEMO_MARK) is None:
            session.add(Setting(key=DEMO_MARK, value="1"))
    with paused():
        return _fill(store, policies, today or date.today())


def _fill(store: Store, policies, today: date) -> DemoSummary:
    created = 0
    for site in SITES:
        version = (policies or _policies())[site.policy].definition.version_on(today)
        categories = list(version.categories)
        save_site(
            store,
            code=site.code,
            name=site.name,
            facility=site.facility,
            default_policy=site.policy,
            clerk=CLERK,
            make_current=False,
        )
        people = [_person(site, i) for i in range(PEOPLE_PER_SITE)]
        _import_roster(store, site, people, categories, today)
        for index, who in enumerate(people):
            created += _admit_and_settle(store, site, who, index, categories, policies, today)
        if site.outpatient_visit:
            created += _outpatient(store, site, people[1], categories, policies, today)
    save_site(
        store,
        code=SITES[0].code,
        name=SITES[0].name,
        facility=SITES[0].facility,
        default_policy=SITES[0].policy,
        clerk=CLERK,
        make_current=True,
    )
    with store.read() as session:
        return DemoSummary(
            people=session.scalar(select(func.count()).select_from(Person)),
            admissions=session.scalar(select(func.count(Settlement.admission_id.distinct()))),
            settlements=session.scalar(select(func.count()).select_from(Settlement)),
            created_settlements=created,
        )


def _policies():
    from app.services.policies import installed_policies

    return installed_policies()


def _import_roster(store, site, people, categories, today) -> None:
    with store.read() as session:
        if all(find_person(session, who.id_number) for who in people[:-1]):
            return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{site.code}-演示名册.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(
                ["姓名", "身份证号", "性别", "类别", "证件类型", "证件号码", "有效期起", "有效期止"]
            )
            # The last person is left off the roster: registered with a recorded reason.
            for index, who in enumerate(people[:-1]):
                category = categories[index % len(categories)]
                row = csv_row(
                    [
                        who.name,
                        who.id_number,
                        who.sex,
                        CATEGORY_NAMES[category],
                        "救助证",
                        f"{site.code}-{index:04d}",
                        date(today.year - 1, 1, 1).isoformat(),
                        "",
                    ]
                )
                writer.writerow(row)
        import_roster(store, path, clerk=CLERK, source=f"{site.name}演示名册")


def _admit_and_settle(store, site, who, index, categories, policies, today) -> int:
    number = f"D{site.code}{index:03d}"
    admitted_at = datetime.combine(today - timedelta(days=40 - 5 * index), datetime.min.time())
    admitted_at += timedelta(hours=9)
    with store.read() as session:
        existing = find_admission(session, number, site.code)
    if existing is None:
        form = AdmissionInput(
            person=who,
            admission_number=number,
            admitted_at=admitted_at,
            department=("内科", "外科", "骨科", "心内科", "呼吸科", "肾内科")[index],
            diagnosis=("肺炎", "股骨颈骨折", "2型糖尿病", "冠心病", "慢阻肺", "慢性肾病")[index],
            category=categories[index % len(categories)],
            insurance=site.insurance,
            off_roster_reason="演示：名册下月更新" if index == PEOPLE_PER_SITE - 1 else None,
        )
        admission_id = register_admission(
            store,
            form,
            clerk=CLERK,
            policies=policies,
            site_code=site.code,
            now=admitted_at + timedelta(hours=2),
        ).admission_id
        with store.read() as session:
            items = checklist(session, admission_id)
        for item in items:
            sides = True if item.both_sides else None
            update_item(
                store, item.id, ItemUpdate(True, True, both_sides_copied=sides), clerk=CLERK
            )
        version = (policies or _policies())[site.policy].definition.version_on(admitted_at.date())
        if any(paper.bank_account for paper in version.paper):
            _paperwork(store, site, who, number, index)
    else:
        admission_id = existing.id
    if index == PEOPLE_PER_SITE - 2:
        return 0  # still in hospital: an open admission
    with store.read() as session:
        done = admission_settlements(session, admission_id)
    if done:
        return 0
    discharged = admitted_at + timedelta(days=3 + index, hours=1)
    form = DischargeInput(admission_id, discharged, _bill(index))
    # Settled at discharge, so monthly and quarterly claim periods hold the cases they should.
    settled_at = discharged + timedelta(minutes=20)
    row = settle_discharge(store, form, clerk=CLERK, policies=policies, now=settled_at)
    if index == 2:
        # A settlement voided for a typing error and settled again.
        void_settlement(
            store,
            row.slip_number,
            reason="演示：发票金额录入有误",
            clerk=CLERK,
            now=settled_at + timedelta(minutes=10),
        )
        settle_discharge(
            store, form, clerk=CLERK, policies=policies, now=settled_at + timedelta(minutes=20)
        )
        return 2
    return 1


def _outpatient(store, site, who, categories, policies, today) -> int:
    with store.read() as session:
        person = find_person(session, who.id_number)
        if any(row.admission_id is None for row in person_settlements(session, person.id)):
            return 0
    visit_date = today - timedelta(days=3)
    form = OutpatientInput(
        person=who,
        visit_date=visit_date,
        visit=site.outpatient_visit,
        category=categories[1 % len(categories)],
        insurance=site.insurance,
        amounts=Amounts("860.00", "20.00", "430.00"),
    )
    settled_at = datetime.combine(visit_date, datetime.min.time()) + timedelta(hours=10)
    settle_outpatient(
        store, form, clerk=CLERK, site_code=site.code, policies=policies, now=settled_at
    )
    return 1
