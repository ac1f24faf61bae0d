"""An admission registered in error can be cancelled with a reason; it then no longer counts
as the person's open admission (its 住院号 stays taken: sync keys admissions by it)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 16:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_OLD_OPEN = "discharged_at IS NULL"
_NEW_OPEN = "discharged_at IS NULL AND cancelled_at IS NULL"


def _open_index(batch_op, where: str) -> None:
    batch_op.create_index(
        "uq_admission_open_per_person",
        ["person_id", "site_code"],
        unique=True,
        sqlite_where=sa.text(where),
        postgresql_where=sa.text(where),
    )


def upgrade() -> None:
    with op.batch_alter_table("admission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("cancelled_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("cancel_reason", sa.Text(), nullable=True))
        batch_op.drop_index("uq_admission_open_per_person")
        _open_index(batch_op, _NEW_OPEN)


def downgrade() -> None:
    with op.batch_alter_table("admission", schema=None) as batch_op:
        batch_op.drop_index("uq_admission_open_per_person")
        _open_index(batch_op, _OLD_OPEN)
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("cancelled_by")
        batch_op.drop_column("cancelled_at")
