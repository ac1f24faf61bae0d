"""Which forms a case's policy prints: the ``[[versions.paper]]`` of the version in force.

Only the policy file says so (policies/README.md, 表单); no code names a county. Nothing heavy is
imported here (no ReportLab, no store): the window asks it which print actions to enable.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.policy.schema import PolicyDef

# What ``print referral`` and the window's 转诊单/材料清单 print: the referral form where the
# policy prints one, else its materials sheet (the materials a referral or out-of-area claim needs).
REFERRAL_PAPERWORK = ("referral", "materials")


def forms_printed(policy: PolicyDef, day: date) -> tuple[str, ...]:
    """The form names the policy's version in force on ``day`` lists, in file order."""
    version = policy.version_on(day)
    return () if version is None else tuple(paper.form for paper in version.paper)


def referral_paperwork(forms: Iterable[str]) -> str | None:
    """Which of ``forms`` serves as the referral paperwork, or None."""
    listed = set(forms)
    return next((form for form in REFERRAL_PAPERWORK if form in listed), None)


def asks_paperwork(policy: PolicyDef, day: date) -> bool:
    """Whether the version in force on ``day`` prints who filled in the application or the
    account assistance is paid into (its application form, or a paper with ``bank_account``)."""
    version = policy.version_on(day)
    if version is None:
        return False
    return any(paper.form == "application" or paper.bank_account for paper in version.paper)
