"""Clerk accounts, and the audit hash chain (existing audit events are sealed as found)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 14:00:00
"""

import sqlalchemy as sa
from alembic import op

from db.audit_chain import GENESIS, append_links

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_SQLITE = (
    "CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain "
    "BEGIN SELECT RAISE(ABORT, '审计哈希链不可修改'); END",
    "CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain "
    "BEGIN SELECT RAISE(ABORT, '审计哈希链不可删除'); END",
)
# refuse_change() comes from revision 0002.
_POSTGRESQL = (
    "CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain "
    "FOR EACH ROW EXECUTE FUNCTION refuse_change('审计哈希链不可修改')",
    "CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain "
    "FOR EACH ROW EXECUTE FUNCTION refuse_change('审计哈希链不可删除')",
)


def upgrade() -> None:
    op.create_table(
        "clerk_account",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(), nullable=True),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_clerk_account")),
    )
    op.create_table(
        "audit_chain",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_chain")),
        sa.UniqueConstraint("event_id", name=op.f("uq_audit_chain_event_id")),
    )
    state = op.create_table(
        "audit_chain_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_state")),
    )
    op.bulk_insert(state, [{"id": 1, "last_seq": 0, "last_hash": GENESIS}])
    bind = op.get_bind()
    events = sa.table(
        "audit_event",
        sa.column("id", sa.Integer()),
        sa.column("at", sa.DateTime()),
        *(sa.column(name) for name in ("clerk", "action", "entity", "entity_id", "changes_json")),
    )
    rows = bind.execute(sa.select(events).order_by(events.c.id)).all()
    if rows:
        append_links(bind, rows)
    statements = _POSTGRESQL if bind.dialect.name == "postgresql" else _SQLITE
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for trigger in ("audit_chain_no_update", "audit_chain_no_delete"):
        op.execute(
            f"DROP TRIGGER {trigger} ON audit_chain" if postgresql else f"DROP TRIGGER {trigger}"
        )
    op.drop_table("audit_chain_state")
    op.drop_table("audit_chain")
    op.drop_table("clerk_account")
