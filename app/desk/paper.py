"""Paper: the slip, referral forms and application forms as PDF bytes, and prints recorded."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from db import Store


class PaperDesk:
    store: Store
    clerk: str
    _site_code: str | None

    # --- paper ---------------------------------------------------------------------------
    def slip_pdf(self, slip_number: str, paper: str = "A4", preview: bool = False) -> bytes:
        """The slip's PDF (ReportLab, loaded now), marked 补打 after earlier prints; with
        ``preview`` the page shown before printing (预览 across it, no barcode)."""
        from app.printing import from_store
        from app.printing.slip import render_slip

        with self.store.read() as session:
            data = from_store.slip_data(session, slip_number)
        with from_store.store_pages(self.store):
            return render_slip(data, paper=paper, preview=preview)

    def archive_slip(self, slip_number: str) -> None:
        """Keep the slip as the claim bundle carries it, right after the settlement (or its
        void) is committed. A slip that cannot be archived now (a full disk, a character the
        fonts lack) does not undo the settlement: it is archived when first needed, and that
        reports what is wrong."""
        from app.fonts import MissingGlyphError
        from app.printing.slip_archive import archive_slip
        from app.services.errors import ServiceError

        with contextlib.suppress(OSError, ServiceError, MissingGlyphError):
            archive_slip(self.store, slip_number, policies=self.policies)

    def record_print(self, slip_number: str, paper: str = "A4") -> None:
        """Keep a print (or a saved PDF) in the audit trail: the next copy is marked 补打."""
        from app.printing import from_store

        from_store.record_print(
            self.store,
            slip_number,
            clerk=self.signed_clerk("打印结算单"),
            paper=paper,
            copies=("patient", "hospital"),
        )

    def referral_pdf(self, admission_number: str) -> tuple[str, bytes]:
        """湖南's 转诊单, or for other policies the sheet of referral materials: (title, PDF)."""
        from app.printing import from_store
        from app.printing.materials_sheet import render_materials_sheet
        from app.printing.records import ReferralData
        from app.printing.referral_hunan import render_hunan_referral

        with self.store.read() as session:
            data = from_store.referral_data(session, admission_number, site_code=None)
        with from_store.store_pages(self.store):
            if isinstance(data, ReferralData):
                return f"转诊单 {admission_number}", render_hunan_referral(data)
            return f"转诊材料清单 {admission_number}", render_materials_sheet(data)

    def application_pdf(self, admission_number: str) -> tuple[str, bytes]:
        """威海's 救助申请表 for a settled admission: (title, PDF)."""
        from app.printing import from_store
        from app.printing.application_weihai import render_weihai_application

        with self.store.read() as session:
            data = from_store.application_data(session, admission_number, site_code=None)
        with from_store.store_pages(self.store):
            return f"救助申请表 {admission_number}", render_weihai_application(data)

    # --- what the forms ask beyond registration ----------------------------------------------
    def paperwork(self, admission_number: str):
        """The case's application filler and bank account as recorded (``CasePaperwork``)."""
        from app.services.errors import ServiceError
        from app.services.paperwork import case_paperwork
        from app.services.records import admission_by_number

        with self.store.read() as session:
            admission = admission_by_number(session, admission_number, self._site_code)
            if admission is None:
                raise ServiceError(
                    "admission_number", f"没有住院号为 {admission_number} 的住院登记"
                )
            return case_paperwork(admission)

    def save_paperwork(self, admission_number: str, filler, account: tuple[str, str, str] | None):
        """Keep who filled in the application (``app.applicant.Filler``) and the bank account
        (户名, 开户银行, 卡号 as typed; all empty or None: none) on the case; ServiceErrors
        naming each bad field."""
        from app.services.paid_later import BankAccount
        from app.services.paperwork import record_paperwork

        return record_paperwork(
            self.store,
            admission_number,
            filler=filler,
            account=BankAccount(*account) if account else None,
            clerk=self.signed_clerk("保存申请与发放信息"),
            site_code=self._site_code,
        )
