"""The tables of the window's store. Structure only: the rules live in app/services.

Rows that record what happened (settlements, audit events, beneficiary status history) are
only ever inserted; a settlement is voided by filling its void columns, never edited otherwise.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.types import Money

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Site(Base):
    """A hospital window (or a group of windows sharing one database): its slip prefix."""

    __tablename__ = "site"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    facility: Mapped[str] = mapped_column(String(16))  # hospital level, a contract facility code
    default_policy: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Setting(Base):
    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def _spelled(part: int):
    """A column default: the inserted name's pinyin (0) or initials (1), for searching by them."""

    def default(context) -> str:
        from app.text import name_spellings

        return name_spellings(context.get_current_parameters()["name"])[part]

    return default


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    # How a clerk types the name on a Latin keyboard (张三: zhangsan, zs); set on insert.
    name_pinyin: Mapped[str] = mapped_column(String(200), index=True, default=_spelled(0))
    name_initials: Mapped[str] = mapped_column(String(50), index=True, default=_spelled(1))
    sex: Mapped[str] = mapped_column(String(1))  # "M" / "F", as read from the ID number
    birth_date: Mapped[date] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(200))
    # 社保卡号（医保卡号）, as on the card: ASCII letters and digits (湖南's referral form).
    insurance_card: Mapped[str | None] = mapped_column(String(32))
    # The household the application forms ask about (威海 二(一)2,3): members, yearly income.
    household_size: Mapped[int | None] = mapped_column(Integer)
    household_income: Mapped[Decimal | None] = mapped_column(Money)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(64))

    statuses: Mapped[list["BeneficiaryStatus"]] = relationship(
        back_populates="person", order_by="BeneficiaryStatus.id"
    )


class RosterImport(Base):
    """One civil-affairs / poverty-office list as imported, with the rows it refused."""

    __tablename__ = "roster_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(100))
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    imported_by: Mapped[str] = mapped_column(String(64))
    rows_imported: Mapped[int] = mapped_column(Integer)
    rows_refused: Mapped[int] = mapped_column(Integer)
    errors_json: Mapped[str] = mapped_column(Text)


