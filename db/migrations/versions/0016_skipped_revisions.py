"""Stores a build of 2026-12-01 stamped out of order get what it skipped: 0008 (outpatient
visits), 0009 (claims paid after discharge) and 0010 (keyed audit chain, store id, anchors)

Migration 0011 (name spellings) was first released straight after 0006 and later moved behind
0010, keeping its id. A store stamped 0011 (or later) by such a build is read by alembic as
having 0008–0010, so none of them ever ran there: no ``admission.kind``, no claims tables, no
audit key, and printing, claims and the audit check failed. Each is applied here where its
pieces are missing (a store upgraded in order has them all, and nothing happens).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 14:00:00
"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _revision(file_name: str):
    """The migration module in ``file_name`` beside this one (its ``upgrade`` as alembic
    would run it, in this migration's transaction)."""
    path = Path(__file__).resolve().parent / file_name
    spec = importlib.util.spec_from_file_location(f"skipped_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _columns(inspector, table: str) -> set[str]:
    return {column["name"] for column in inspector.get_columns(table)}


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if "kind" not in _columns(inspector, "admission"):
        _revision("0008_outpatient_visit.py").upgrade()
    if not inspector.has_table("paid_later_claim"):
        _revision("0009_paid_later_claims.py").upgrade()
    if "version" not in _columns(inspector, "audit_chain"):
        _revision("0010_i21_audit_keys.py").upgrade()


def downgrade() -> None:
    """Nothing: what this adds belongs to 0008–0010, whose downgrades remove it."""
