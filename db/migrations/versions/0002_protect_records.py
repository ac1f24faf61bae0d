"""Refuse, in the database itself, to change or delete audit events or delete settlements

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 16:10:00
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_SQLITE = (
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, '审计记录不可修改'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, '审计记录不可删除'); END",
    "CREATE TRIGGER settlement_no_delete BEFORE DELETE ON settlement "
    "BEGIN SELECT RAISE(ABORT, '结算记录不可删除，只能作废'); END",
)
_POSTGRESQL = (
    """CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$""",
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION refuse_change('审计记录不可修改')",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION refuse_change('审计记录不可删除')",
    "CREATE TRIGGER settlement_no_delete BEFORE DELETE ON settlement "
    "FOR EACH ROW EXECUTE FUNCTION refuse_change('结算记录不可删除，只能作废')",
)


def upgrade() -> None:
    statements = _POSTGRESQL if op.get_bind().dialect.name == "postgresql" else _SQLITE
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for trigger, table in (
        ("audit_event_no_update", "audit_event"),
        ("audit_event_no_delete", "audit_event"),
        ("settlement_no_delete", "settlement"),
    ):
        op.execute(
            f"DROP TRIGGER {trigger} ON {table}" if postgresql else f"DROP TRIGGER {trigger}"
        )
    if postgresql:
        op.execute("DROP FUNCTION refuse_change()")
