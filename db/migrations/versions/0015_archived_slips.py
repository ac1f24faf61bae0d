"""Slips archived when they are made: the bundle's canonical PDF of each settlement, kept by
content in the data folder, one row per settlement and form (issue 18, point 2)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

MESSAGE = "已存档的结算单不可修改或删除"


def upgrade() -> None:
    op.create_table(
        "archived_slip",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("settlement_id", sa.Integer(), nullable=False),
        sa.Column("form", sa.String(length=16), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("rendered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["settlement_id"],
            ["settlement.id"],
            name=op.f("fk_archived_slip_settlement_id_settlement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archived_slip")),
        sa.UniqueConstraint("settlement_id", "form", name=op.f("uq_archived_slip_settlement_id")),
    )
    # An archived slip is what was issued: never replaced nor removed.
    postgresql = op.get_bind().dialect.name == "postgresql"
    for trigger, when in (
        ("archived_slip_no_update", "UPDATE"),
        ("archived_slip_no_delete", "DELETE"),
    ):
        if postgresql:
            op.execute(
                f"CREATE TRIGGER {trigger} BEFORE {when} ON archived_slip "
                f"FOR EACH ROW EXECUTE FUNCTION refuse_change('{MESSAGE}')"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {trigger} BEFORE {when} ON archived_slip "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for trigger in ("archived_slip_no_update", "archived_slip_no_delete"):
        op.execute(
            f"DROP TRIGGER {trigger} ON archived_slip" if postgresql else f"DROP TRIGGER {trigger}"
        )
    op.drop_table("archived_slip")
