"""Look-ups compiled once per dialect and run on the session's own DB-API connection.

A look-up the window runs on every keystroke or settlement costs, through Core, about 60 µs of
SQLAlchemy's per-run work (an execution context, parameters, result metadata) around an indexed
query of 15 µs (issue 18, point 4). ``Prepared`` compiles its statement once per dialect and,
on each run, binds the parameters, executes the SQL on the connection the session's transaction
already holds (after an autoflush, so it sees what the session changed) and passes each value
through its column type's result processor: the same one Core and the ORM use, so a Money column
is still an exact Decimal and a DateTime read from SQLite still a ``datetime``. A DB-API error
is raised as SQLAlchemy's ``DBAPIError`` subclass, as Core raises it. No engine events run: the
store listens to none on a statement (only on connect and begin, which still happen).
"""

from collections import namedtuple
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import exc
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import CompoundSelect, Select


@dataclass
class _Compiled:
    sql: str
    binds: Callable[[Mapping[str, Any]], Any]
    # Known after the first run: they may depend on the column types the driver reports.
    processors: list | None = None


@dataclass
class Prepared:
    """A SELECT run as ``rows(session, params)``: a list of named tuples (one field per
    selected column, by its name), values as Core would return them."""

    statement: Select | CompoundSelect
    name: str
    _compiled: WeakKeyDictionary = field(default_factory=WeakKeyDictionary, repr=False)

    def __post_init__(self) -> None:
        self._columns = list(self.statement.selected_columns)
        self._row = namedtuple(self.name, [column.key for column in self._columns])

    def rows(self, session: Session, params: Mapping[str, Any]) -> list:
        if session.autoflush:  # as a query through the session would (cheap when clean)
            session.flush()
        connection = session.connection()  # begins the session's transaction if need be
        dialect = connection.dialect
        compiled = self._compiled.get(dialect) or self._compile(dialect)
        bound = compiled.binds(params)
        cursor = connection.connection.driver_connection.cursor()
        try:
            cursor.execute(compiled.sql, bound)
            fetched = cursor.fetchall()
            if compiled.processors is None:
                compiled.processors = self._processors(dialect, cursor.description)
        except dialect.loaded_dbapi.Error as error:
            raise exc.DBAPIError.instance(
                compiled.sql, bound, error, dialect.loaded_dbapi.Error, dialect=dialect
            ) from error
        finally:
            cursor.close()
        make, processors = self._row._make, compiled.processors
        if not any(processors):
            return [make(row) for row in fetched]
        return [
            make(
                [value if p is None else p(value) for p, value in zip(processors, row, strict=True)]
            )
            for row in fetched
        ]

    def first(self, session: Session, params: Mapping[str, Any]):
        """The first row, or None."""
        found = self.rows(session, params)
        return found[0] if found else None

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect)
        if compiled.literal_execute_params or compiled.post_compile_params:
            raise ValueError(f"{self.name}: a value rendered at run time (IN, literal_execute)")
        processors = {
            name: bind.type.dialect_impl(dialect).bind_processor(dialect)
            for name, bind in compiled.binds.items()
        }

        def values(params: Mapping[str, Any]) -> dict:
            constructed = compiled.construct_params(params)
            return {
                name: value if processors.get(name) is None else processors[name](value)
                for name, value in constructed.items()
            }

        if compiled.positional:
            order = compiled.positiontup

            def binds(params):
                given = values(params)
                return tuple(given[name] for name in order)
        else:
            binds = values
        found = self._compiled[dialect] = _Compiled(compiled.string, binds)
        return found

    def _processors(self, dialect: Dialect, description) -> list:
        return [
            column.type.dialect_impl(dialect).result_processor(dialect, described[1])
            for column, described in zip(self._columns, description, strict=True)
        ]
