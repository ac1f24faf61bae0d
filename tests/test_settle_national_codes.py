"""National codes beside ours in the ``settle`` contract's output (issue 19, point 2)."""

import json
import subprocess
import sys
from dataclasses import replace

from app.national_codes import FUND_PAY_TYPE, INSUTYPE, MED_TYPE, national_codes
from app.policy import load_policies
from app.settlement import settle_json
from app.vocabulary import FUNDS, INSURANCES, VISITS

CLAIM = {
    "policy": "lanxi",
    "date": "2026-03-06",
    "category": "minimum_living",
    "visit": "inpatient",
    "insurance": "employee",
    "facility": "county",
    "total": "9000.00",
    "basic_insurance": "5000.00",
}


def test_every_code_of_ours_has_a_national_code():
    assert set(INSUTYPE) == set(INSURANCES)
    assert set(MED_TYPE) == set(VISITS)
    assert set(FUND_PAY_TYPE) == set(FUNDS)


def test_the_settle_command_prints_them_and_keeps_every_other_key(tmp_path):
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "app", "settle"],
        input=json.dumps(CLAIM),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    result = json.loads(done.stdout)
    assert result["national_codes"] == {
        "insutype": "310",
        "med_type": "21",
        "admdvs": "330781",
        "fund_pay_type": {"medical_assistance": "610100"},
    }
    assert result["assistance"] == "2800.00"
    assert list(result)[-1] == "national_codes"


def test_a_policy_may_set_its_own_codes():
    policies = load_policies()
    loaded = policies["lanxi"]
    own = replace(
        loaded.definition.national_codes,
        category={"minimum_living": "1102"},
        med_type={"inpatient": "2101"},
    )
    definition = replace(loaded.definition, national_codes=own)
    result = settle_json(CLAIM, {"lanxi": replace(loaded, definition=definition)})
    assert result["national_codes"]["category"] == "1102"
    assert result["national_codes"]["med_type"] == "2101"
    assert national_codes(insurance="resident", visit="emergency") == {
        "insutype": "390",
        "med_type": "13",
    }
