"""威海's year-end list (五(二)): the classes settled at year end, who they are, what base and
what assistance is due, for the civil-affairs office to pay out."""

import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Font

from app.bundle.cases import BundleCase, collect_cases, policy_category_names
from app.bundle.period import ClaimPeriod
from app.bundle.zipfiles import normalise_office_file
from app.money import ZERO
from app.policy.funds import layer_funds
from app.sheet_cells import append_row, print_setup
from db.store import Store

COLUMNS = ("结算单号", "结算时间", "姓名", "身份证号", "救助类别", "救助基数", "应发救助金额")


def year_end_cases(store: Store, site_code: str, policy_id: str, year: int) -> list[BundleCase]:
    from app.services.policies import find_policy

    definition = find_policy(None, policy_id).definition
    names = policy_category_names(definition)
    whole_year = ClaimPeriod(str(year), date(year, 1, 1), date(year, 12, 31))
    with store.read() as session:
        cases = collect_cases(
            session, site_code, policy_id, whole_year, names, layer_funds(definition)
        )
    return [case for case in cases if case.settle_mode == "year_end" and not case.voided]


def year_end_xlsx(cases: list[BundleCase], year: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}年底救助名单"
    append_row(sheet, COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for case in cases:
        append_row(
            sheet,
            [
                case.slip_number,
                case.settled_at.strftime("%Y-%m-%d"),
                case.person_name,
                case.id_number,
                case.category_name,
                case.amounts["base"],
                case.amounts["assistance"],
            ],
        )
    due = sum((case.amounts["assistance"] for case in cases), ZERO)
    append_row(sheet, ["合计", f"{len(cases)} 人次", "", "", "", "", due])
    for row in sheet.iter_rows(min_row=2, min_col=6, max_col=7):
        for cell in row:
            cell.number_format = "#,##0.00"
    print_setup(sheet, sheet.title)
    buffer = io.BytesIO()
    book.save(buffer)
    stamp = max((case.settled_at for case in cases), default=datetime(year, 12, 31))
    return normalise_office_file(buffer.getvalue(), stamp.strftime("%Y-%m-%dT%H:%M:%SZ"))
