"""Claims paid after discharge (事后报销), payment batches for the bank and their lines

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 07:00:00
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_LIVE = "status <> 'returned'"


def upgrade() -> None:
    op.create_table(
        "paid_later_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_number", sa.String(length=32), nullable=False),
        sa.Column("site_code", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.String(length=32), nullable=False),
        sa.Column("policy_version", sa.String(length=32), nullable=True),
        sa.Column("policy_sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("insurance", sa.String(length=16), nullable=False),
        sa.Column("facility", sa.String(length=16), nullable=False),
        sa.Column("hospital", sa.String(length=100), nullable=False),
        sa.Column("admitted_on", sa.Date(), nullable=False),
        sa.Column("discharged_on", sa.Date(), nullable=False),
        sa.Column("referral_number", sa.String(length=64), nullable=True),
        sa.Column("referral_approved", sa.Boolean(), nullable=False),
        sa.Column("total", db.types.Money(), nullable=False),
        sa.Column("base", db.types.Money(), nullable=False),
        sa.Column("assistance", db.types.Money(), nullable=False),
        sa.Column("payable", db.types.Money(), nullable=False),
        sa.Column("claim_json", sa.Text(), nullable=False),
        sa.Column("result_json", sa.Text(), nullable=False),
        sa.Column("materials_json", sa.Text(), nullable=False),
        sa.Column("account_name", sa.String(length=50), nullable=False),
        sa.Column("bank", sa.String(length=100), nullable=False),
        sa.Column("card_number", sa.String(length=32), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("received_by", sa.String(length=64), nullable=False),
        sa.Column("review_due", sa.Date(), nullable=False),
        sa.Column("pay_due", sa.Date(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=64), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("paid_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_paid_later_claim_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["site_code"], ["site.code"], name=op.f("fk_paid_later_claim_site_code_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paid_later_claim")),
        sa.UniqueConstraint("claim_number", name=op.f("uq_paid_later_claim_claim_number")),
    )
    with op.batch_alter_table("paid_later_claim", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_paid_later_claim_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_paid_later_claim_status"), ["status"], unique=False)
        batch_op.create_index(
            "ix_paid_later_claim_person_year", ["person_id", "policy_id", "year"], unique=False
        )
        batch_op.create_index(
            "uq_paid_later_claim_live_stay",
            ["person_id", "policy_id", "hospital", "admitted_on", "discharged_on"],
            unique=True,
            sqlite_where=sa.text(_LIVE),
            postgresql_where=sa.text(_LIVE),
        )
    op.create_table(
        "payment_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_number", sa.String(length=32), nullable=False),
        sa.Column("site_code", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("total", db.types.Money(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_code"], ["site.code"], name=op.f("fk_payment_batch_site_code_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_batch")),
        sa.UniqueConstraint("batch_number", name=op.f("uq_payment_batch_batch_number")),
    )
    op.create_table(
        "payment_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("amount", db.types.Money(), nullable=False),
        sa.Column("account_name", sa.String(length=50), nullable=False),
        sa.Column("bank", sa.String(length=100), nullable=False),
        sa.Column("card_number", sa.String(length=32), nullable=False),
        sa.Column("result", sa.String(length=8), nullable=False),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("marked_at", sa.DateTime(), nullable=True),
        sa.Column("marked_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["payment_batch.id"], name=op.f("fk_payment_line_batch_id_payment_batch")
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["paid_later_claim.id"],
            name=op.f("fk_payment_line_claim_id_paid_later_claim"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_line")),
        sa.UniqueConstraint("batch_id", "claim_id", name=op.f("uq_payment_line_batch_id")),
    )
    with op.batch_alter_table("payment_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_line_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_line_claim_id"), ["claim_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("payment_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_line_claim_id"))
        batch_op.drop_index(batch_op.f("ix_payment_line_batch_id"))
    op.drop_table("payment_line")
    op.drop_table("payment_batch")
    with op.batch_alter_table("paid_later_claim", schema=None) as batch_op:
        batch_op.drop_index("uq_paid_later_claim_live_stay")
        batch_op.drop_index("ix_paid_later_claim_person_year")
        batch_op.drop_index(batch_op.f("ix_paid_later_claim_status"))
        batch_op.drop_index(batch_op.f("ix_paid_later_claim_person_id"))
    op.drop_table("paid_later_claim")