class BeneficiaryStatus(Base):
    """A person's assistance class as stated by a roster or at the window; kept as history."""

    __tablename__ = "beneficiary_status"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    certificate_type: Mapped[str | None] = mapped_column(String(50))
    certificate_number: Mapped[str | None] = mapped_column(String(64))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(100))
    roster_import_id: Mapped[int | None] = mapped_column(ForeignKey("roster_import.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    recorded_by: Mapped[str] = mapped_column(String(64))

    person: Mapped[Person] = relationship(back_populates="statuses")


class Admission(Base):
    """入院备案登记. Open while neither discharged nor cancelled; at most one open per person
    and site (a partial unique index, so two windows cannot both register one)."""

    __tablename__ = "admission"
    __table_args__ = (
        UniqueConstraint("site_code", "admission_number"),
        # 住院号 in any case (the duplicate check, the search): migration 0017.
        Index("ix_admission_number_any_case", "site_code", text("upper(admission_number)")),
        Index(
            "uq_admission_open_per_person",
            "person_id",
            "site_code",
            unique=True,
            # PostgreSQL's condition: declare_postgresql_partial_indexes()
            sqlite_where=text("discharged_at IS NULL AND cancelled_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    site_code: Mapped[str] = mapped_column(ForeignKey("site.code"))
    admission_number: Mapped[str] = mapped_column(String(32), index=True)
    admitted_at: Mapped[datetime] = mapped_column(DateTime)
    department: Mapped[str] = mapped_column(String(50))
    diagnosis: Mapped[str] = mapped_column(String(200))
    facility: Mapped[str] = mapped_column(String(16))
    insurance: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(32))
    policy_id: Mapped[str] = mapped_column(String(32))
    visit: Mapped[str] = mapped_column(String(32))
    # "inpatient", or "outpatient": one outpatient visit settled at the window, its visit date
    # in admitted_at/discharged_at (app.vocabulary.ADMISSION_KINDS).
    kind: Mapped[str] = mapped_column(String(16), default="inpatient", server_default="inpatient")
    referral_approved: Mapped[bool] = mapped_column(Boolean)
    referral_number: Mapped[str | None] = mapped_column(String(64))
    referral_from: Mapped[str | None] = mapped_column(String(100))
    referral_to: Mapped[str | None] = mapped_column(String(100))
    referral_at: Mapped[datetime | None] = mapped_column(DateTime)
    off_roster_reason: Mapped[str | None] = mapped_column(Text)
    warnings_json: Mapped[str] = mapped_column(Text)
    registered_at: Mapped[datetime] = mapped_column(DateTime)
    registered_by: Mapped[str] = mapped_column(String(64))
    discharged_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_by: Mapped[str | None] = mapped_column(String(64))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # Who filled in the application (威海 三(一)): "self", "relative" or "guardian" (with the
    # name and relationship), None until recorded; and the account assistance is paid into
    # (威海 四 发放到户, 靖江 第二十三条 打卡), checked like a 事后报销 claim's (BankAccount).
    filled_by_kind: Mapped[str | None] = mapped_column(String(16))
    filled_by_name: Mapped[str | None] = mapped_column(String(50))
    filled_by_relation: Mapped[str | None] = mapped_column(String(20))
    account_name: Mapped[str | None] = mapped_column(String(50))
    bank: Mapped[str | None] = mapped_column(String(100))
    card_number: Mapped[str | None] = mapped_column(String(32))

    person: Mapped[Person] = relationship()
    checklist: Mapped[list["ChecklistItem"]] = relationship(order_by="ChecklistItem.id")


class Scan(Base):
    """A scanned image or PDF, stored once under ``scans/<sha[:2]>/<sha>`` in the data folder."""

    __tablename__ = "scan"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_at: Mapped[datetime] = mapped_column(DateTime)


class ChecklistItem(Base):
    """One document a policy asks for at one stage of one admission."""

    __tablename__ = "checklist_item"
    __table_args__ = (UniqueConstraint("admission_id", "stage", "document_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    admission_id: Mapped[int] = mapped_column(ForeignKey("admission.id"), index=True)
    stage: Mapped[str] = mapped_column(String(32))
    document_code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    clause: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text)
    alternatives_json: Mapped[str] = mapped_column(Text)
    original_required: Mapped[bool] = mapped_column(Boolean)
    copy_required: Mapped[bool] = mapped_column(Boolean)
    both_sides: Mapped[bool] = mapped_column(Boolean)
    # Both sides copied (only asked where ``both_sides``); False for copies kept before it
    # was recorded: the paper then does not claim both sides.
    both_sides_copied: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    original_sighted: Mapped[bool] = mapped_column(Boolean, default=False)
    copy_kept: Mapped[bool] = mapped_column(Boolean, default=False)
    scan_sha256: Mapped[str | None] = mapped_column(ForeignKey("scan.sha256"))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by: Mapped[str | None] = mapped_column(String(64))


class SlipCounter(Base):
    """Last slip sequence used per site and year; bumped inside the settling transaction."""

    __tablename__ = "slip_counter"

    site_code: Mapped[str] = mapped_column(ForeignKey("site.code"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class Settlement(Base):
    """One settlement exactly as computed: inputs, result, steps and the policy file's hash."""

    __tablename__ = "settlement"
    __table_args__ = (Index("ix_settlement_person_year", "person_id", "policy_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slip_number: Mapped[str] = mapped_column(String(32), unique=True)
    site_code: Mapped[str] = mapped_column(ForeignKey("site.code"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    admission_id: Mapped[int | None] = mapped_column(ForeignKey("admission.id"), index=True)
    policy_id: Mapped[str] = mapped_column(String(32))
    policy_version: Mapped[str | None] = mapped_column(String(32))
    policy_sha256: Mapped[str] = mapped_column(String(64))
    claim_date: Mapped[date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer)
    visit: Mapped[str] = mapped_column(String(32))
    pool: Mapped[str | None] = mapped_column(String(16))
    eligible: Mapped[bool] = mapped_column(Boolean)
    total: Mapped[Decimal] = mapped_column(Money)
    base: Mapped[Decimal] = mapped_column(Money)
    assistance: Mapped[Decimal] = mapped_column(Money)
    paid_at_window: Mapped[Decimal] = mapped_column(Money)
    patient_pays: Mapped[Decimal] = mapped_column(Money)
    claim_json: Mapped[str] = mapped_column(Text)
    result_json: Mapped[str] = mapped_column(Text)
    steps_json: Mapped[str] = mapped_column(Text)
    override_by: Mapped[str | None] = mapped_column(String(64))
    override_reason: Mapped[str | None] = mapped_column(Text)
    missing_documents_json: Mapped[str] = mapped_column(Text)
    settled_at: Mapped[datetime] = mapped_column(DateTime)
    settled_by: Mapped[str] = mapped_column(String(64))
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    void_reason: Mapped[str | None] = mapped_column(Text)
    voided_by: Mapped[str | None] = mapped_column(String(64))
    voided_at: Mapped[datetime | None] = mapped_column(DateTime)
    claimed_bundle: Mapped[str | None] = mapped_column(String(64))

    person: Mapped[Person] = relationship()


class AuditEvent(Base):
    """Who did what, when, to which record; a database trigger refuses updates and deletes."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    clerk: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    changes_json: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_audit_event_entity", "entity", "entity_id"),)


class PaidLaterClaim(Base):
    """事后报销: a stay whose assistance is paid after discharge (a referred or out-of-area stay
    brought to the window, a 手工结报, or a year-end sum), from intake to the bank. Amounts
    as computed at intake (claim, result and steps as a settlement keeps them); status:
    received → approved | returned → batched → paid (a failed bank line: approved again)."""

    __tablename__ = "paid_later_claim"
    __table_args__ = (
        # One live claim per stay: a returned claim may be brought again.
        Index(
            "uq_paid_later_claim_live_stay",
            "person_id",
            "policy_id",
            "hospital",
            "admitted_on",
            "discharged_on",
            unique=True,
            # PostgreSQL's condition: declare_postgresql_partial_indexes()
            sqlite_where=text("status <> 'returned'"),
        ),
        Index("ix_paid_later_claim_person_year", "person_id", "policy_id", "year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_number: Mapped[str] = mapped_column(String(32), unique=True)
    site_code: Mapped[str] = mapped_column(ForeignKey("site.code"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    policy_id: Mapped[str] = mapped_column(String(32))
    policy_version: Mapped[str | None] = mapped_column(String(32))
    policy_sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    year: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(32))
    insurance: Mapped[str] = mapped_column(String(16))
    facility: Mapped[str] = mapped_column(String(16))
    hospital: Mapped[str] = mapped_column(String(100))
    admitted_on: Mapped[date] = mapped_column(Date)
    discharged_on: Mapped[date] = mapped_column(Date)
    referral_number: Mapped[str | None] = mapped_column(String(64))
    referral_approved: Mapped[bool] = mapped_column(Boolean)
    total: Mapped[Decimal] = mapped_column(Money)
    base: Mapped[Decimal] = mapped_column(Money)
    assistance: Mapped[Decimal] = mapped_column(Money)
    payable: Mapped[Decimal] = mapped_column(Money)
    claim_json: Mapped[str] = mapped_column(Text)
    result_json: Mapped[str] = mapped_column(Text)
    materials_json: Mapped[str] = mapped_column(Text)
    account_name: Mapped[str] = mapped_column(String(50))
    bank: Mapped[str] = mapped_column(String(100))
    card_number: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(DateTime)
    received_by: Mapped[str] = mapped_column(String(64))
    review_due: Mapped[date] = mapped_column(Date)
    pay_due: Mapped[date] = mapped_column(Date)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    return_reason: Mapped[str | None] = mapped_column(Text)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime)

    person: Mapped[Person] = relationship()


class PaymentBatch(Base):
    """代发清单: approved claims sent to the bank together."""

    __tablename__ = "payment_batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_number: Mapped[str] = mapped_column(String(32), unique=True)
    site_code: Mapped[str] = mapped_column(ForeignKey("site.code"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer)
    total: Mapped[Decimal] = mapped_column(Money)

    lines: Mapped[list["PaymentLine"]] = relationship(order_by="PaymentLine.id")


class PaymentLine(Base):
    """One claim in a batch, with the account it was sent to and what the bank answered
    (``result``: pending, paid, failed)."""

    __tablename__ = "payment_line"
    __table_args__ = (UniqueConstraint("batch_id", "claim_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("payment_batch.id"), index=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("paid_later_claim.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    account_name: Mapped[str] = mapped_column(String(50))
    bank: Mapped[str] = mapped_column(String(100))
    card_number: Mapped[str] = mapped_column(String(32))
    result: Mapped[str] = mapped_column(String(8))
    failure_reason: Mapped[str | None] = mapped_column(Text)
    marked_at: Mapped[datetime | None] = mapped_column(DateTime)
    marked_by: Mapped[str | None] = mapped_column(String(64))

    claim: Mapped[PaidLaterClaim] = relationship()


class InsuranceImport(Base):
    """The insurance platform's figures for an admission, imported from its settlement file
    (``python -m app import-insurance``); the latest one is what the discharge form offers."""

    __tablename__ = "insurance_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    admission_id: Mapped[int] = mapped_column(ForeignKey("admission.id"), index=True)
    import_date: Mapped[date] = mapped_column(Date, index=True)  # the day it belongs to
    settlement_id: Mapped[str] = mapped_column(String(64))  # the platform's setl_id, or ""
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    line: Mapped[int] = mapped_column(Integer)
    amounts_json: Mapped[str] = mapped_column(Text)  # our amounts (strings, yuan)
    funds_json: Mapped[str] = mapped_column(Text)  # what the platform paid per fund of ours
    figures_json: Mapped[str] = mapped_column(Text)  # every platform figure read
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    imported_by: Mapped[str] = mapped_column(String(64))


class ArchivedSlip(Base):
    """A settlement's slip as the claim bundle carries it, rendered once and kept by content
    under ``slips/<sha[:2]>/<sha>`` in the data folder: ``form`` is ``settled`` (as made) or
    ``voided`` (with its 作废 mark, made at the void). Never changed once written."""

    __tablename__ = "archived_slip"
    __table_args__ = (UniqueConstraint("settlement_id", "form"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlement.id"))
    form: Mapped[str] = mapped_column(String(16))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    rendered_at: Mapped[datetime] = mapped_column(DateTime)


def declare_postgresql_partial_indexes() -> None:
    """Give PostgreSQL the partial indexes' conditions (the same SQL as SQLite's ``where``).

    Called when a PostgreSQL engine is made (``db.engine``). Written as ``postgresql_where=``
    in the ``Index`` itself, the keyword makes SQLAlchemy import its whole PostgreSQL dialect
    (with every driver's module: about 2 MB and 60 ms) to check it, in every SQLite window
    too (issue 18, point 5). The migrations create the indexes with both conditions."""
    for table in Base.metadata.tables.values():
        for index in table.indexes:
            where = index.dialect_options["sqlite"]["where"]
            if where is not None:
                index.dialect_kwargs["postgresql_where"] = where
