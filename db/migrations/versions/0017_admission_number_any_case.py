"""住院号 in any case, indexed: the registration's duplicate check (zy001 beside ZY001) and the
search's any-case look-up read ``upper(admission_number)`` per site without scanning the site's
admissions

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 14:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_admission_number_any_case",
        "admission",
        ["site_code", sa.text("upper(admission_number)")],
    )


def downgrade() -> None:
    op.drop_index("ix_admission_number_any_case", table_name="admission")
