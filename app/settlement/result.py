"""The result of a settlement: immutable records, and their contract JSON form.

Named tuples rather than frozen dataclasses: a frozen dataclass sets each field through
``object.__setattr__``, which made building the result a third of a settlement's time.
"""

from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from app.money import fmt


class Step(NamedTuple):
    """One line of the explanation: the clause it applies, in words, and its amount (yuan).

    ``words`` is the text, or ``(function, *arguments)`` that writes it: the calculator hands
    over the figures and the text is formatted only when read (``text``, ``to_json``), since
    formatting a dozen amounts cost more than the settlement's arithmetic (and a tuple is
    cheaper to make than a ``functools.partial``).
    """

    clause: str
    words: str | tuple
    amount: Decimal | None = None

    @property
    def text(self) -> str:
        return written(self.words)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Step):
            return NotImplemented
        return (self.clause, self.text, self.amount) == (other.clause, other.text, other.amount)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash((self.clause, self.text, self.amount))

    def __repr__(self) -> str:
        return f"Step(clause={self.clause!r}, text={self.text!r}, amount={self.amount!r})"

    def to_json(self) -> dict:
        amount = None if self.amount is None else fmt(self.amount)
        return {"clause": self.clause, "text": self.text, "amount": amount}


def written(words: str | tuple) -> str:
    """The text of a step's ``words``: itself, or its function called with its arguments."""
    if isinstance(words, str):
        return words
    function, *arguments = words
    return function(*arguments)


class _Kept(tuple):
    """Records kept as the bare tuples the calculator wrote and read as the named tuple
    ``item``: making a named tuple costs several times a plain one, and most settlements'
    records are stored as JSON once or never read (issue 18, point 3).

    Indexing and iterating give ``item``s; equal when their items are equal.
    """

    __slots__ = ()
    item: type

    def __getitem__(self, index):
        item = self.item
        if isinstance(index, slice):
            return tuple(_new(item, raw) for raw in tuple.__getitem__(self, index))
        return _new(item, tuple.__getitem__(self, index))

    def __iter__(self) -> Iterator:
        item = self.item
        for raw in tuple.__iter__(self):
            yield _new(item, raw)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, tuple):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"


class Steps(_Kept):
    """A result's steps: ``(clause, words, amount)`` tuples read as ``Step``s."""

    __slots__ = ()
    item = Step


_new = tuple.__new__


class Layer(NamedTuple):
    """One payer after the insurances (医疗救助, 扶贫特惠保, 财政兜底 …) and what it pays.

    Attributes:
      fund: who bears it (app.vocabulary.FUNDS); "hospital" is the hospital's own reduction.
      cap_remaining: what is left under this layer's tightest annual cap after it, or None.
    """

    code: str
    name: str
    amount: Decimal
    fund: str = "medical_assistance"
    cap_remaining: Decimal | None = None

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "amount": fmt(self.amount),
            "fund": self.fund,
            "cap_remaining": _money_or_none(self.cap_remaining),
        }


class Layers(_Kept):
    """A result's layers: ``(code, name, amount, fund, cap_remaining)`` read as ``Layer``s."""

    __slots__ = ()
    item = Layer


def _money_or_none(amount: Decimal | None) -> str | None:
    return None if amount is None else fmt(amount)


class Result(NamedTuple):
    """Attributes:
    base: assistance base (yuan). assistance: sum of ``layers``.
    paid_at_window: what the patient does not pay at the window (assistance when settled
      instantly), made of ``advanced`` and ``hospital_reduction``.
    advanced: 医院垫付, what the window advanced and claims back from the funds.
    hospital_reduction: 医院减免, the hospital's own reduction, never claimed.
    patient_pays: total − insurances − other compensation − paid_at_window.
    cap_remaining, cap_name: what is left under the policy's assistance cap (the caps of the
      layers the 医疗救助 fund bears) and the cap's name, or None.
    """

    policy: str
    policy_version: str | None
    eligible: bool
    reason: str | None
    pool: str | None
    base: Decimal
    assistance: Decimal
    layers: tuple[Layer, ...]  # a Layers when made by the calculator
    settle_mode: str | None
    paid_at_window: Decimal
    patient_pays: Decimal
    cap_remaining: Decimal | None
    steps: tuple[Step, ...]  # a Steps when made by the calculator
    advanced: Decimal = Decimal(0)
    hospital_reduction: Decimal = Decimal(0)
    cap_name: str | None = None

    def to_json(self) -> dict:
        return {
            "policy": self.policy,
            "policy_version": self.policy_version,
            "eligible": self.eligible,
            "reason": self.reason,
            "pool": self.pool,
            "base": fmt(self.base),
            "assistance": fmt(self.assistance),
            "layers": [layer.to_json() for layer in self.layers],
            "settle_mode": self.settle_mode,
            "paid_at_window": fmt(self.paid_at_window),
            "advanced": fmt(self.advanced),
            "hospital_reduction": fmt(self.hospital_reduction),
            "patient_pays": fmt(self.patient_pays),
            "cap_remaining": _money_or_none(self.cap_remaining),
            "cap_name": self.cap_name,
            "steps": [step.to_json() for step in self.steps],
        }
