"""The policy files an administrator has signed off, by SHA-256, and the check against them.

``approve_policies`` stores the current files' hashes (with who and when) in the settings
table, audited. ``policy_changes`` names every file that differs from that list (the window
shows them at start; ``python -m app policy status`` prints them). Settling refuses a policy
whose file differs from an existing list (``check_policy_approved``, called by the settlement
service; ``check_against``, called by ``python -m app settle`` with the list it read from the
store): an edited rule file is never silently used for money. Before any list has been
approved nothing is refused, but every file is named as not yet approved.
"""

import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.policy import LoadedPolicy
from app.services import audit
from app.services.access import ADMINISTRATOR, Actor, actor_name, check_role
from app.services.errors import ServiceError
from db import Store
from db.models import Setting

APPROVED_KEY = "policy_hashes"
TEXT_KEY_PREFIX = "policy_text."  # + policy id: the file's text as last approved
REFUSED_KEY = "policy_refused"


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


def _text_key(policy_id: str) -> str:
    return f"{TEXT_KEY_PREFIX}{policy_id}"[:64]


def _signed_text(loaded: LoadedPolicy) -> str:
    """The file's text as it is signed off, refused if it changed since it was loaded (the
    hash approved must be the text kept for later comparison)."""
    try:
        data = loaded.path.read_bytes()
    except OSError as exc:
        raise ServiceError("policy", f"政策文件 {loaded.path.name} 无法读取：{exc}") from None
    if hashlib.sha256(data).hexdigest() != loaded.sha256:
        raise ServiceError(
            "policy",
            f"政策文件 {loaded.path.name} 在核对期间又被改动；请重新启动程序后再核准",
        )
    return data.decode("utf-8")


def approve_policies(
    store: Store,
    admin: Actor,
    policies: Mapping[str, LoadedPolicy],
    *,
    now=None,
    only: Collection[str] | None = None,
) -> dict:
    """Sign off the hashes of ``policies`` as they are now (administrator only); with
    ``only``, just those files (the others keep what was approved for them). The text of
    each file signed off is kept, so a later edit can be shown key by key (``policy_diff``).
    ``admin`` is the administrator's signed-in session (a bare name only in setup mode)."""
    now = now or datetime.now()
    admin_name = actor_name(admin)
    chosen = {pid: policies[pid] for pid in (only if only is not None else policies)}
    texts = {pid: _signed_text(loaded) for pid, loaded in chosen.items()}
    signed = {
        policy_id: {
            "file": loaded.path.name,
            "sha256": loaded.sha256,
            "approved_by": admin_name,
            "approved_at": now.isoformat(),
        }
        for policy_id, loaded in sorted(chosen.items())
    }
    with store.write() as session:
        check_role(session, admin, ADMINISTRATOR, doing="核准政策文件", field="clerk", now=now)
        before = approved_list(session)
        files = dict(before["files"]) if (before and only is not None) else {}
        files.update(signed)
        files = dict(sorted(files.items()))
        approved = {"approved_by": admin_name, "approved_at": now.isoformat(), "files": files}
        _put(session, APPROVED_KEY, json.dumps(approved, ensure_ascii=False, sort_keys=True))
        for pid, body in texts.items():
            _put(session, _text_key(pid), body)
        refused = _refusals(session)
        if any(pid in refused for pid in chosen):
            _save_refusals(session, {k: v for k, v in refused.items() if k not in chosen})
        audit.record(
            session,
            clerk=admin_name,
            action="approve",
            entity="policy_hashes",
            entity_id=APPROVED_KEY,
            changes={
                "files": signed,
                "before": {pid: before["files"].get(pid) for pid in signed} if before else None,
            },
            at=now,
        )
    return approved


