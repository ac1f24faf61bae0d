"""How long a typed text may be: the column's own length (``String(n)``), or ``FREE_TEXT`` for
reasons and notes kept in ``Text`` columns. Checked here, before anything is written, so a
text too long is refused with its field named on SQLite (which would keep it) exactly as on
PostgreSQL (which would fail mid-transaction with "value too long")."""

from sqlalchemy import Column

from app.services.errors import ServiceError

FREE_TEXT = 500  # characters of a reason or note


def limit_of(column: Column) -> int:
    """The most characters ``column`` may hold."""
    return getattr(column.type, "length", None) or FREE_TEXT


def check_text(field: str, value: object, column) -> None:
    """Refuse ``value`` (as it will be stored, without surrounding blanks) if it does not fit
    ``column`` (a mapped attribute, e.g. ``Person.name``); ``field`` names it in the error."""
    if not isinstance(value, str):
        return
    limit = limit_of(column.property.columns[0] if hasattr(column, "property") else column)
    length = len(value.strip())
    if length > limit:
        raise ServiceError(field, f"最多 {limit} 个字符，现为 {length} 个")
