"""Freeze a settlement as computed: only its void columns and its claim bundle may be set later,
and a void cannot be undone

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 16:30:00
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Every settlement column except voided, void_reason, voided_by, voided_at, claimed_bundle.
FROZEN = (
    "id, slip_number, site_code, person_id, admission_id, policy_id, policy_version, "
    "policy_sha256, claim_date, year, visit, pool, eligible, total, base, assistance, "
    "paid_at_window, patient_pays, claim_json, result_json, steps_json, override_by, "
    "override_reason, missing_documents_json, settled_at, settled_by"
)
FROZEN_MESSAGE = "结算记录不可修改，只能作废后重新结算"
UNVOID_MESSAGE = "已作废的结算不能恢复"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER settlement_frozen BEFORE UPDATE OF {FROZEN} ON settlement "
            f"FOR EACH ROW EXECUTE FUNCTION refuse_change('{FROZEN_MESSAGE}')"
        )
        op.execute(
            "CREATE TRIGGER settlement_no_unvoid BEFORE UPDATE OF voided ON settlement "
            "FOR EACH ROW WHEN (OLD.voided AND NOT NEW.voided) "
            f"EXECUTE FUNCTION refuse_change('{UNVOID_MESSAGE}')"
        )
    else:
        op.execute(
            f"CREATE TRIGGER settlement_frozen BEFORE UPDATE OF {FROZEN} ON settlement "
            f"BEGIN SELECT RAISE(ABORT, '{FROZEN_MESSAGE}'); END"
        )
        op.execute(
            "CREATE TRIGGER settlement_no_unvoid BEFORE UPDATE OF voided ON settlement "
            "WHEN OLD.voided AND NOT NEW.voided "
            f"BEGIN SELECT RAISE(ABORT, '{UNVOID_MESSAGE}'); END"
        )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for trigger in ("settlement_frozen", "settlement_no_unvoid"):
        op.execute(
            f"DROP TRIGGER {trigger} ON settlement" if postgresql else f"DROP TRIGGER {trigger}"
        )
