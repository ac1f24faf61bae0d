"""The insurance platform's settlement figures imported per admission (issue 19)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 07:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insurance_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("admission_id", sa.Integer(), nullable=False),
        sa.Column("import_date", sa.Date(), nullable=False),
        sa.Column("settlement_id", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("amounts_json", sa.Text(), nullable=False),
        sa.Column("funds_json", sa.Text(), nullable=False),
        sa.Column("figures_json", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["admission_id"],
            ["admission.id"],
            name=op.f("fk_insurance_import_admission_id_admission"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurance_import")),
    )
    with op.batch_alter_table("insurance_import", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_insurance_import_admission_id"), ["admission_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_insurance_import_import_date"), ["import_date"], unique=False
        )


def downgrade() -> None:
    op.drop_table("insurance_import")
