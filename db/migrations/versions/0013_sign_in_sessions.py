"""Sign-in sessions: the proof a service checks a role on (issue 21, point 1)

Each sign-in (and each supervisor's approval at another's window) gets a row keyed by the
SHA-256 of a random token the signed-in session holds; services check roles on a live row,
never on a typed name. Nothing to carry over: everyone signs in again after the upgrade.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_name", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_name"],
            ["clerk_account.name"],
            name=op.f("fk_sign_in_session_account_name_clerk_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sign_in_session_token_hash")),
    )
    with op.batch_alter_table("sign_in_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sign_in_session_account_name"), ["account_name"], unique=False
        )


def downgrade() -> None:
    op.drop_table("sign_in_session")
