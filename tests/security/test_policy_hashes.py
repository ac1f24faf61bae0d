"""An edited policy file is named, and not used to settle money, once a list is approved."""

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from app.policy import load_policies
from app.services import Amounts, DischargeInput, ServiceError, register_admission, settle_discharge
from app.services.policy_hashes import approve_policies, policy_changes
from tests.store.helpers import admission, person, snapshot, tick_all


@pytest.fixture
def folder(tmp_path, policies) -> Path:
    copy = tmp_path / "policies"
    shutil.copytree(policies["lanxi"].path.parent, copy)
    return copy


def _edit(folder: Path, policy_id: str) -> Path:
    loaded = load_policies(folder)[policy_id]
    loaded.path.write_bytes(loaded.path.read_bytes() + b"\n# one more line\n")
    return loaded.path


def test_before_any_approval_every_file_is_named_but_nothing_refused(store, folder):
    changes = policy_changes(load_policies(folder), store)
    assert {c.reason for c in changes} == {"政策文件尚未经管理员核准"}
    assert len(changes) == len(load_policies(folder))


def test_an_edited_file_is_named(store, folder):
    approve_policies(store, "管理员", load_policies(folder), now=datetime(2026, 5, 1, 9, 30))
    assert policy_changes(load_policies(folder), store) == []
    path = _edit(folder, "lanxi")
    changes = [tuple(c) for c in policy_changes(load_policies(folder), store)]
    reason = "文件内容已改动，与管理员 于 2026-05-01T09:30 核准的不一致"
    assert changes == [("lanxi", str(path), reason)]


def test_a_file_added_after_approval_is_named(store, folder):
    everything = load_policies(folder)
    approve_policies(store, "管理员", {k: v for k, v in everything.items() if k != "hunan"})
    changes = policy_changes(everything, store)
    assert [(c.id, c.reason[:4]) for c in changes] == [("hunan", "不在管理")]


def test_a_removed_file_is_named(store, folder):
    approve_policies(store, "管理员", load_policies(folder))
    removed = load_policies(folder)["weihai"].path
    removed.unlink()
    changes = policy_changes(load_policies(folder), store)
    assert [(c.id, c.path) for c in changes] == [("weihai", removed.name)]
    assert changes[0].reason.endswith("的文件不见了")


def test_settling_with_an_edited_file_is_refused(store, make_site, folder):
    make_site()
    approve_policies(store, "管理员", load_policies(folder))
    done = register_admission(store, admission(person(1)), clerk="王", now=datetime(2026, 3, 1, 10))
    tick_all(store, done.admission_id)
    form = DischargeInput(done.admission_id, datetime(2026, 3, 5, 9), Amounts("5000.00"))
    _edit(folder, "lanxi")
    before = snapshot(store)
    with pytest.raises(ServiceError, match=r"政策：政策文件 lanxi.*文件内容已改动.*policy approve"):
        settle_discharge(store, form, clerk="王", policies=load_policies(folder))
    assert snapshot(store) == before
    approve_policies(store, "管理员", load_policies(folder))  # checked and signed off again
    assert settle_discharge(store, form, clerk="王", policies=load_policies(folder)).slip_number
