"""The newest schema revision, as the migration files name it, read with the standard library
only: the window's start compares it with a store's ``alembic_version`` before SQLAlchemy is
imported (issue 18, point 1); ``db.migrate`` uses it to skip Alembic for a store at head."""

import re
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

_REVISION = re.compile(r"""^(down_revision|revision)\s*(?::[^=]*)?=\s*["']([^"']+)["']""", re.M)


def _named() -> list[dict[str, str]]:
    """Each migration file's ``revision`` and ``down_revision``, as the file writes them."""
    return [
        dict(_REVISION.findall(script.read_text(encoding="utf-8")))
        for script in (MIGRATIONS_DIR / "versions").glob("*.py")
    ]


def named_head() -> str | None:
    """The one revision no migration file names as its ``down_revision``, read from the
    files as alembic reads them; None when that is not plain (then alembic decides)."""
    named = _named()
    if any("revision" not in found for found in named):
        return None
    heads = {found["revision"] for found in named} - {found.get("down_revision") for found in named}
    return heads.pop() if len(heads) == 1 else None


def known_revisions() -> set[str]:
    """Every revision a migration file names (a store at one this program does not know was
    made by a newer program)."""
    return {found["revision"] for found in _named() if "revision" in found}
