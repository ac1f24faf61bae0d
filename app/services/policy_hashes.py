"""The policy files an administrator has signed off, by SHA-256, and the check against them.

``approve_policies`` stores the current files' hashes (with who and when) in the settings
table, audited. ``policy_changes`` names every file that differs from that list (the window
shows them at start; ``python -m app policy status`` prints them). Settling refuses a policy
whose file differs from an existing list (``check_policy_approved``, called by the settlement
service; ``check_against``, called by ``python -m app settle`` with the list it read from the
store): an edited rule file is never silently used for money. Before any list has been
approved nothing is refused, but every file is named as not yet approved.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.policy import LoadedPolicy
from app.services import audit
from app.services.access import ADMINISTRATOR, check_role
from app.services.errors import ServiceError
from db import Store
from db.models import Setting

APPROVED_KEY = "policy_hashes"


@dataclass(frozen=True)
class PolicyChange:
    id: str
    path: str
    reason: str

    def __iter__(self):  # unpacks as (id, path, reason)
        return iter((self.id, self.path, self.reason))


def approved_list(session: Session) -> dict | None:
    """``{"approved_by", "approved_at", "files": {id: {"file", "sha256"}}}`` or None."""
    setting = session.get(Setting, APPROVED_KEY)
    if setting is None:
        return None
    try:
        approved = json.loads(setting.value)
        approved["files"].items()
    except (ValueError, KeyError, TypeError, AttributeError):
        return {"approved_by": "?", "approved_at": "?", "files": {}}  # damaged: nothing approved
    return approved


def approve_policies(
    store: Store, admin_name: str, policies: Mapping[str, LoadedPolicy], *, now=None
) -> dict:
    """Sign off the hashes of ``policies`` as they are now (administrator only)."""
    now = now or datetime.now()
    files = {
        policy_id: {"file": loaded.path.name, "sha256": loaded.sha256}
        for policy_id, loaded in sorted(policies.items())
    }
    approved = {"approved_by": admin_name, "approved_at": now.isoformat(), "files": files}
    with store.write() as session:
        check_role(session, admin_name, ADMINISTRATOR, doing="核准政策文件", field="clerk")
        before = approved_list(session)
        setting = session.get(Setting, APPROVED_KEY)
        text = json.dumps(approved, ensure_ascii=False, sort_keys=True)
        if setting is None:
            session.add(Setting(key=APPROVED_KEY, value=text))
        else:
            setting.value = text
        audit.record(
            session,
            clerk=admin_name,
            action="approve",
            entity="policy_hashes",
            entity_id=APPROVED_KEY,
            changes={
                "files": files,
                "before": before["files"] if before else None,
            },
            at=now,
        )
    return approved


def _differences(policies: Mapping[str, LoadedPolicy], approved: dict | None) -> list:
    if approved is None:
        return [
            PolicyChange(pid, str(loaded.path), "政策文件尚未经管理员核准")
            for pid, loaded in sorted(policies.items())
        ]
    files = approved["files"]
    signed = f"{approved.get('approved_by')} 于 {str(approved.get('approved_at'))[:16]} 核准"
    changes = []
    for pid, loaded in sorted(policies.items()):
        entry = files.get(pid)
        if entry is None:
            changes.append(PolicyChange(pid, str(loaded.path), f"不在{signed}的清单中"))
        elif entry.get("sha256") != loaded.sha256:
            changes.append(
                PolicyChange(pid, str(loaded.path), f"文件内容已改动，与{signed}的不一致")
            )
    for pid in sorted(set(files) - set(policies)):
        changes.append(PolicyChange(pid, files[pid].get("file", ""), f"{signed}的文件不见了"))
    return changes


def policy_changes(policies: Mapping[str, LoadedPolicy], store: Store) -> list[PolicyChange]:
    """Every policy file that differs from the approved list, as (id, path, reason)."""
    with store.read() as session:
        return _differences(policies, approved_list(session))


def read_approved(store: Store) -> dict | None:
    """The approved list in ``store`` (see ``approved_list``), None before any approval."""
    with store.read() as session:
        return approved_list(session)


def check_against(approved: dict | None, loaded: LoadedPolicy) -> None:
    """Refuse (``ServiceError`` naming the file and what changed) a policy file that differs
    from the ``approved`` list; nothing is refused before a list exists (``approved`` None)."""
    if approved is None:
        return
    for change in _differences({loaded.id: loaded}, approved):
        if change.id == loaded.id:
            raise ServiceError(
                "policy",
                f"政策文件 {loaded.path.name}（{loaded.id}）{change.reason}，"
                "不能用它结算；请管理员核对后重新核准（python -m app policy approve）",
            )


def check_policy_approved(session: Session, loaded: LoadedPolicy) -> None:
    """Refuse to settle with a policy file that differs from an approved list."""
    check_against(approved_list(session), loaded)
