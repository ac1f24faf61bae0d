"""``python -m app settle`` as a hospital system calls it: a real subprocess, JSON in and out."""

import json
import subprocess
import sys

import pytest

CONTRACT_CLAIM = {
    "policy": "lanxi",
    "date": "2026-05-10",
    "category": "minimum_living",
    "visit": "inpatient",
    "insurance": "resident",
    "facility": "county",
    "referral_approved": False,
    "cause": None,
    "total": "52000.00",
    "out_of_catalog": "2000.00",
    "basic_insurance": "30000.00",
    "critical_illness": "5000.00",
    "other_compensation": "0.00",
    "year_to_date": {
        "inpatient": {"base": "0.00", "assistance": "0.00"},
        "outpatient": {"base": "0.00", "assistance": "0.00"},
    },
}


def run_settle(stdin: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", "settle", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_contract_example_from_the_issue():
    done = run_settle(json.dumps(CONTRACT_CLAIM))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # The issue's example output, field for field (15000 × 70% = 10500; 80000 − 10500 = 69500).
    assert {
        k: result[k]
        for k in (
            "policy",
            "policy_version",
            "eligible",
            "reason",
            "pool",
            "base",
            "assistance",
            "settle_mode",
            "paid_at_window",
            "patient_pays",
            "cap_remaining",
        )
    } == {
        "policy": "lanxi",
        "policy_version": "2020-07-01",
        "eligible": True,
        "reason": None,
        "pool": "inpatient",
        "base": "15000.00",
        "assistance": "10500.00",
        "settle_mode": "instant",
        "paid_at_window": "10500.00",
        "patient_pays": "6500.00",
        "cap_remaining": "69500.00",
    }
    assert result["layers"] == [
        {
            "code": "medical_assistance",
            "name": "医疗救助",
            "amount": "10500.00",
            "fund": "medical_assistance",
            "cap_remaining": "69500.00",
        }
    ]
    assert (result["advanced"], result["hospital_reduction"]) == ("10500.00", "0.00")
    assert any(
        step["clause"] == "三(二)1" and "70%" in step["text"] and step["amount"] == "10500.00"
        for step in result["steps"]
    )
    assert all(set(step) == {"clause", "text", "amount"} for step in result["steps"])


def test_input_file_option(tmp_path):
    path = tmp_path / "claim.json"
    path.write_text(json.dumps(CONTRACT_CLAIM), encoding="utf-8")
    done = run_settle("", "--input", str(path))
    assert done.returncode == 0
    assert json.loads(done.stdout)["assistance"] == "10500.00"


def test_ineligible_claim_is_a_result_not_an_error():
    claim = dict(CONTRACT_CLAIM, policy="taierzhuang", insurance="employee")
    done = run_settle(json.dumps(claim))
    assert done.returncode == 0
    result = json.loads(done.stdout)
    assert result["eligible"] is False
    assert result["assistance"] == "0.00"
    assert "城乡居民医保" in result["reason"]
    # 52000 − 30000 − 5000 − 0 − 0 paid at window
    assert result["patient_pays"] == "17000.00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"total": "-1.00"}, "total"),
        ({"total": "100.005"}, "total"),
        ({"basic_insurance": "60000.00"}, "basic_insurance"),
        ({"out_of_catalog": "abc"}, "out_of_catalog"),
        ({"policy": "nowhere"}, "policy"),
        ({"category": "rich"}, "category"),
        ({"visit": "spa"}, "visit"),
        ({"facility": "moon"}, "facility"),
        ({"date": "2026-13-40"}, "date"),
        ({"cause": "boredom"}, "cause"),
        ({"referral_approved": "yes"}, "referral_approved"),
        ({"totl": "1.00"}, "totl"),
        ({"year_to_date": {"inpatient": {"base": "-5"}}}, "year_to_date.inpatient.base"),
    ],
)
def test_invalid_input_exits_2_and_names_the_field(change, field):
    done = run_settle(json.dumps(dict(CONTRACT_CLAIM, **change)))
    assert done.returncode == 2
    assert done.stdout == ""
    assert field in done.stderr
    assert "输入错误" in done.stderr


def test_missing_required_field_and_broken_json():
    claim = dict(CONTRACT_CLAIM)
    del claim["visit"]
    done = run_settle(json.dumps(claim))
    assert (done.returncode, done.stdout) == (2, "")
    assert "visit" in done.stderr and "必须填写" in done.stderr
    done = run_settle("{not json")
    assert (done.returncode, done.stdout) == (2, "")
    assert "JSON" in done.stderr


