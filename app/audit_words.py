"""An audit event in words: Chinese names for its objects and fields, and each change as
“字段：旧值 → 新值”, so a supervisor reads the trail without knowing the tables' keys.

The stored event keeps its codes and JSON (they are what the hash chain covers); only what the
viewer and the exports show is translated here. A key with no Chinese name is shown as itself.
"""

import json
from collections.abc import Mapping
from datetime import date, datetime

from app.errors import FIELD_NAMES
from app.vocabulary import (
    CATEGORY_NAMES,
    CAUSE_NAMES,
    FACILITY_NAMES,
    FILLER_KINDS,
    INSURANCE_NAMES,
    VISIT_NAMES,
)

ENTITY_NAMES = {
    "admission": "住院登记",
    "person": "人员",
    "beneficiary_status": "救助身份",
    "settlement": "结算单",
    "checklist_item": "材料清单",
    "clerk_account": "账户",
    "roster_import": "名册导入",
    "insurance_import": "医保结算导入",
    "setting": "设置",
    "site": "站点",
    "policy_hashes": "政策文件核准",
    "audit_event": "审计记录",
    "bundle": "申报包",
    "scan": "扫描件",
    "store": "数据库",
}

# A key whose name depends on what the event is about.
_NAMES_BY_ENTITY = {"site": {"name": "医院名称"}}

# Keys that appear in audit changes but are not form fields (app.errors.FIELD_NAMES has those).
_CHANGE_NAMES = {
    "admission_id": "住院登记",
    "person_id": "人员",
    "document": "材料",
    "original_sighted": "已验原件",
    "copy_kept": "已留复印件",
    "reason": "理由",
    "missing": "缺少的材料",
    "role": "角色",
    "password": "密码",
    "must_change_password": "须修改初始密码",
    "locked_until": "锁定至",
    "failed_logins": "连续登录失败次数",
    "claimed_bundle": "申报包",
    "assistance": "救助金额",
    "paid_at_window": "窗口垫付",
    "policy_version": "政策版本",
    "warnings": "提示",
    "file": "文件",
    "imported": "导入条数",
    "refused": "拒绝条数",
    "default_policy": "默认政策",
    "copies": "份数",
    "paper": "单据",
    "scan_sha256": "扫描件",
    "sha256": "文件摘要",
    "imported_figures": "导入的医保结算金额",
    "changed_from_import": "改动的导入金额（导入值→结算值）",
    "old_kept_at": "原数据库另存为",
    "asked_by": "窗口经办人",
}

_VALUE_NAMES = {
    "category": CATEGORY_NAMES,
    "facility": FACILITY_NAMES,
    "insurance": INSURANCE_NAMES,
    "visit": VISIT_NAMES,
    "cause": CAUSE_NAMES,
    "filled_by_kind": FILLER_KINDS,
    "sex": {"M": "男", "F": "女"},
    "password": {"changed": "已修改", "reset": "已重置"},
    "reason": {"unknown": "无此账户", "inactive": "账户已停用", "locked": "账户已锁定"},
}


def field_name(key: str, extra: Mapping[str, str] = {}) -> str:
    return extra.get(key) or FIELD_NAMES.get(key) or _CHANGE_NAMES.get(key) or key


def entity_name(entity: str) -> str:
    return ENTITY_NAMES.get(entity, entity)


def value_text(key: str, value: object, value_names: Mapping[str, Mapping] = {}) -> str:
    """One value as a clerk writes it: names for codes, 是/否, dates without the 'T'
    (``value_names``: more code tables by key, e.g. the roles)."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(value_text(key, item, value_names) for item in value) or "（无）"
    if isinstance(value, dict):
        return "，".join(
            f"{field_name(k)} {value_text(k, v, value_names)}" for k, v in value.items()
        )
    text = str(value)
    names = value_names.get(key) or _VALUE_NAMES.get(key)
    if names and text in names:
        return names[text]
    return _plain_time(text)


def _plain_time(text: str) -> str:
    if len(text) >= 16 and text[10:11] == "T":
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return text
        return f"{moment:%Y-%m-%d %H:%M}" if moment.second == 0 else f"{moment:%Y-%m-%d %H:%M:%S}"
    if len(text) == 10:
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            return text
    return text


def is_change(value: object) -> bool:
    """``[old, new]`` is how ``app.services.audit.record`` stores a change of a field."""
    return isinstance(value, list) and len(value) == 2 and not isinstance(value[0], list)


def describe(
    changes_json: str,
    extra_names: Mapping[str, str] = {},
    shown: Mapping[str, str] = {},
    value_names: Mapping[str, Mapping] = {},
    entity: str = "",
) -> str:
    """The changes of one event in words, e.g. “出院时间：（空） → 2026-10-25 10:00”.

    ``extra_names`` names keys the fixed tables do not (site settings); ``shown`` replaces a
    value by what a clerk knows it as (an admission's 住院号 for ``admission_id``);
    ``value_names`` names more codes (the roles); ``entity`` is what the event is about.
    """
    try:
        changes = json.loads(changes_json) if changes_json else {}
    except ValueError:
        return changes_json
    if not isinstance(changes, dict):
        return changes_json
    names = {**extra_names, **_NAMES_BY_ENTITY.get(entity, {})}
    parts = []
    for key, value in changes.items():
        name = field_name(key, names)
        if key in shown:
            parts.append(f"{name}：{shown[key]}")
        elif is_change(value) and key not in ("missing", "warnings"):
            old, new = value
            old_text, new_text = (value_text(key, v, value_names) for v in (old, new))
            parts.append(f"{name}：{old_text} → {new_text}")
        else:
            parts.append(f"{name}：{value_text(key, value, value_names)}")
    return "；".join(parts)
