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

from app.applicant import RELATIVE, Filler  # noqa: E402
from app.printing.forms import print_form  # noqa: E402
from db import open_store  # noqa: E402
from tests.printing.paper_cases import (  # noqa: E402
    add_sites,
    jingjiang_referral,
    register,
    weihai_year_end,
)
from tests.store.helpers import person  # noqa: E402


def fill(store) -> dict[str, tuple[str, str, str]]:
    """The three cases: (form, 住院号, site) by the rendering's file name."""
    add_sites(store)
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
    jingjiang_referral(store, both_sides=True)
    applicant = dataclasses.replace(
        person(5, "weihai"), household_size="3", household_income="31200.00",
        address="山东省威海市经济技术开发区示例街道示例社区12号",
    )  # fmt: skip
    weihai_year_end(store, applicant, Filler(RELATIVE, "测试己", "女儿"), applicant.name)
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
