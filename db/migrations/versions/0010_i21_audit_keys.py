"""Secrets out of the database, a keyed audit chain and the centre's audit anchors

- The store gets a random name (``setting`` row ``store_id``) its secrets are filed under in
  the OS's secret store (``app.secret_store``).
- Audit chain links get a version: existing links stay plain SHA-256 (version 1) and are
  checked as they were; a new HMAC-SHA256 key (kept outside the database) keys every link from
  the next position on (version 2). The key remembers that position.
- The bureau's sync password leaves the ``setting`` table: into the OS's secret store where one
  exists, otherwise it is forgotten and asked at each sync; ``sync_sealed`` remembers that sync
  files are sealed, so nothing is ever sent unsealed because the password is not at hand.
- ``audit_anchor``: the centre keeps every window's chain heads from its sync packages.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 07:00:00
"""

import uuid

import sqlalchemy as sa
from alembic import op

from app import secret_store

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_SETTING = sa.table("setting", sa.column("key", sa.String()), sa.column("value", sa.String()))


def _setting(bind, key: str) -> str | None:
    return bind.execute(sa.select(_SETTING.c.value).where(_SETTING.c.key == key)).scalar()


def upgrade() -> None:
    op.add_column(
        "audit_chain", sa.Column("version", sa.Integer(), server_default="1", nullable=False)
    )
    op.create_table(
        "audit_anchor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("window_id", sa.String(length=32), nullable=False),
        sa.Column("site_code", sa.String(length=10), nullable=False),
        sa.Column("package_id", sa.String(length=80), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("problem", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_anchor")),
    )
    op.create_index(op.f("ix_audit_anchor_window_id"), "audit_anchor", ["window_id"])

    bind = op.get_bind()
    store_id = _setting(bind, "store_id")
    if store_id is None:
        store_id = uuid.uuid4().hex
        bind.execute(sa.insert(_SETTING).values(key="store_id", value=store_id))
    state = sa.table("audit_chain_state", sa.column("id"), sa.column("last_seq"))
    last_seq = bind.execute(sa.select(state.c.last_seq).where(state.c.id == 1)).scalar() or 0
    if secret_store.load_audit_key(store_id) is None:
        secret_store.create_audit_key(store_id, last_seq + 1)

    password = _setting(bind, "sync_password")
    if password is not None:
        if password and secret_store.available():
            secret_store.set_secret(secret_store.SYNC_PASSWORD, store_id, password)
        bind.execute(sa.delete(_SETTING).where(_SETTING.c.key == "sync_password"))
        if password and _setting(bind, "sync_sealed") is None:
            bind.execute(sa.insert(_SETTING).values(key="sync_sealed", value="true"))


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_anchor_window_id"), table_name="audit_anchor")
    op.drop_table("audit_anchor")
    # In place (SQLite 3.35+): a batch rebuild would drop the table's insert-only triggers.
    op.execute("ALTER TABLE audit_chain DROP COLUMN version")
