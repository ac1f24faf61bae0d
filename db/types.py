"""Column types that keep money exact on every backend."""

from sqlalchemy import Numeric, String
from sqlalchemy.types import TypeDecorator

from app.money import FEN, D, round_fen


class Money(TypeDecorator):
    """Yuan as ``Decimal`` with two decimals.

    PostgreSQL stores ``NUMERIC(14, 2)``; SQLite has no exact decimal storage (its NUMERIC
    affinity turns values into doubles), so there the canonical text form (``"1234.50"``) is kept.
    A value with more than two decimals is refused (``ValueError``), never rounded on the way
    in: rounding is the calculator's, once, and a fraction of a fen here is a fault upstream.
    """

    impl = String(20)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(14, 2, asdecimal=True))
        return dialect.type_descriptor(String(20))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        exact = D(value)
        amount = exact.quantize(FEN)
        if amount != exact:
            raise ValueError(f"金额 {exact} 超过两位小数（分），拒绝保存：应先舍入到分")
        return amount if dialect.name == "postgresql" else str(amount)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return round_fen(D(value))
