"""Which fund a stored result's layer is claimed from.

A result names each layer's fund (``fund``) since layers could be paid by different funds
(湖南: 扶贫特惠保, 医疗救助, 医院减免, 财政兜底). One stored before that (the first release)
names none: its layer's fund is the policy's rule of the same layer code, and 医疗救助 where
the policy has no such rule (the one fund of a policy with one layer).
"""

from collections.abc import Mapping

from app.policy.schema import PolicyDef
from app.vocabulary import ASSISTANCE_FUND


def layer_funds(policy: PolicyDef) -> dict[str, str]:
    """Each layer code's fund in the policy file (a later version's wins)."""
    return {rule.layer: rule.fund for version in policy.versions for rule in version.rules}


def fund_of(layer: Mapping, funds: Mapping[str, str]) -> str:
    """A stored layer's fund: its own, else by its code in ``funds`` (``layer_funds``)."""
    return layer.get("fund") or funds.get(layer.get("code", ""), ASSISTANCE_FUND)
