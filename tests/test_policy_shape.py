"""A policy file is read strictly, as its author wrote it: each kind of mistake is named by
its key path with a reason in Chinese, every one of them in one pass, and a good file's values
keep their exact types (Decimal, date, tuples)."""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from app.paths import policies_dir
from app.policy import PolicyLoadError
from app.policy.loader import policy_from_data, read_policy_data
from app.policy.shape import given

LANXI = policies_dir() / "lanxi.toml"


def _problems(edit) -> dict[str, str]:
    """The problems found in lanxi.toml after ``edit`` changed its parsed data, by key path."""
    data = read_policy_data(LANXI)
    edit(data)
    with pytest.raises(PolicyLoadError) as caught:
        policy_from_data(data, Path("lanxi.toml"))
    return {error.path: error.reason for error in caught.value.errors}


def _rule(data: dict) -> dict:
    return data["versions"][0]["rules"][0]


def _set(**values):
    def edit(data: dict) -> None:
        for where, value in values.items():
            *parents, last = where.split("__")
            table = data
            for name in parents:
                table = table[int(name)] if isinstance(table, list) else table[name]
            table[last] = value

    return edit


def test_a_good_file_keeps_exact_values_and_immutable_arrays():
    data = read_policy_data(LANXI)
    policy = policy_from_data(data, LANXI)
    version = policy.versions[0]
    tier = version.rules[0].tiers[0]
    assert isinstance(tier.rate, Decimal) and isinstance(tier.from_, Decimal)
    assert str(tier.rate) == str(data["versions"][0]["rules"][0]["tiers"][0]["rate"])
    assert type(version.effective_from) is date
    assert isinstance(version.rules, tuple) and isinstance(version.rules[0].tiers, tuple)
    with pytest.raises(AttributeError):
        tier.rate = Decimal("0.9")  # frozen


@pytest.mark.parametrize(
    ("edit", "path", "reason"),
    [
        (_set(title=7), "title", "类型错误：应为文字"),
        (_set(title=""), "title", "不能为空"),
        (_set(title=" \u3000 "), "title", "不能为空"),  # blanks say nothing either
        (
            _set(versions__0__rules__0__deductible=Decimal("2000.005")),
            "versions[0].rules[0].deductible",
            "金额只能到分（最多两位小数），实际为 2000.005",
        ),
        (_set(region_code="33078"), "region_code", "格式不对：应为6位行政区划代码，实际为“33078”"),
        (_set(versions__0__effective_from="2020-07-01"), "versions[0].effective_from", "应为日期"),
        (
            _set(versions__0__effective_from=datetime(2020, 7, 1, 8, 0)),
            "versions[0].effective_from",
            "应为日期",
        ),
        (
            _set(versions__0__base__includes_out_of_catalog=1),
            "versions[0].base.includes_out_of_catalog",
            "应为 true 或 false",
        ),
        (
            _set(versions__0__rules__0__deductible=True),
            "versions[0].rules[0].deductible",
            "应为数字",
        ),
        (
            _set(versions__0__rules__0__deductible="500"),
            "versions[0].rules[0].deductible",
            "应为数字",
        ),
        (
            _set(versions__0__rules__0__deductible=Decimal("NaN")),
            "versions[0].rules[0].deductible",
            "应为数字",
        ),
        (
            _set(versions__0__rules__0__deductible=-1),
            "versions[0].rules[0].deductible",
            "不能为负数，实际为 -1",
        ),
        (
            _set(versions__0__rules__0__patient_share=Decimal("1.2")),
            "versions[0].rules[0].patient_share",
            "比率必须在0到1之间，实际为 1.2",
        ),
        (
            _set(versions__0__rules__0__kind="cap"),
            "versions[0].rules[0].kind",
            "取值“cap”不在允许范围内（可选：tiers、backstop）",
        ),
        (
            _set(versions__0__rules__0__categories="destitute"),
            "versions[0].rules[0].categories",
            "应为列表",
        ),
        (
            _set(versions__0__rules__0__categories=["destitute", "rich"]),
            "versions[0].rules[0].categories[1]",
            "取值“rich”不在允许范围内",
        ),
        (_set(versions__0__rules=[]), "versions[0].rules", "不能为空"),
        (_set(versions__0__insurance="resident"), "versions[0].insurance", "应为表"),
        (
            _set(versions__0__claim_period={"clause": "三"}),
            "versions[0].claim_period.period",
            "缺少必填项",
        ),
        (_set(versions__0__referral__colour="red"), "versions[0].referral.colour", "未知的键"),
        (
            _set(national_codes={"insutype": {"resident": "39-0"}}),
            "national_codes.insutype.resident",
            "应为1到12位字母或数字",
        ),
        (
            _set(national_codes={"med_type": {"dentist": "13"}}),
            "national_codes.med_type.dentist",
            "取值“dentist”",
        ),
    ],
)
def test_each_kind_of_mistake_is_named_by_its_key_path(edit, path, reason):
    problems = _problems(edit)
    assert path in problems, problems
    assert reason in problems[path]


def test_a_day_count_out_of_its_range_says_the_bound():
    def edit(data: dict) -> None:
        data["versions"][0]["after_discharge"][0]["review_working_days"] = 0
        data["versions"][0]["after_discharge"][0]["pay_working_days"] = 61

    problems = _problems(edit)
    assert problems["versions[0].after_discharge[0].review_working_days"] == "必须大于 0，实际为 0"
    assert problems["versions[0].after_discharge[0].pay_working_days"] == "不能大于 60，实际为 61"


def test_every_mistake_is_reported_at_once_and_cross_checks_wait_for_a_sound_shape():
    def edit(data: dict) -> None:
        _rule(data)["deductible"] = "x"
        data["versions"][0]["base"]["speed"] = 3
        del data["versions"][0]["settle"]["mode"]
        data["id"] = "not-lanxi"  # a cross-check (id against the file's name) is not run yet

    problems = _problems(edit)
    assert set(problems) == {
        "versions[0].rules[0].deductible",
        "versions[0].base.speed",
        "versions[0].settle.mode",
    }


def test_the_keys_a_file_wrote_are_known_apart_from_defaults():
    policy = policy_from_data(read_policy_data(LANXI), LANXI)
    rule = policy.versions[0].rules[0]
    written = set(read_policy_data(LANXI)["versions"][0]["rules"][0])
    assert given(rule) == written
    assert "backstop_covers" not in given(rule) and rule.backstop_covers == "remaining_base"


def test_a_tier_is_written_with_from_and_a_document_with_copy():
    policy = policy_from_data(read_policy_data(LANXI), LANXI)
    stage, documents = next(iter(policy.versions[0].documents.items()))
    assert documents[0].copy_kept is True and policy.versions[0].rules[0].tiers[0].from_ == 0

    def python_names(data: dict) -> None:
        tier = _rule(data)["tiers"][0]
        tier["from_"] = tier.pop("from")
        document = data["versions"][0]["documents"][stage][0]
        document["copy_kept"] = document.pop("copy")

    problems = _problems(python_names)
    assert problems["versions[0].rules[0].tiers[0].from_"] == "未知的键"
    assert problems["versions[0].rules[0].tiers[0].from"] == "缺少必填项"
    assert problems[f"versions[0].documents.{stage}[0].copy_kept"] == "未知的键"
