"""People can be found by the pinyin of their name and its initials (张三: zhangsan, zs)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from app.text import name_spellings

    with op.batch_alter_table("person") as batch_op:
        batch_op.add_column(sa.Column("name_pinyin", sa.String(200), nullable=True))
        batch_op.add_column(sa.Column("name_initials", sa.String(50), nullable=True))
    connection = op.get_bind()
    people = sa.table(
        "person", sa.column("id"), sa.column("name"), sa.column("name_pinyin"),
        sa.column("name_initials"),
    )  # fmt: skip
    rows = connection.execute(sa.select(people.c.id, people.c.name)).all()
    if rows:
        spelled = [
            {"row_id": row_id, "full": full, "initials": initials}
            for row_id, name in rows
            for full, initials in [name_spellings(name)]
        ]
        connection.execute(
            people.update()
            .where(people.c.id == sa.bindparam("row_id"))
            .values(name_pinyin=sa.bindparam("full"), name_initials=sa.bindparam("initials")),
            spelled,
        )
    with op.batch_alter_table("person") as batch_op:
        batch_op.alter_column("name_pinyin", existing_type=sa.String(200), nullable=False)
        batch_op.alter_column("name_initials", existing_type=sa.String(50), nullable=False)
        batch_op.create_index("ix_person_name_pinyin", ["name_pinyin"])
        batch_op.create_index("ix_person_name_initials", ["name_initials"])


def downgrade() -> None:
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_index("ix_person_name_initials")
        batch_op.drop_index("ix_person_name_pinyin")
        batch_op.drop_column("name_initials")
        batch_op.drop_column("name_pinyin")
