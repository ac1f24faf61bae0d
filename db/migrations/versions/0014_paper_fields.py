"""The fields the seeds' forms ask for (issue 16, point 8): the person's 社保卡号 and household,
who filled in the application and the account assistance is paid into, and whether both sides
of a two-sided copy were kept

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-01 10:00:00
"""

import sqlalchemy as sa
from alembic import op

from db.types import Money

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_ADMISSION = (
    ("filled_by_kind", 16),
    ("filled_by_name", 50),
    ("filled_by_relation", 20),
    ("account_name", 50),
    ("bank", 100),
    ("card_number", 32),
)


def upgrade() -> None:
    with op.batch_alter_table("person") as batch_op:
        batch_op.add_column(sa.Column("insurance_card", sa.String(32), nullable=True))
        batch_op.add_column(sa.Column("household_size", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("household_income", Money(), nullable=True))
    with op.batch_alter_table("admission") as batch_op:
        for name, length in _ADMISSION:
            batch_op.add_column(sa.Column(name, sa.String(length), nullable=True))
    # Copies kept before sides were recorded: not known to be two-sided, so not claimed.
    with op.batch_alter_table("checklist_item") as batch_op:
        batch_op.add_column(
            sa.Column("both_sides_copied", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("checklist_item") as batch_op:
        batch_op.drop_column("both_sides_copied")
    with op.batch_alter_table("admission") as batch_op:
        for name, _length in reversed(_ADMISSION):
            batch_op.drop_column(name)
    with op.batch_alter_table("person") as batch_op:
        for name in ("household_income", "household_size", "insurance_card"):
            batch_op.drop_column(name)
