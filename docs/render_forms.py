"""The README's renderings of the seeds' forms (docs/referral-hunan.png, application-weihai.png,
materials-jingjiang.png): fictitious cases entered through the services into a temporary store,
printed as the window prints them, first page at 80 dpi with poppler's ``pdftoppm``.

    python docs/render_forms.py
"""

import dataclasses
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from app.applicant import RELATIVE, SELF, Filler  # noqa: E402
from app.printing.forms import print_form  # noqa: E402
from app.services import (  # noqa: E402
    Amounts,
    DischargeInput,
    ItemUpdate,
    checklist,
    register_admission,
    save_site,
    settle_discharge,
    update_item,
)
from app.services.paid_later import BankAccount  # noqa: E402
from app.services.paperwork import record_paperwork  # noqa: E402
from db import open_store  # noqa: E402
from tests.store.helpers import admission, person, tick_all  # noqa: E402

CARD = "6222020200112233446"


def register(store, site, who, number, admitted_at, **overrides) -> int:
    form = admission(who, number, admitted_at, **overrides)
    now = admitted_at.replace(hour=admitted_at.hour + 1)
    return register_admission(store, form, clerk="窗口甲", site_code=site, now=now).admission_id


def fill(store) -> dict[str, tuple[str, str, str]]:
    """The three cases: (form, 住院号, site) by the rendering's file name."""
    sites = {
        "HN01": ("hunan", "county", "湖南示例县人民医院"),
        "JJ01": ("jingjiang", "grassroots", "靖江市西来镇卫生院"),
        "WH01": ("weihai", "grassroots", "威海经区示例医院"),
    }
    for code, (policy, facility, name) in sites.items():
        save_site(
            store, code=code, name=name, facility=facility, default_policy=policy,
            clerk="管理员", make_current=False,
        )  # fmt: skip
    hunan = dataclasses.replace(
        person(7, "hunan"), phone="13800000007", address="湖南省示例县示例镇示例村3组",
        insurance_card="H43010200123",
    )  # fmt: skip
    register(
        store, "HN01", hunan, "HN-0001", datetime(2026, 11, 8, 9), category="registered_poor",
        diagnosis="肺部阴影待查", facility="outside", referral_approved=True,
        referral_number="ZZ-2026-31", referral_to="省级示例医院",
        referral_at=datetime(2026, 11, 8, 8),
    )  # fmt: skip

    referred = person(3, "jingjiang", sex="M")
    admission_id = register(
        store, "JJ01", referred, "JJ-0001", datetime(2026, 11, 2, 9),
        category="registered_poor", facility="outside", referral_approved=True,
        referral_number="ZZ-2026-17", referral_from="靖江市人民医院", referral_to="省级示例医院",
        referral_at=datetime(2026, 11, 1, 15),
    )  # fmt: skip
    with store.read() as session:
        items = {item.document_code: item for item in checklist(session, admission_id)}
    update_item(
        store, items["id_card"].id, ItemUpdate(True, both_sides_copied=True), clerk="窗口甲"
    )
    update_item(store, items["bank_card"].id, ItemUpdate(copy_kept=True), clerk="窗口甲")
    update_item(store, items["medical_record"].id, ItemUpdate(copy_kept=True), clerk="窗口甲")
    record_paperwork(
        store, "JJ-0001", filler=Filler(SELF),
        account=BankAccount(referred.name, "靖江农村商业银行", CARD), clerk="窗口甲",
        site_code="JJ01",
    )  # fmt: skip

    applicant = dataclasses.replace(
        person(5, "weihai"), household_size="3", household_income="31200.00",
        address="山东省威海市经济技术开发区示例街道示例社区12号",
    )  # fmt: skip
    admission_id = register(
        store, "WH01", applicant, "WH-0001", datetime(2026, 4, 28, 9), category="low_income",
        insurance="employee",
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
        store, "WH-0001", filler=Filler(RELATIVE, "测试己", "女儿"),
        account=BankAccount("测试5", "威海市商业银行", CARD), clerk="窗口甲", site_code="WH01",
    )  # fmt: skip
    return {
        "referral-hunan": ("referral", "HN-0001", "HN01"),
        "materials-jingjiang": ("materials", "JJ-0001", "JJ01"),
        "application-weihai": ("application", "WH-0001", "WH01"),
    }


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="desk-forms-"))
    store = open_store(str(work / "desk.sqlite3"), data_dir=work / "data")
    try:
        for name, (form, number, site) in fill(store).items():
            with store.read() as session:
                pdf = print_form(session, form, number, site_code=site)
            (work / f"{name}.pdf").write_bytes(pdf)
            subprocess.run(
                ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                 str(work / f"{name}.pdf"), str(HERE / name)],
                check=True,
            )  # fmt: skip
            print(HERE / f"{name}.png")
    finally:
        store.close()


if __name__ == "__main__":
    main()
