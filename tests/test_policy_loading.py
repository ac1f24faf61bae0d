"""The five policy files load; broken copies are rejected naming file, key path and reason."""

import re
import shutil
from pathlib import Path

import pytest

from app.paths import policies_dir
from app.policy import PolicyLoadError, load_policies, load_policy_file

POLICY_IDS = ["taierzhuang", "lanxi", "weihai", "jingjiang", "hunan"]

BAD_TIERS_RULE = """
[[versions.rules]]
layer = "overlap_check"
name = "重叠检查"
clause = "测试"
tiers = [
  { from = 0, to = 1000, rate = 0.5, clause = "测试" },
  { from = 500, rate = 0.6, clause = "测试" },
]
"""


def test_all_five_policies_load(policies):
    assert sorted(policies) == sorted(POLICY_IDS)
    for policy in policies.values():
        assert policy.definition.versions
        assert len(policy.sha256) == 64


def _broken_copy(tmp_path: Path, policy_id: str, mutate) -> Path:
    source = policies_dir() / f"{policy_id}.toml"
    target = tmp_path / f"{policy_id}.toml"
    text = source.read_text(encoding="utf-8")
    target.write_text(mutate(text), encoding="utf-8")
    return target


def _errors(path: Path) -> list[str]:
    with pytest.raises(PolicyLoadError) as caught:
        load_policy_file(path)
    return [str(error) for error in caught.value.errors]


def _has(errors: list[str], file: Path, key: str, reason: str) -> bool:
    return any(file.name in error and f": {key}: " in error and reason in error for error in errors)


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_wrong_type_is_rejected(tmp_path, policy_id):
    path = _broken_copy(
        tmp_path,
        policy_id,
        lambda text: re.sub(r"effective_from = \S+", 'effective_from = "soon"', text, count=1),
    )
    assert _has(_errors(path), path, "versions[0].effective_from", "类型错误")


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_unknown_key_is_rejected(tmp_path, policy_id):
    path = _broken_copy(
        tmp_path,
        policy_id,
        lambda text: text.replace("[versions.base]\n", '[versions.base]\ncolour = "red"\n', 1),
    )
    assert _has(_errors(path), path, "versions[0].base.colour", "未知的键")


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_rate_outside_zero_to_one_is_rejected(tmp_path, policy_id):
    path = _broken_copy(
        tmp_path, policy_id, lambda text: re.sub(r"rate = [0-9.]+", "rate = 1.5", text, count=1)
    )
    errors = _errors(path)
    assert any(
        path.name in e and ".tiers[0].rate" in e and "比率必须在0到1之间" in e for e in errors
    ), errors


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_overlapping_tiers_are_rejected(tmp_path, policy_id):
    path = _broken_copy(tmp_path, policy_id, lambda text: text + BAD_TIERS_RULE)
    errors = _errors(path)
    assert any(
        path.name in e
        and re.search(r"versions\[0\]\.rules\[\d+\]\.tiers\[1\]\.from", e)
        and "分段重叠" in e
        for e in errors
    ), errors


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_overlapping_versions_are_rejected(tmp_path, policy_id):
    def second_version(text: str) -> str:
        start = text.index("[[versions]]")
        copy = re.sub(
            r"effective_from = (\d{4})",
            lambda m: f"effective_from = {int(m[1]) + 1}",
            text[start:],
            count=1,
        )
        return text + "\n" + copy

    path = _broken_copy(tmp_path, policy_id, second_version)
    assert _has(_errors(path), path, "versions[1].effective_from", "版本有效期重叠")


def test_rules_of_one_layer_must_not_overlap(tmp_path):
    rule = '\n[[versions.rules]]\nlayer = "medical_assistance"\nname = "重复"\nclause = "测试"\ntiers = [{ from = 0, rate = 0.1, clause = "测试" }]\n'
    path = _broken_copy(tmp_path, "jingjiang", lambda text: text + rule)
    assert any("适用范围重叠" in error for error in _errors(path))


def test_paper_entries_are_checked(tmp_path):
    paper = (
        '\n[[versions.paper]]\nform = "materials"\nname = "清单"\nclause = "测试"\n'
        '\n[[versions.paper]]\nform = "materials"\nname = "又一张"\nclause = "测试"\n'
        'documents = { stages = ["out_of_area"], clause = "第九十九条" }\n'
    )
    path = _broken_copy(tmp_path, "hunan", lambda text: text + paper)
    errors = _errors(path)
    assert _has(errors, path, "versions[0].paper[1].documents", "须写明 documents")
    assert _has(errors, path, "versions[0].paper[2].form", "重复")
    assert _has(errors, path, "versions[0].paper[2].documents.stages", "没有材料")


def test_a_form_without_a_renderer_is_rejected(tmp_path):
    paper = '\n[[versions.paper]]\nform = "receipt"\nname = "收据"\nclause = "测试"\n'
    path = _broken_copy(tmp_path, "lanxi", lambda text: text + paper)
    assert _has(_errors(path), path, "versions[0].paper[1].form", "receipt")


