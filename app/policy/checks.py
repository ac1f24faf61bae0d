"""Checks a parsed policy for what its types alone cannot say: overlaps, gaps, dangling names.

Each check yields ``(key_path, reason)`` so the loader can report every problem at once.
"""

from collections.abc import Iterator
from datetime import date
from itertools import pairwise

from app.policy.schema import PolicyDef, RuleDef, VersionDef
from app.policy.shape import given

Problem = tuple[str, str]


def check_policy(policy: PolicyDef, file_stem: str) -> list[Problem]:
    problems: list[Problem] = []
    if policy.id != file_stem:
        problems.append(("id", f"政策编号“{policy.id}”必须与文件名“{file_stem}”一致"))
    problems.extend(_check_version_dates(policy))
    for i, version in enumerate(policy.versions):
        problems.extend(_check_version(version, f"versions[{i}]"))
    return problems


def _check_version_dates(policy: PolicyDef) -> Iterator[Problem]:
    for i, version in enumerate(policy.versions):
        to = version.effective_to
        if to is not None and to < version.effective_from:
            yield (f"versions[{i}].effective_to", "失效日期早于生效日期")
    ordered = sorted(enumerate(policy.versions), key=lambda item: item[1].effective_from)
    for (_, earlier), (j, later) in pairwise(ordered):
        if earlier.effective_to is None or later.effective_from <= earlier.effective_to:
            yield (
                f"versions[{j}].effective_from",
                f"版本有效期重叠：{later.effective_from} 已在 {earlier.effective_from} 起的版本内",
            )


def _check_version(version: VersionDef, path: str) -> Iterator[Problem]:
    yield from _check_category_names(version, path)
    cap_codes = [cap.code for cap in version.caps]
    for i, cap in enumerate(version.caps):
        if cap_codes.count(cap.code) > 1:
            yield (f"{path}.caps[{i}].code", f"封顶线代码“{cap.code}”重复")
    layer_codes = {rule.layer for rule in version.rules}
    for i, cap in enumerate(version.caps):
        if cap.layer is not None and cap.layer not in layer_codes:
            yield (f"{path}.caps[{i}].layer", f"没有名为“{cap.layer}”的救助层")
    for i, exclusion in enumerate(version.exclusions):
        if not exclusion.causes and not exclusion.visits:
            yield (f"{path}.exclusions[{i}]", "causes 与 visits 至少填写一项")
        if exclusion.requires_disabling and not exclusion.causes:
            yield (f"{path}.exclusions[{i}].requires_disabling", "须同时填写 causes（伤病原因）")
    funds: dict[str, str] = {}
    for i, rule in enumerate(version.rules):
        if funds.setdefault(rule.layer, rule.fund) != rule.fund:
            yield (
                f"{path}.rules[{i}].fund",
                f"救助层“{rule.layer}”在其他规则中的资金来源是“{funds[rule.layer]}”，须一致",
            )
    for i, rule in enumerate(version.rules):
        rule_path = f"{path}.rules[{i}]"
        yield from _check_rule(rule, rule_path, version, cap_codes)
    yield from _check_rule_overlaps(version, path)
    for i, override in enumerate(version.settle.overrides):
        for category in override.categories:
            if category not in version.categories:
                yield (
                    f"{path}.settle.overrides[{i}].categories",
                    f"类别“{category}”未在 categories 中定义",
                )
    for stage, items in version.documents.items():
        codes = [item.code for item in items]
        for k, item in enumerate(items):
            if codes.count(item.code) > 1:
                yield (f"{path}.documents.{stage}[{k}].code", f"材料代码“{item.code}”重复")
    yield from _check_paper(version, path)
    yield from _check_after_discharge(version, path)


def _check_after_discharge(version: VersionDef, path: str) -> Iterator[Problem]:
    for i, route in enumerate(version.after_discharge):
        where = f"{path}.after_discharge[{i}]"
        if route.stage is not None and not version.documents.get(route.stage):
            yield (f"{where}.stage", f"环节“{route.stage}”在 documents 中没有材料")
        for category in route.categories:
            if category not in version.categories:
                yield (f"{where}.categories", f"类别“{category}”未在 categories 中定义")
        if route.apply_by is not None:
            try:
                date(2001, route.apply_by.month, route.apply_by.day)
            except ValueError:
                yield (f"{where}.apply_by", "月、日不是有效日期")


# What each layout prints beyond its own fields, when the policy's paper entry asks for it.
_PAPER_EXTRAS = {
    "materials": ("bank_account", "filing_times", "referral_route", "approval"),
    "application": ("bank_account",),
}


