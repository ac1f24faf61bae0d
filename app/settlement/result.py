"""The result of a settlement: frozen records, and their contract JSON form."""

from dataclasses import dataclass
from decimal import Decimal

from app.money import fmt


@dataclass(frozen=True)
class Step:
    """One line of the explanation: the clause it applies, in words, and its amount (yuan)."""

    clause: str
    text: str
    amount: Decimal | None = None

    def to_json(self) -> dict:
        amount = None if self.amount is None else fmt(self.amount)
        return {"clause": self.clause, "text": self.text, "amount": amount}


@dataclass(frozen=True)
class Layer:
    """One payer after the insurances (医疗救助, 扶贫特惠保, 财政兜底 …) and what it pays."""

    code: str
    name: str
    amount: Decimal

    def to_json(self) -> dict:
        return {"code": self.code, "name": self.name, "amount": fmt(self.amount)}


@dataclass(frozen=True)
class Result:
    """Attributes:
    base: assistance base (yuan). assistance: sum of ``layers``.
    paid_at_window: what the hospital advances now (assistance when settled instantly).
    patient_pays: total − insurances − other compensation − paid_at_window.
    cap_remaining: what is left under the tightest annual cap that applied, or None.
    """

    policy: str
    policy_version: str | None
    eligible: bool
    reason: str | None
    pool: str | None
    base: Decimal
    assistance: Decimal
    layers: tuple[Layer, ...]
    settle_mode: str | None
    paid_at_window: Decimal
    patient_pays: Decimal
    cap_remaining: Decimal | None
    steps: tuple[Step, ...]

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
            "patient_pays": fmt(self.patient_pays),
            "cap_remaining": None if self.cap_remaining is None else fmt(self.cap_remaining),
            "steps": [step.to_json() for step in self.steps],
        }
