"""The settings service: typed options with defaults, the role each needs, audited changes
(a secret's value never), and the services that read them (issue 14 point 4)."""

import json

import pytest
from sqlalchemy import select

from app.accounts.service import change_password, create_user, idle_lock_minutes, login
from app.services import settings as site_settings
from app.services.access import AccessDenied
from app.services.errors import ServiceError
from app.services.settings import BOOL, CLERK, Option, SettingError, parse
from app.sync import status as sync_status
from db.models import AuditEvent, Setting

PW = "Keeper#2026pass"


@pytest.fixture
def people(store, monkeypatch):
    """An administrator, a supervisor 赵 and a clerk 王 (roles are checked from now on), each
    signed in: their sessions by name."""
    from argon2 import PasswordHasher

    from app.accounts import passwords

    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    monkeypatch.setattr(passwords, "_dummy", [])
    create_user(store, None, "管理员", "administrator", PW)
    admin = login(store, "管理员", PW)
    signed = {"管理员": admin}
    for name, role in (("赵", "supervisor"), ("王", "clerk")):
        create_user(store, admin, name, role, "Start#2026first")
        signed[name] = change_password(store, name, "Start#2026first", PW)
    return signed


def _audit(store, entity_id):
    with store.read() as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.entity_id == entity_id).order_by(AuditEvent.id)
        )
        return [(row.clerk, json.loads(row.changes_json)) for row in rows]


def test_defaults_before_anything_is_stored(store):
    stored = site_settings.values(store)
    assert stored["security.idle_lock_minutes"] == 10
    assert stored["privacy.id_mask_pattern"] == "######********####"
    assert stored["sync.interval_minutes"] == 10
    assert stored["sync.central_folder"] == "" and stored["sync.password"] == ""
    assert stored["site.code"] == "" and stored["site.facility"] == "county"


def test_values_are_typed_and_bad_ones_name_the_option_in_chinese(store):
    for typed in ("半小时", "1_5", "+5", "１５"):  # int() took the last three
        with pytest.raises(SettingError, match=r"^同步间隔：应为 1 到 1440 之间的整数分钟$"):
            site_settings.save(store, "s", {"sync.interval_minutes": typed})
    with pytest.raises(SettingError, match=r"^中央上传文件夹：应为完整路径"):
        site_settings.save(store, "s", {"sync.central_folder": "上传"})
    with pytest.raises(SettingError, match=r"^医院级别：应为：grassroots（基层定点医疗机构）"):
        site_settings.save(store, "s", {"site.facility": "乡镇"})
    with pytest.raises(ServiceError, match=r"没有设置项“no\.such”"):
        site_settings.save(store, "s", {"no.such": "1"})
    site_settings.save(store, "s", {"sync.interval_minutes": "30"})
    assert site_settings.get(store, "sync.interval_minutes") == 30
    switch = Option("demo.switch", "演示开关", BOOL, False, CLERK)
    assert parse(switch, "是") is True and parse(switch, "false") is False
    with pytest.raises(SettingError, match=r"^演示开关：应为 是 或 否$"):
        parse(switch, "也许")


def test_a_change_needs_its_role_and_is_audited_old_to_new(store, make_site, people):
    make_site(clerk=people["管理员"])
    with pytest.raises(AccessDenied, match="修改“闲置锁屏时间”须由主管操作，王 是经办员"):
        site_settings.save(store, people["王"], {"security.idle_lock_minutes": 5})
    # A supervisor's bare name (nobody signed in) proves nothing.
    with pytest.raises(AccessDenied, match="修改“闲置锁屏时间”须由已登录的账户操作：“赵”未登录"):
        site_settings.save(store, "赵", {"security.idle_lock_minutes": 5})
    assert idle_lock_minutes(store) == 10
    changed = site_settings.save(store, people["赵"], {"security.idle_lock_minutes": 5})
    assert changed == {"security.idle_lock_minutes": (10, 5)}
    assert idle_lock_minutes(store) == 5
    assert _audit(store, "security.idle_lock_minutes") == [
        ("赵", {"security.idle_lock_minutes": ["10", "5"]})
    ]
    # A clerk may change the interval; the site's name needs a supervisor.
    site_settings.save(store, people["王"], {"sync.interval_minutes": 20})
    with pytest.raises(AccessDenied):
        site_settings.save(store, people["王"], {"site.name": "别的医院"})


def test_saving_unchanged_values_needs_no_role_and_writes_nothing(store, make_site, people):
    make_site(clerk=people["管理员"])
    before = _audit(store, "site.name") + _audit(store, "LX01")
    assert site_settings.save(store, "王", site_settings.values(store)) == {}
    assert _audit(store, "site.name") + _audit(store, "LX01") == before


def test_site_options_are_the_current_sites_row(store, make_site):
    make_site()
    site_settings.save(
        store, "s", {"site.name": "兰溪市人民医院", "site.facility": "基层定点医疗机构"}
    )
    stored = site_settings.values(store)
    assert stored["site.name"] == "兰溪市人民医院" and stored["site.facility"] == "grassroots"
    with pytest.raises(SettingError, match=r"^站点代码：应为2到10位"):
        site_settings.save(store, "s", {"site.code": "1x"})
    with pytest.raises(SettingError, match=r"^默认政策：应为：.*lanxi"):
        site_settings.save(store, "s", {"site.default_policy": "nowhere"})


def test_sync_reads_what_the_service_stored(store):
    site_settings.save(
        store, "s", {"sync.central_folder": "/mnt/上传", "sync.interval_minutes": 15}
    )
    state = sync_status(store)
    assert state.central_folder.as_posix() == "/mnt/上传" and state.interval_minutes == 15
    site_settings.save(store, "s", {"sync.central_folder": ""})
    assert sync_status(store).central_folder is None


def test_a_secret_is_audited_without_its_value(store, os_keyring):
    with pytest.raises(SettingError, match=r"^同步密码："):
        site_settings.save(store, "s", {"sync.password": "short"})
    site_settings.save(store, "s", {"sync.password": "Bureau#2026secret"})
    with store.read() as session:
        assert session.get(Setting, "sync_password") is None  # in the OS's secret store
        values = [row.value for row in session.scalars(select(Setting))]
    assert "Bureau#2026secret" not in values
    assert site_settings.get(store, "sync.password") == "Bureau#2026secret"
    assert site_settings.shown(site_settings.option("sync.password"), "x") == "已设置"
    events = _audit(store, "sync.password")
    assert events == [("s", {"sync.password": site_settings.SECRET_CHANGED})]
    assert "Bureau" not in json.dumps(events, ensure_ascii=False)


def test_a_stored_value_no_longer_valid_reads_as_the_default(store):
    with store.write() as session:
        session.add(Setting(key="idle_lock_minutes", value="ninety"))
        session.add(Setting(key="id_mask_pattern", value="##"))
    assert site_settings.get(store, "security.idle_lock_minutes") == 10
    assert site_settings.mask_pattern(store) == "######********####"
