"""事后报销 at the desk: the queue, intake, review, payment batches, the bank's answer, the
receipt and 威海's year end. One method per user action, plain records back; no Qt, no money
computed here (amounts come from the services as they stored them)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.paid_later import BankAccount, BankResult, IntakeInput
    from db import Store


@dataclass(frozen=True)
class ClaimRow:
    claim_number: str
    status: str
    status_name: str
    kind_name: str
    policy_id: str
    name: str
    id_number: str  # masked
    hospital: str
    admitted_on: date
    discharged_on: date
    payable: Decimal
    due: date | None
    due_state: str  # "overdue", "today", "" (not due yet or done)
    account: str  # bank and the card's last 4 digits
    return_reason: str | None


@dataclass(frozen=True)
class ClaimDetail:
    row: ClaimRow
    materials: tuple[str, ...]
    steps: tuple[str, ...]
    history: tuple[str, ...]
    batches: tuple[str, ...]


@dataclass(frozen=True)
class BatchRow:
    batch_number: str
    count: int
    total: Decimal
    created_at: datetime
    lines: tuple[tuple[str, str, Decimal, str, str], ...]  # claim, name, amount, result, reason


class PostDischargeDesk:
    store: Store
    clerk: str
    _site_code: str | None

    def _claim_row(self, claim, today: date) -> ClaimRow:
        from app.services.paid_later import KIND_NAMES, STATUS_NAMES, due_date

        due = due_date(claim)
        state = ""
        if due is not None and due < today:
            state = "overdue"
        elif due == today:
            state = "today"
        return ClaimRow(
            claim_number=claim.claim_number,
            status=claim.status,
            status_name=STATUS_NAMES[claim.status],
            kind_name=KIND_NAMES[claim.kind],
            policy_id=claim.policy_id,
            name=claim.person.name,
            id_number=self.mask_id(claim.person.id_number),
            hospital=claim.hospital,
            admitted_on=claim.admitted_on,
            discharged_on=claim.discharged_on,
            payable=claim.payable,
            due=due,
            due_state=state,
            account=f"{claim.bank} 尾号{claim.card_number[-4:]}" if claim.card_number else "未录入",
            return_reason=claim.return_reason,
        )

    # --- the queue -----------------------------------------------------------------------
    def claim_queue(self, status: str | None = None) -> list[ClaimRow]:
        """Claims by due date (overdue first), optionally of one status."""
        from app.services.paid_later import list_claims

        today = self.now().date()
        with self.store.read() as session:
            return [self._claim_row(c, today) for c in list_claims(session, status)]

    def claims_due(self) -> tuple[int, int]:
        """(due today, overdue): for the main list and the start."""
        from app.services.paid_later import due_counts

        with self.store.read() as session:
            return due_counts(session, self.now().date())

    def claim_detail(self, number: str) -> ClaimDetail:
        from app.services.audit import history
        from app.services.paid_later import LINE_NAMES, get_claim
        from db.models import PaymentLine

        with self.store.read() as session:
            claim = get_claim(session, number)
            row = self._claim_row(claim, self.now().date())
            result = json.loads(claim.result_json)
            materials = json.loads(claim.materials_json)
            events = history(session, "paid_later_claim", claim.claim_number)
            lines = session.query(PaymentLine).filter(PaymentLine.claim_id == claim.id).all()
            return ClaimDetail(
                row=row,
                materials=tuple(f"{m['name']}（{m['clause']}）" for m in materials),
                steps=tuple(f"{s['clause']}：{s['text']}" for s in result.get("steps", ())),
                history=tuple(
                    f"{e.at:%Y-%m-%d %H:%M} {e.clerk} {e.action} {e.changes_json}" for e in events
                ),
                batches=tuple(
                    f"{self._batch_number(session, line.batch_id)} {line.amount} "
                    f"{LINE_NAMES[line.result]}{'：' + line.failure_reason if line.failure_reason else ''}"
                    for line in lines
                ),
            )

    @staticmethod
    def _batch_number(session, batch_id: int) -> str:
        from db.models import PaymentBatch

        return session.get(PaymentBatch, batch_id).batch_number

    def claim_documents(self, policy_id: str, facility: str, category: str, day: date):
        """The materials to tick for such a stay: [(code, name, clause)], the route's name and
        clause, or ServiceError when the policy pays such a stay at the window."""
        from app.services.errors import ServiceError
        from app.services.paid_later import route_for, stage_documents

        version = self.policies[policy_id].definition.version_on(day)
        route = None if version is None else route_for(version, facility, category)
        if route is None:
            raise ServiceError("facility", "该政策下此类住院在窗口即时结算，不办理事后报销")
        documents = [(d["code"], d["name"], d["clause"]) for d in stage_documents(version, route)]
        return documents, f"{route.name}（{route.clause}）"

    # --- actions -------------------------------------------------------------------------
    def receive_claim(self, form: IntakeInput) -> ClaimRow:
        from app.services.paid_later import receive_claim

        claim = receive_claim(
            self.store,
            form,
            clerk=self.signed_clerk("受理事后报销"),
            site_code=self._site_code,
            now=self.now(),
        )
        return self._reread(claim.claim_number)

    def review_claim(
        self,
        number: str,
        approve: bool,
        reason: str | None = None,
        supervisor: str | None = None,
        password: str | None = None,
        new_password: str | None = None,
    ) -> ClaimRow:
        """审核 by a supervisor: one who types their name and password here (as for a void),
        or else the signed-in user, who must then be a supervisor. A supervisor still on the
        initial password gives a ``new_password`` (``confirm_supervisor``)."""
        from app.services.paid_later import review_claim

        reviewer = self.actor
        if supervisor:
            reviewer = self.confirm_supervisor(
                supervisor, password or "", "审核事后报销", new_password=new_password
            )
        try:
            review_claim(
                self.store,
                number,
                supervisor=reviewer,
                approve=approve,
                reason=reason,
                now=self.now(),
            )
        finally:
            if supervisor:
                self.finish_approval(reviewer)
        return self._reread(number)

    def set_claim_account(self, number: str, account: BankAccount) -> ClaimRow:
        from app.services.paid_later import set_bank_account

        set_bank_account(
            self.store, number, account, clerk=self.signed_clerk("修改收款账户"), now=self.now()
        )
        return self._reread(number)

    def make_batch(self, numbers: list[str] | None = None) -> BatchRow:
        from app.services.paid_later import create_batch

        batch = create_batch(
            self.store,
            clerk=self.signed_clerk("生成代发清单"),
            claim_numbers=numbers,
            site_code=self._site_code,
            now=self.now(),
        )
        return self.batch(batch.batch_number)

    def batch(self, number: str) -> BatchRow:
        from app.services.paid_later import get_batch

        with self.store.read() as session:
            batch = get_batch(session, number)
            return BatchRow(
                batch.batch_number,
                batch.count,
                batch.total,
                batch.created_at,
                tuple(
                    (
                        line.claim.claim_number,
                        line.account_name,
                        line.amount,
                        line.result,
                        line.failure_reason or "",
                    )
                    for line in batch.lines
                ),
            )

    def check_batch_folder(self, folder: str | Path) -> None:
        """TargetError (Chinese) when ``folder`` cannot take a batch's list: before a batch
        is made, as it takes its claims out of the queue."""
        from app.bundle.batch_folder import check_batch_folder

        check_batch_folder(Path(folder))

    def write_batch_file(self, number: str, folder: str | Path, how_again: str) -> Path:
        """``export_batch``, and on failure a BatchFileError saying that the batch exists and
        how to write it again (``how_again``, with ``{number}``: each front end's words)."""
        from app.bundle.batch_folder import not_written
        from app.bundle.safe_write import TargetError
        from app.services.errors import ServiceError

        try:
            return self.export_batch(number, folder)
        except (TargetError, ServiceError) as exc:  # ServiceError: another list of that number
            raise not_written(number, Path(folder), exc, how_again) from None

    def export_batch(self, number: str, target: str | Path) -> Path:
        """Write the batch's XLSX and CSV safely into ``target`` (off the GUI thread). The
        list holds whole card numbers: only a signed-in user writes it, and each copy is
        audited with where it went."""
        from app.bundle.payment_batch import write_batch
        from app.services import audit
        from app.services.paid_later import get_batch

        clerk = self.signed_clerk("导出代发清单")
        with self.store.read() as session:
            written = write_batch(get_batch(session, number), Path(target))
        with self.store.write() as session:
            audit.record(
                session,
                clerk=clerk,
                action="export",
                entity="payment_batch",
                entity_id=number,
                changes={"file": str(written)},
                at=self.now(),
            )
        return written

    def mark_bank_results(self, number: str, results: list[BankResult]) -> BatchRow:
        from app.services.paid_later import mark_results

        mark_results(
            self.store, number, results, clerk=self.signed_clerk("登记银行回执"), now=self.now()
        )
        return self.batch(number)

    def mark_bank_file(self, number: str, path: str | Path) -> BatchRow:
        from app.services.paid_later import read_bank_file

        return self.mark_bank_results(number, read_bank_file(Path(path)))

    def receipt_pdf(self, number: str) -> bytes:
        from app.printing.paid_later import receipt_data
        from app.printing.receipt import render_receipt
        from app.services.paid_later import get_claim

        with self.store.read() as session:
            data = receipt_data(session, get_claim(session, number), mask=self.mask_id)
        return render_receipt(data)

    def year_end_claims(self, policy_id: str, year: int) -> list[ClaimRow]:
        from app.services.paid_later import year_end_claims

        made = year_end_claims(
            self.store,
            policy_id,
            year,
            clerk=self.signed_clerk("生成年底救助"),
            site_code=self._site_code,
            now=self.now(),
        )
        return [self._reread(claim.claim_number) for claim in made]

    def publicity_pdf(self, policy_id: str, year: int) -> bytes:
        from app.printing.paid_later import publicity_data
        from app.printing.receipt import render_publicity

        with self.store.read() as session:
            data = publicity_data(session, policy_id, year, today=self.now().date())
        return render_publicity(data)

    def _reread(self, number: str) -> ClaimRow:
        from app.services.paid_later import get_claim

        with self.store.read() as session:
            return self._claim_row(get_claim(session, number), self.now().date())