def _check_paper(version: VersionDef, path: str) -> Iterator[Problem]:
    forms = [paper.form for paper in version.paper]
    for i, paper in enumerate(version.paper):
        where = f"{path}.paper[{i}]"
        if forms.index(paper.form) != i:
            yield (f"{where}.form", f"表单“{paper.form}”重复：每个版本每种表单只写一次")
        # A materials sheet is nothing but the list of materials: it must say which.
        if paper.form == "materials" and paper.documents is None:
            yield (f"{where}.documents", "材料清单须写明 documents（列出哪些环节的材料）")
        for key in ("bank_account", "filing_times", "referral_route", "approval"):
            if getattr(paper, key) and key not in _PAPER_EXTRAS.get(paper.form, ()):
                yield (f"{where}.{key}", f"表单“{paper.form}”的版式不印 {key}")
        if paper.filing_times and not version.deadlines:
            yield (f"{where}.filing_times", "本版本没有备案时限（deadlines），无可对照的时间")
        if paper.documents is None:
            continue
        for stage in paper.documents.stages:
            if not version.documents.get(stage):
                yield (f"{where}.documents.stages", f"环节“{stage}”在 documents 中没有材料")
        listed = [
            document
            for stage in paper.documents.stages
            for document in version.documents.get(stage, ())
        ]
        prefix = paper.documents.clause
        if listed and not any(document.clause.startswith(prefix) for document in listed):
            yield (
                f"{where}.documents.clause",
                f"这些环节的材料中没有条款以“{prefix}”开头的",
            )


def _check_rule(
    rule: RuleDef, path: str, version: VersionDef, cap_codes: list[str]
) -> Iterator[Problem]:
    for category in rule.categories:
        if category not in version.categories:
            yield (f"{path}.categories", f"类别“{category}”未在 categories 中定义")
    for visit in rule.visits:
        if visit not in version.visits:
            yield (f"{path}.visits", f"就诊类型“{visit}”未在 visits 中定义")
    for code in rule.caps:
        if code not in cap_codes:
            yield (f"{path}.caps", f"没有代码为“{code}”的封顶线")
    if rule.deductible > 0 and not rule.deductible_clause:
        yield (f"{path}.deductible_clause", "设置了起付线就必须注明条款")
    if rule.kind == "backstop":
        if rule.patient_share is None:
            yield (f"{path}.patient_share", "兜底层必须填写个人负担比例上限")
        if rule.tiers:
            yield (f"{path}.tiers", "兜底层不使用分段比例")
        return
    if rule.patient_share is not None:
        yield (f"{path}.patient_share", '只有兜底层(kind = "backstop")使用此项')
    for key in ("share_of", "backstop_covers"):
        if key in given(rule):
            yield (f"{path}.{key}", '只有兜底层(kind = "backstop")使用此项')
    if not rule.tiers:
        yield (f"{path}.tiers", "至少需要一个分段")
        return
    first = rule.tiers[0].from_
    if first not in (0, rule.deductible):
        yield (f"{path}.tiers[0].from", "第一段必须从0或起付线开始")
    for k, (lower, upper) in enumerate(pairwise(rule.tiers), start=1):
        if lower.to is None:
            yield (f"{path}.tiers[{k - 1}].to", "只有最后一段可以不设上限")
        elif upper.from_ < lower.to:
            yield (f"{path}.tiers[{k}].from", f"分段重叠：{upper.from_} 小于上一段上限 {lower.to}")
        elif upper.from_ > lower.to:
            yield (f"{path}.tiers[{k}].from", f"分段之间有空缺：{lower.to} 至 {upper.from_}")
    for k, tier in enumerate(rule.tiers):
        if tier.to is not None and tier.to <= tier.from_:
            yield (f"{path}.tiers[{k}].to", "分段上限必须大于下限")


def _check_rule_overlaps(version: VersionDef, path: str) -> Iterator[Problem]:
    """Two rules of the same layer must never both apply to one claim."""

    def covers(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
        return not a or not b or bool(set(a) & set(b))

    for i, first in enumerate(version.rules):
        for j in range(i + 1, len(version.rules)):
            second = version.rules[j]
            if (
                first.layer == second.layer
                and covers(first.categories, second.categories)
                and covers(first.visits, second.visits)
                and covers(first.insurance, second.insurance)
                and covers(first.facilities, second.facilities)
            ):
                yield (
                    f"{path}.rules[{j}]",
                    f"与 rules[{i}] 适用范围重叠（同为“{first.layer}”层），同一案件不能有两条规则",
                )


def _check_category_names(version: VersionDef, path: str) -> Iterator[Problem]:
    # A roster names a class by its words; one word may name only one class.
    owner: dict[str, str] = {}
    for code, category in version.categories.items():
        for i, name in enumerate(category.names):
            key = f"{path}.categories.{code}." + ("name" if i == 0 else f"aliases[{i - 1}]")
            first = owner.setdefault(name.strip(), code)
            if first != code:
                yield (key, f"名称“{name}”已用于类别 {first}")