def test_version_flag():
    done = subprocess.run(
        [sys.executable, "-m", "app", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    from app import __version__

    assert __version__ in done.stdout


def test_db_option_works_before_and_after_the_subcommand():
    from app.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["--db", "x.sqlite3", "demo"]).db == "x.sqlite3"
    assert parser.parse_args(["demo", "--db", "y.sqlite3"]).db == "y.sqlite3"
    assert parser.parse_args(["demo"]).db is None
    assert parser.parse_args([]).db is None


HUNAN_CLAIM = {
    "policy": "hunan",
    "date": "2026-05-10",
    "category": "registered_poor",
    "visit": "inpatient",
    "insurance": "resident",
    "facility": "county",
    "total": "20000.00",
}
HUNAN_LAYERS = {
    "tehui": "1000.00",
    "medical_assistance": "2100.00",
    "hospital_reduction": "390.00",
    "fiscal_backstop": "0.00",
}


@pytest.mark.parametrize(
    ("layers", "assistance", "field"),
    [
        (None, "3490.00", "year_to_date.inpatient.layers.tehui"),
        ({**HUNAN_LAYERS, "fiscal_backstop": None}, "3490.00", "layers.fiscal_backstop"),
        ({**HUNAN_LAYERS, "bonus": "1.00"}, "3491.00", "year_to_date.inpatient.layers.bonus"),
        (HUNAN_LAYERS, "3500.00", "year_to_date.inpatient.assistance"),
    ],
    ids=["no layers", "a layer missing", "unknown layer", "assistance is not the sum"],
)
def test_layered_year_to_date_is_refused_naming_the_field(layers, assistance, field):
    to_date = {"base": "7000.00", "assistance": assistance}
    if layers is not None:
        to_date["layers"] = {code: amount for code, amount in layers.items() if amount is not None}
    claim = {**HUNAN_CLAIM, "year_to_date": {"inpatient": to_date}}
    done = run_settle(json.dumps(claim))
    assert done.returncode == 2, done.stdout
    assert field in done.stderr
    assert "Traceback" not in done.stderr


def test_layered_year_to_date_with_every_layer_settles():
    to_date = {"base": "7000.00", "assistance": "3490.00", "layers": HUNAN_LAYERS}
    claim = {**HUNAN_CLAIM, "year_to_date": {"inpatient": to_date}}
    done = run_settle(json.dumps(claim))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["eligible"] is True


def test_excluded_is_ignored_where_the_policy_names_no_such_costs():
    claim = {**CONTRACT_CLAIM, "excluded": "1000.00"}
    done = run_settle(json.dumps(claim))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["base"] == "15000.00"
    assert "未扣除" in result["steps"][0]["text"]


# --- the approved policy list -------------------------------------------------------------


@pytest.fixture
def approved_site(tmp_path):
    """A copy of the policies folder approved in a real store; the environment for a call
    that finds no store of its own (empty user data folder, no ONESTOP_DB)."""
    import os
    import shutil

    from app.accounts.service import create_user, login
    from app.paths import policies_dir
    from app.policy import load_policies
    from app.services.policy_hashes import approve_policies
    from db import open_store

    folder = tmp_path / "policies"
    shutil.copytree(policies_dir(), folder)
    db = tmp_path / "site" / "desk.sqlite3"
    store = open_store(db)
    create_user(store, None, "admin", "administrator", "Keeper#2026pass")
    approve_policies(store, login(store, "admin", "Keeper#2026pass"), load_policies(folder))
    store.close()
    env = {k: v for k, v in os.environ.items() if k != "ONESTOP_DB"}
    env.update(ONESTOP_POLICIES=str(folder), XDG_DATA_HOME=str(tmp_path / "no-data"))
    return folder / "lanxi.toml", db, env


def run_settle_in(env: dict, claim: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", "settle", *args],
        input=json.dumps(claim),
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_settle_refuses_a_policy_file_edited_after_approval(approved_site):
    lanxi, db, env = approved_site
    done = run_settle_in(env, CONTRACT_CLAIM, "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["paid_at_window"] == "10500.00"

    # The issue's case: the rate raised from 70% to 95% after approval, the step text unchanged.
    text = lanxi.read_text(encoding="utf-8")
    lanxi.write_text(text.replace("rate = 0.70,", "rate = 0.95,", 1), encoding="utf-8")
    done = run_settle_in(env, CONTRACT_CLAIM, "--db", str(db))
    assert done.returncode == 2 and done.stdout == ""
    assert "政策文件 lanxi.toml（lanxi）文件内容已改动，与admin 于" in done.stderr
    assert "不能用它结算" in done.stderr and "python -m app policy approve" in done.stderr
    # The same store found the way other commands find it (ONESTOP_DB), without --db.
    done = run_settle_in(dict(env, ONESTOP_DB=str(db)), CONTRACT_CLAIM)
    assert done.returncode == 2 and "lanxi.toml" in done.stderr
    # Another policy, unchanged since approval, still settles.
    other = dict(CONTRACT_CLAIM, policy="taierzhuang", insurance="employee")
    assert run_settle_in(env, other, "--db", str(db)).returncode == 0


def test_settle_without_an_approved_list_works_as_before(approved_site, tmp_path):
    _lanxi, _db, env = approved_site
    # No store at the default place: nothing to check against.
    done = run_settle_in(env, CONTRACT_CLAIM)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["paid_at_window"] == "10500.00"
    # A store in which nothing has been approved yet.
    from db import open_store

    fresh = tmp_path / "fresh.sqlite3"
    open_store(fresh).close()
    done = run_settle_in(env, CONTRACT_CLAIM, "--db", str(fresh))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["paid_at_window"] == "10500.00"


def test_settle_with_a_missing_database_named_refuses(approved_site, tmp_path):
    _lanxi, _db, env = approved_site
    missing = tmp_path / "typo.sqlite3"
    done = run_settle_in(env, CONTRACT_CLAIM, "--db", str(missing))
    assert done.returncode == 3 and done.stdout == ""
    assert f"找不到数据库文件：{missing}" in done.stderr
    assert not missing.exists()