def test_paper_documents_clause_must_match_a_listed_document(tmp_path):
    path = _broken_copy(
        tmp_path,
        "weihai",
        lambda text: text.replace('clause = "三(二)" }', 'clause = "九(九)" }'),
    )
    assert _has(_errors(path), path, "versions[0].paper[0].documents.clause", "九(九)")


def test_every_error_in_a_file_is_reported_not_just_the_first(tmp_path):
    def two_faults(text: str) -> str:
        text = re.sub(r"rate = [0-9.]+", "rate = -1", text, count=1)
        return text.replace("[versions.base]\n", "[versions.base]\nspeed = 3\n", 1)

    path = _broken_copy(tmp_path, "lanxi", two_faults)
    errors = _errors(path)
    assert any("speed" in e for e in errors) and any(".rate" in e for e in errors), errors


def test_folder_load_names_the_broken_file_and_keeps_going(tmp_path):
    for policy_id in POLICY_IDS:
        shutil.copy(policies_dir() / f"{policy_id}.toml", tmp_path)
    broken = tmp_path / "weihai.toml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("id = ", "idd = ", 1), "utf-8")
    with pytest.raises(PolicyLoadError) as caught:
        load_policies(tmp_path)
    assert {error.file.split("/")[-1] for error in caught.value.errors} == {"weihai.toml"}


def test_version_in_force_is_chosen_by_date(tmp_path):
    text = (policies_dir() / "lanxi.toml").read_text(encoding="utf-8")
    start = text.index("[[versions]]")
    newer = text[start:].replace("effective_from = 2020-07-01", "effective_from = 2026-01-01", 1)
    newer = newer.replace("rate = 0.70", "rate = 0.75", 1)
    older = text[:start] + text[start:].replace(
        "effective_from = 2020-07-01", "effective_from = 2020-07-01\neffective_to = 2025-12-31", 1
    )
    path = tmp_path / "lanxi.toml"
    path.write_text(older + "\n" + newer, encoding="utf-8")
    policy = load_policy_file(path).definition
    from datetime import date

    assert str(policy.version_on(date(2025, 12, 31)).effective_from) == "2020-07-01"
    assert str(policy.version_on(date(2026, 1, 1)).effective_from) == "2026-01-01"
    assert policy.version_on(date(2020, 6, 30)) is None


def test_a_county_copy_of_the_earlier_hunan_file_loads_and_settles_as_before():
    """A county's edited hunan.toml written before funds and backstop keys existed (only the
    医疗救助 rate changed to 75 %): it loads, and settles with today's defaults."""
    from pathlib import Path

    from app.policy import load_policy_file
    from app.settlement import settle_json

    copy = load_policy_file(Path(__file__).parent / "data" / "county_copy" / "hunan.toml")
    claim = {
        "policy": "hunan",
        "date": "2026-05-10",
        "category": "registered_poor",
        "visit": "inpatient",
        "insurance": "resident",
        "facility": "county",
        "total": "100000.00",
        "basic_insurance": "60000.00",
        "critical_illness": "10000.00",
    }
    result = settle_json(claim, {"hunan": copy})
    # base 30000; 特惠保 (30000 − 5000) × 50% = 12500; 医疗救助 17500 × 75% = 13125;
    # 医院减免 4375 × 10% = 437.50; 兜底: 3937.50 ≤ 10000 → 0. Without fund keys every layer
    # stays with 医疗救助 as before, so the cap shown is still the tightest: 50000 − 12500.
    assert [layer["amount"] for layer in result["layers"]] == [
        "12500.00",
        "13125.00",
        "437.50",
        "0.00",
    ]
    assert result["assistance"] == result["paid_at_window"] == result["advanced"] == "26062.50"
    assert result["hospital_reduction"] == "0.00"
    assert result["cap_remaining"] == "37500.00"


def test_a_category_name_may_name_only_one_category(tmp_path):
    path = _broken_copy(
        tmp_path,
        "weihai",
        lambda text: text.replace('aliases = ["特困人员"]', 'aliases = ["城乡低保对象"]'),
    )
    assert _has(_errors(path), path, "versions[0].categories.destitute.aliases[0]", "已用于类别")


def test_every_category_alias_is_the_seed_documents_wording(policies):
    # The aliases are the words of the source document (policies/README.md): 城乡低保对象 is
    # 台儿庄's and 威海's, 低保对象 the referral form's (湖南) and 兰溪's.
    names = {
        policy: {
            code: category.names
            for code, category in loaded.definition.versions[0].categories.items()
        }
        for policy, loaded in policies.items()
    }
    assert "城乡低保对象" in names["weihai"]["minimum_living"]
    assert "低保对象" in names["taierzhuang"]["minimum_living"]
    assert "建档立卡贫困户" in names["hunan"]["registered_poor"]
