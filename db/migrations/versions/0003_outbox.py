"""Sync: the outbox and its counter, sent packages, pulled year-to-date, central ingest records

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("package_id", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_package_id"), ["package_id"], unique=False)

    outbox_state = op.create_table(
        "outbox_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("capture", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_state")),
    )
    op.bulk_insert(outbox_state, [{"id": 1, "last_seq": 0, "capture": True}])

    op.create_table(
        "sync_package",
        sa.Column("package_id", sa.String(length=80), nullable=False),
        sa.Column("site_code", sa.String(length=16), nullable=False),
        sa.Column("window_id", sa.String(length=32), nullable=False),
        sa.Column("first_seq", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("package_id", name=op.f("pk_sync_package")),
    )
    op.create_table(
        "paid_elsewhere",
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.String(length=32), nullable=False),
        sa.Column("pool", sa.String(length=16), nullable=False),
        sa.Column("site_code", sa.String(length=16), nullable=False),
        sa.Column("base", db.types.Money(), nullable=False),
        sa.Column("assistance", db.types.Money(), nullable=False),
        sa.Column("layers_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint(
            "id_number", "year", "policy_id", "pool", "site_code", name=op.f("pk_paid_elsewhere")
        ),
    )
    op.create_table(
        "ingested_package",
        sa.Column("package_id", sa.String(length=80), nullable=False),
        sa.Column("site_code", sa.String(length=16), nullable=False),
        sa.Column("window_id", sa.String(length=32), nullable=False),
        sa.Column("first_seq", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("ingested_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("package_id", name=op.f("pk_ingested_package")),
    )
    with op.batch_alter_table("ingested_package", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ingested_package_window_id"), ["window_id"], unique=False
        )
    op.create_table(
        "window_progress",
        sa.Column("window_id", sa.String(length=32), nullable=False),
        sa.Column("site_code", sa.String(length=16), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("window_id", name=op.f("pk_window_progress")),
    )


def downgrade() -> None:
    op.drop_table("window_progress")
    with op.batch_alter_table("ingested_package", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ingested_package_window_id"))
    op.drop_table("ingested_package")
    op.drop_table("paid_elsewhere")
    op.drop_table("sync_package")
    op.drop_table("outbox_state")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_package_id"))
    op.drop_table("outbox")
