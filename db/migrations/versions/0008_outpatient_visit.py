"""An admission row may record one outpatient visit settled at the window (kind "outpatient"):
its visit date in admitted_at and discharged_at, its diagnosis, its own checklist; settlements
and slip numbers stay in the one table and the one sequence

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-01 06:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("admission", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="inpatient")
        )


def downgrade() -> None:
    with op.batch_alter_table("admission", schema=None) as batch_op:
        batch_op.drop_column("kind")
