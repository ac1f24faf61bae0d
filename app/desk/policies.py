"""Policy sign-off at the window: the shipped files as the administrator reviews them (title,
document number, version, effective date, hash, what changed key by key since approval), and
approving or refusing them. The rules are ``app.services.policy_hashes``'s, the same ones
``python -m app policy approve`` and ``policy status`` use; settling refuses a file that differs
from the approved list (``check_policy_approved``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.accounts.service import UserSession
    from app.services.policy_hashes import KeyChange
    from db import Store

APPROVED = "approved"
UNAPPROVED = "unapproved"  # nothing approved yet, or a file added since
CHANGED = "changed"
REFUSED = "refused"
STATE_NAMES = {
    APPROVED: "已核准",
    UNAPPROVED: "尚未核准",
    CHANGED: "已改动，待核准",
    REFUSED: "已拒绝",
}


@dataclass(frozen=True)
class PolicyReview:
    """One policy file as the sign-off shows it. ``changes``: the keys whose values differ
    from the approved text (empty when the approved text was not kept)."""

    id: str
    file: str
    title: str
    document_number: str
    version: str  # e.g. "第1版（共1版）"
    effective_from: str
    sha256: str
    state: str
    reason: str = ""
    approved_by: str = ""
    approved_at: str = ""
    changes: tuple[KeyChange, ...] = field(default=())

    @property
    def state_name(self) -> str:
        return STATE_NAMES[self.state]

    @property
    def pending(self) -> bool:
        """Waiting for an administrator (approve or refuse)."""
        return self.state != APPROVED

    def paused_text(self) -> str:
        """Why settling under this file is paused (or would be), for everyone to read."""
        if self.state == REFUSED:
            return f"{self.title}（{self.file}）：{self.reason}，已暂停按此政策结算"
        if self.state == CHANGED:
            return f"{self.title}（{self.file}）：{self.reason}，已暂停按此政策结算"
        return f"{self.title}（{self.file}）：{self.reason}"


class PolicyDesk:
    store: Store
    user: UserSession | None

    def policy_review(self) -> list[PolicyReview]:
        """Every installed policy file with its state against the approved list."""
        from app.services.policy_hashes import (
            approved_text,
            policy_diff,
            read_approved,
            refusals,
        )

        approved = read_approved(self.store)
        files = approved["files"] if approved else {}
        refused = refusals(self.store)
        reviews = []
        for pid, loaded in sorted(self.policies.items()):
            definition = loaded.definition
            latest = definition.versions[-1]
            entry = files.get(pid)
            changes: tuple = ()
            if entry is None:
                state, reason = UNAPPROVED, "政策文件尚未经管理员核准"
            elif entry.get("sha256") == loaded.sha256:
                state, reason = APPROVED, ""
            else:
                state, reason = CHANGED, "文件内容已改动，与核准时不一致"
                before = approved_text(self.store, pid)
                if before is not None:
                    now = loaded.path.read_text(encoding="utf-8")
                    changes = tuple(policy_diff(before, now))
            refusal = refused.get(pid)
            if refusal and refusal.get("sha256") == loaded.sha256 and state != APPROVED:
                state = REFUSED
                reason = (
                    f"{refusal.get('refused_by')} 于 {str(refusal.get('refused_at'))[:16]} "
                    f"拒绝核准（{refusal.get('reason')}）"
                )
            by = (entry or {}).get("approved_by") or (approved or {}).get("approved_by", "")
            at = (entry or {}).get("approved_at") or (approved or {}).get("approved_at", "")
            reviews.append(
                PolicyReview(
                    id=pid,
                    file=loaded.path.name,
                    title=definition.title,
                    document_number=definition.document_number,
                    version=f"第{len(definition.versions)}版（共{len(definition.versions)}版）",
                    effective_from=latest.effective_from.isoformat(),
                    sha256=loaded.sha256,
                    state=state,
                    reason=reason,
                    approved_by=str(by) if entry else "",
                    approved_at=str(at)[:16].replace("T", " ") if entry else "",
                    changes=changes,
                )
            )
        return reviews

    def approve_policy_files(self, ids: list[str] | None = None) -> None:
        """Approve the named files as they are now (all when ``ids`` is None); administrator."""
        from app.accounts.roles import require
        from app.services.policy_hashes import approve_policies

        require(self.user, "administrator", "核准政策文件")
        approve_policies(
            self.store, self.user, self.policies, only=None if ids is None else list(ids)
        )

    def refuse_policy_file(self, policy_id: str, reason: str) -> None:
        """Refuse an edited file, with the reason; settling under it stays paused."""
        from app.accounts.roles import require
        from app.services.policies import find_policy
        from app.services.policy_hashes import refuse_policy

        require(self.user, "administrator", "拒绝政策文件")
        refuse_policy(self.store, self.user, find_policy(self.policies, policy_id), reason)
