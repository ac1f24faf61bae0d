"""initial tables

Revision ID: 0001
Revises:
Create Date: 2026-11-23 16:04:21.023240
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("clerk", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("changes_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_event_entity", ["entity", "entity_id"], unique=False)

    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("id_number", name=op.f("uq_person_id_number")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_name"), ["name"], unique=False)

    op.create_table(
        "roster_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by", sa.String(length=64), nullable=False),
        sa.Column("rows_imported", sa.Integer(), nullable=False),
        sa.Column("rows_refused", sa.Integer(), nullable=False),
        sa.Column("errors_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_import")),
    )
    op.create_table(
        "scan",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_scan")),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")),
    )
    op.create_table(
        "site",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("facility", sa.String(length=16), nullable=False),
        sa.Column("default_policy", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_site")),
    )
    op.create_table(
        "admission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("site_code", sa.String(length=16), nullable=False),
        sa.Column("admission_number", sa.String(length=32), nullable=False),
        sa.Column("admitted_at", sa.DateTime(), nullable=False),
        sa.Column("department", sa.String(length=50), nullable=False),
        sa.Column("diagnosis", sa.String(length=200), nullable=False),
        sa.Column("facility", sa.String(length=16), nullable=False),
        sa.Column("insurance", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("policy_id", sa.String(length=32), nullable=False),
        sa.Column("visit", sa.String(length=32), nullable=False),
        sa.Column("referral_approved", sa.Boolean(), nullable=False),
        sa.Column("referral_number", sa.String(length=64), nullable=True),
        sa.Column("referral_from", sa.String(length=100), nullable=True),
        sa.Column("referral_to", sa.String(length=100), nullable=True),
        sa.Column("referral_at", sa.DateTime(), nullable=True),
        sa.Column("off_roster_reason", sa.Text(), nullable=True),
        sa.Column("warnings_json", sa.Text(), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("registered_by", sa.String(length=64), nullable=False),
        sa.Column("discharged_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_admission_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["site_code"], ["site.code"], name=op.f("fk_admission_site_code_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admission")),
        sa.UniqueConstraint("site_code", "admission_number", name=op.f("uq_admission_site_code")),
    )
    with op.batch_alter_table("admission", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_admission_admission_number"), ["admission_number"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_admission_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            "uq_admission_open_per_person",
            ["person_id", "site_code"],
            unique=True,
            sqlite_where=sa.text("discharged_at IS NULL"),
            postgresql_where=sa.text("discharged_at IS NULL"),
        )

    op.create_table(
        "beneficiary_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("certificate_type", sa.String(length=50), nullable=True),
        sa.Column("certificate_number", sa.String(length=64), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("roster_import_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_beneficiary_status_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["roster_import_id"],
            ["roster_import.id"],
            name=op.f("fk_beneficiary_status_roster_import_id_roster_import"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beneficiary_status")),
    )
    with op.batch_alter_table("beneficiary_status", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_beneficiary_status_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "slip_counter",
        sa.Column("site_code", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_code"], ["site.code"], name=op.f("fk_slip_counter_site_code_site")
        ),
        sa.PrimaryKeyConstraint("site_code", "year", name=op.f("pk_slip_counter")),
    )
    op.create_table(
        "checklist_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("admission_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("document_code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("clause", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("alternatives_json", sa.Text(), nullable=False),
        sa.Column("original_required", sa.Boolean(), nullable=False),
        sa.Column("copy_required", sa.Boolean(), nullable=False),
        sa.Column("both_sides", sa.Boolean(), nullable=False),
        sa.Column("original_sighted", sa.Boolean(), nullable=False),
        sa.Column("copy_kept", sa.Boolean(), nullable=False),
        sa.Column("scan_sha256", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["admission_id"],
            ["admission.id"],
            name=op.f("fk_checklist_item_admission_id_admission"),
        ),
        sa.ForeignKeyConstraint(
            ["scan_sha256"], ["scan.sha256"], name=op.f("fk_checklist_item_scan_sha256_scan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_item")),
        sa.UniqueConstraint(
            "admission_id", "stage", "document_code", name=op.f("uq_checklist_item_admission_id")
        ),
    )
    with op.batch_alter_table("checklist_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checklist_item_admission_id"), ["admission_id"], unique=False
        )

    op.create_table(
        "settlement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slip_number", sa.String(length=32), nullable=False),
        sa.Column("site_code", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("admission_id", sa.Integer(), nullable=True),
        sa.Column("policy_id", sa.String(length=32), nullable=False),
        sa.Column("policy_version", sa.String(length=32), nullable=True),
        sa.Column("policy_sha256", sa.String(length=64), nullable=False),
        sa.Column("claim_date", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("visit", sa.String(length=32), nullable=False),
        sa.Column("pool", sa.String(length=16), nullable=True),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("total", db.types.Money(), nullable=False),
        sa.Column("base", db.types.Money(), nullable=False),
        sa.Column("assistance", db.types.Money(), nullable=False),
        sa.Column("paid_at_window", db.types.Money(), nullable=False),
        sa.Column("patient_pays", db.types.Money(), nullable=False),
        sa.Column("claim_json", sa.Text(), nullable=False),
        sa.Column("result_json", sa.Text(), nullable=False),
        sa.Column("steps_json", sa.Text(), nullable=False),
        sa.Column("override_by", sa.String(length=64), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("missing_documents_json", sa.Text(), nullable=False),
        sa.Column("settled_at", sa.DateTime(), nullable=False),
        sa.Column("settled_by", sa.String(length=64), nullable=False),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("voided_by", sa.String(length=64), nullable=True),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("claimed_bundle", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["admission_id"], ["admission.id"], name=op.f("fk_settlement_admission_id_admission")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_settlement_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["site_code"], ["site.code"], name=op.f("fk_settlement_site_code_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlement")),
        sa.UniqueConstraint("slip_number", name=op.f("uq_settlement_slip_number")),
    )
    with op.batch_alter_table("settlement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_settlement_admission_id"), ["admission_id"], unique=False
        )
        batch_op.create_index(
            "ix_settlement_person_year", ["person_id", "policy_id", "year"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("settlement", schema=None) as batch_op:
        batch_op.drop_index("ix_settlement_person_year")
        batch_op.drop_index(batch_op.f("ix_settlement_admission_id"))

    op.drop_table("settlement")
    with op.batch_alter_table("checklist_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_item_admission_id"))

    op.drop_table("checklist_item")
    op.drop_table("slip_counter")
    with op.batch_alter_table("beneficiary_status", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_beneficiary_status_person_id"))

    op.drop_table("beneficiary_status")
    with op.batch_alter_table("admission", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_admission_open_per_person",
            sqlite_where=sa.text("discharged_at IS NULL"),
            postgresql_where=sa.text("discharged_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_admission_person_id"))
        batch_op.drop_index(batch_op.f("ix_admission_admission_number"))

    op.drop_table("admission")
    op.drop_table("site")
    op.drop_table("setting")
    op.drop_table("scan")
    op.drop_table("roster_import")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_name"))

    op.drop_table("person")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_entity")
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))

    op.drop_table("audit_event")