def refuse_policy(
    store: Store, admin: Actor, loaded: LoadedPolicy, reason: str, *, now=None
) -> None:
    """An administrator refuses an edited file: it stays unapproved (settling under it stays
    refused) and the refusal, with who, when and why, is kept and audited."""
    now = now or datetime.now()
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("policy_refusal", "拒绝核准须填写理由")
    with store.write() as session:
        admin_name = check_role(
            session, admin, ADMINISTRATOR, doing="拒绝政策文件", field="clerk", now=now
        )
        refused = _refusals(session)
        refused[loaded.id] = {
            "file": loaded.path.name,
            "sha256": loaded.sha256,
            "refused_by": admin_name,
            "refused_at": now.isoformat(),
            "reason": reason,
        }
        _save_refusals(session, refused)
        audit.record(
            session,
            clerk=admin_name,
            action="refuse",
            entity="policy_hashes",
            entity_id=loaded.id,
            changes={"file": loaded.path.name, "sha256": loaded.sha256, "reason": reason},
            at=now,
        )


def _refusals(session: Session) -> dict:
    setting = session.get(Setting, REFUSED_KEY)
    try:
        refused = json.loads(setting.value) if setting else {}
    except ValueError:
        return {}
    return refused if isinstance(refused, dict) else {}


def _save_refusals(session: Session, refused: dict) -> None:
    _put(session, REFUSED_KEY, json.dumps(refused, ensure_ascii=False, sort_keys=True))


def _put(session: Session, key: str, value: str) -> None:
    """Write one setting row (created the first time)."""
    setting = session.get(Setting, key)
    if setting is None:
        session.add(Setting(key=key, value=value))
    else:
        setting.value = value


def refusals(store: Store) -> dict:
    """``{policy id: {"sha256", "refused_by", "refused_at", "reason"}}`` still standing."""
    with store.read() as session:
        return _refusals(session)


def approved_text(store: Store, policy_id: str) -> str | None:
    """The text of the policy file as it was last approved (None: not kept, or never)."""
    with store.read() as session:
        kept = session.get(Setting, _text_key(policy_id))
        return kept.value if kept else None


def flatten_policy(text: str) -> dict[str, str]:
    """A policy file's keys and values, one line each: ``versions[1].caps[2].amount`` ->
    ``"80000"`` (tables by dotted key, arrays of tables numbered from 1)."""
    import tomllib

    flat: dict[str, str] = {}

    def walk(value, key: str) -> None:
        if isinstance(value, dict):
            for name, inner in value.items():
                walk(inner, f"{key}.{name}" if key else name)
        elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
            for index, item in enumerate(value, start=1):
                walk(item, f"{key}[{index}]")
        elif isinstance(value, list):
            flat[key] = json.dumps(value, ensure_ascii=False, default=str)
        elif isinstance(value, str):
            flat[key] = value
        else:
            flat[key] = json.dumps(value, default=str).strip('"')

    walk(tomllib.loads(text), "")
    return flat


@dataclass(frozen=True)
class KeyChange:
    """One key of a policy file: its value as approved and as it is now (None: absent)."""

    key: str
    approved: str | None
    current: str | None


def policy_diff(approved: str, current: str) -> list[KeyChange]:
    """The keys whose values differ between two texts of a policy file, in the file's order
    (keys only in the approved text last)."""
    before, after = flatten_policy(approved), flatten_policy(current)
    keys = list(after) + [key for key in before if key not in after]
    return [
        KeyChange(key, before.get(key), after.get(key))
        for key in keys
        if before.get(key) != after.get(key)
    ]


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
            by = entry.get("approved_by") or approved.get("approved_by")
            at = str(entry.get("approved_at") or approved.get("approved_at"))[:16]
            changes.append(
                PolicyChange(pid, str(loaded.path), f"文件内容已改动，与{by} 于 {at} 核准的不一致")
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
                "不能用它结算；请管理员核对后重新核准（窗口：管理 → 政策文件核准；"
                "或 python -m app policy approve）",
            )


def check_policy_approved(session: Session, loaded: LoadedPolicy) -> None:
    """Refuse to settle with a policy file that differs from an approved list."""
    check_against(approved_list(session), loaded)
