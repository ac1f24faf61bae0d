"""Cases that fill the seeds' forms, entered through the services (issue 16, point 8): used by
the form tests and by docs/render_forms.py, which renders the README's pictures from them."""

from datetime import datetime

from app.applicant import Filler
from app.services import (
    Amounts,
    DischargeInput,
    ItemUpdate,
    checklist,
    register_admission,
    save_site,
    settle_discharge,
    update_item,
)
from app.services.paid_later import BankAccount
from app.services.paperwork import record_paperwork
from tests.store.helpers import admission, person, tick_all

CARD = "6222020200112233446"  # a 银联 card number with a valid Luhn digit
SITES = {
    "HN01": ("hunan", "county", "湖南示例县人民医院"),
    "JJ01": ("jingjiang", "grassroots", "靖江市西来镇卫生院"),
    "WH01": ("weihai", "grassroots", "威海经区医院"),
    "LX01": ("lanxi", "county", "兰溪市人民医院"),
}


def add_sites(store) -> None:
    for code, (policy, facility, name) in SITES.items():
        save_site(
            store, code=code, name=name, facility=facility, default_policy=policy,
            clerk="管理员", make_current=False,
        )  # fmt: skip


def register(store, site, who, number, admitted_at, **overrides) -> int:
    """Registered by 窗口甲 an hour after admission."""
    form = admission(who, number, admitted_at, **overrides)
    now = admitted_at.replace(hour=admitted_at.hour + 1)
    return register_admission(store, form, clerk="窗口甲", site_code=site, now=now).admission_id


def jingjiang_referral(store, *, both_sides: bool, account: bool = True) -> None:
    """JJ-0001: referred from 靖江市人民医院 to a non-designated hospital (approved, ZZ-2026-17),
    admitted 2026-11-02 09:00 and filed at 10:00; the ID card copied (both sides when
    ``both_sides``), the bank card on one side only, the medical record copied; paid by card
    into ``CARD`` when ``account``."""
    who = person(3, "jingjiang", sex="M")
    admission_id = register(
        store, "JJ01", who, "JJ-0001", datetime(2026, 11, 2, 9),
        category="registered_poor", facility="outside", referral_approved=True,
        referral_number="ZZ-2026-17", referral_from="靖江市人民医院",
        referral_to="省级示例医院", referral_at=datetime(2026, 11, 1, 15),
    )  # fmt: skip
    with store.read() as session:
        items = {item.document_code: item for item in checklist(session, admission_id)}
    marks = {
        "id_card": ItemUpdate(copy_kept=True, both_sides_copied=both_sides),
        "bank_card": ItemUpdate(copy_kept=True),
        "medical_record": ItemUpdate(copy_kept=True),
    }
    for code, update in marks.items():
        update_item(store, items[code].id, update, clerk="窗口甲")
    if account:
        record_paperwork(
            store, "JJ-0001", filler=Filler("self"),
            account=BankAccount(who.name, "靖江农村商业银行", CARD), clerk="窗口甲",
            site_code="JJ01",
        )  # fmt: skip


def weihai_year_end(store, who, filler: Filler, account_name: str) -> None:
    """WH-0001: a 低收入 stay, 2026-04-28 to 05-10, settled at year end, with its application's
    filler and the account paid into (``CARD``)."""
    admission_id = register(
        store, "WH01", who, "WH-0001", datetime(2026, 4, 28, 9),
        category="low_income", insurance="employee",
    )  # fmt: skip
    tick_all(store, admission_id)
    settle_discharge(
        store,
        DischargeInput(
            admission_id,
            datetime(2026, 5, 10, 10),
            Amounts("62000.00", "2000.00", "30000.00", "5000.00"),
        ),
        clerk="窗口甲",
        now=datetime(2026, 5, 10, 10, 30),
    )
    record_paperwork(
        store, "WH-0001", filler=filler,
        account=BankAccount(account_name, "威海市商业银行", CARD), clerk="窗口甲",
        site_code="WH01",
    )  # fmt: skip
