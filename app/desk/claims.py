"""Claim bundles: the claim period for a day, and a period's bundle written safely."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from db import Store


class ClaimsDesk:
    store: Store
    clerk: str

    # --- claim bundles ---
    def claim_period(self, policy_id: str, day: date) -> tuple[str, str]:
        """(kind, label of the period containing ``day``) for the policy's claim period."""
        from app.bundle.export import claim_period_kind
        from app.bundle.period import period_label

        kind = claim_period_kind(self.policies[policy_id])
        return kind, period_label(kind, day)

    def export_bundle(
        self,
        period: str,
        target: str | Path,
        policy_id: str | None,
        as_zip: bool,
        password: str | None = None,
        site: str | None = None,
        progress=None,
    ):
        """Write a claim period's bundle safely to ``target`` (sealed with the bureau's
        ``password`` if given) for ``site`` (default: the current site); from the window,
        off the GUI thread. The signed-in account must be a clerk or above: the export marks
        its settlements claimed. ``progress`` (``app.bundle.progress.ExportProgress`` ->
        None) is told how far it has got and the time left, on the export's thread."""
        from app.bundle.export import export_bundle

        self.act_as("clerk", "导出申报包")
        return export_bundle(
            self.store,
            self.policies,
            period_text=period,
            target_dir=Path(target),
            policy_id=policy_id,
            site_code=site,
            as_zip=as_zip,
            clerk=self.signed_clerk("导出申报包"),
            encrypt_password=password,
            progress=progress,
        )
