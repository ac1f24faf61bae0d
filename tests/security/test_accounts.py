"""Accounts: complexity rules, lockout with an injected clock, forced first change, roles."""

from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from app.accounts import passwords
from app.accounts.roles import AccessDenied, require
from app.accounts.service import (
    AccountError,
    change_password,
    confirm_role,
    create_user,
    idle_lock_minutes,
    list_users,
    login,
    needs_first_administrator,
    reset_password,
    unlock,
)
from app.services import (
    Amounts,
    DischargeInput,
    Override,
    register_admission,
    settle_discharge,
    void_settlement,
)
from app.services import settings as site_settings
from app.services.errors import ServiceError
from db.models import AuditEvent
from db.security_models import ClerkAccount
from tests.store.helpers import admission, person, snapshot, tick_all

T0 = datetime(2026, 5, 1, 8, 0)
ADMIN_PW = "Keeper#2026pass"
CLERK_PW = "Desk#2026first"
NEW_PW = "Better%2026pw"


ADMIN = "管理员"  # the name the store fixtures' make_site acts as


@pytest.fixture(autouse=True)
def quick_hashes(request, monkeypatch):
    """Cheap argon2 parameters, except where the real ones are the point of the test."""
    if "real_hashes" not in request.keywords:
        fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        monkeypatch.setattr(passwords, "HASHER", fast)
        monkeypatch.setattr(passwords, "_dummy", [])


@pytest.fixture
def admin(store):
    create_user(store, None, ADMIN, "administrator", ADMIN_PW, now=T0)
    # Signed in now: services check the session on their own clock.
    return login(store, ADMIN, ADMIN_PW)


def _add(store, admin, name, role, password=CLERK_PW):
    """A signed-in session of a new account, past the forced change so it can act."""
    create_user(store, admin, name, role, password, now=T0)
    return change_password(store, name, password, NEW_PW)


# --- complexity ---------------------------------------------------------------------------


def test_a_good_password_breaks_no_rule():
    assert passwords.password_problems("Spring&2026xy", "wang") == []
    assert passwords.password_problems("spring2026&xy", "wang") == []  # lower, digit, symbol


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Ab1!", "长度规则：至少 10 个字符（现为 4 个）"),
        ("abcdefghijk1", "字符种类规则"),
        ("ABCDEFGHIJKL", "字符种类规则"),
        ("xWangwei2026!", "用户名规则：密码不能包含用户名"),
        ("Aa1!" * 40, "长度规则：不能超过 128 个字符"),
        ("Aa1!aaaaaa\n", "字符规则"),
    ],
)
def test_each_broken_rule_is_named_in_chinese(password, rule):
    problems = passwords.password_problems(password, "WangWei")
    assert any(problem.startswith(rule) for problem in problems), problems


def test_all_broken_rules_are_listed_at_once():
    assert [p.split("：")[0] for p in passwords.password_problems("wangwei", "wangwei")] == [
        "长度规则",
        "字符种类规则",
        "用户名规则",
    ]


COMMON_RULE = "常见密码规则"


@pytest.mark.parametrize(
    "password",
    [
        "Abcdefgh12",  # a sequence plus digits: meets the class rules by rote
        "qwerty123A",
        "Aa123456",
        "P@ssw0rd1",
        "Woaini1314!",
        "1qaz2WSX3edc",
        "ZAQ!2wsx#EDC",
        "Zxcvbnm,./9",
        "Aaaaaaaaaa1!",
        "Ab12Ab12Ab12",
        "9876543210Zz",
        "5201314Love!",
        "QQ123456789x",
        "Password#2026",
    ],
)
def test_common_passwords_and_keyboard_patterns_are_refused(password):
    problems = passwords.password_problems(password, "wang")
    assert any(problem.startswith(COMMON_RULE) for problem in problems), problems


def test_a_common_password_is_refused_naming_the_field(store):
    with pytest.raises(AccountError, match=r"^新密码：常见密码规则：") as caught:
        create_user(store, None, "admin", "administrator", "Abcdefgh12", now=T0)
    assert "Abcdefgh12" not in str(caught.value)  # the message never repeats the password


def test_random_and_the_tests_own_passwords_pass_the_common_rule():
    import random
    import string

    from tests.ui import accounts as window_accounts

    pick = random.Random(2026)
    alphabet = string.ascii_letters + string.digits + "!#%&*+-=?@^_"
    generated = ["".join(pick.choice(alphabet) for _ in range(14)) for _ in range(200)]
    ours = [ADMIN_PW, CLERK_PW, NEW_PW, "Reset*2026pw", "Other#2026pw", "Fresh#2026new"]
    ours += [window_accounts.ADMIN_PW, window_accounts.SUPERVISOR_PW, window_accounts.CLERK_PW]
    ours += [window_accounts.FIRST_PW, "Tq7#vLp9!xWz", "correct horse battery staple 7"]
    for password in generated + ours:
        problems = passwords.password_problems(password, "wang")
        assert not any(p.startswith(COMMON_RULE) for p in problems), (password, problems)


def test_a_weak_password_is_refused_with_its_rules_and_nothing_is_stored(store):
    before = snapshot(store)
    with pytest.raises(AccountError) as caught:
        create_user(store, None, "admin", "administrator", "short", now=T0)
    assert str(caught.value).startswith("新密码：长度规则：至少 10 个字符")
    assert "字符种类规则" in str(caught.value)
    assert snapshot(store) == before


@pytest.mark.real_hashes
def test_the_hash_is_argon2id_and_never_the_password(store, admin):
    with store.read() as session:
        stored = session.get(ClerkAccount, ADMIN).password_hash
        trail = " ".join(e.changes_json for e in session.scalars(select(AuditEvent)))
    assert stored.startswith("$argon2id$") and ADMIN_PW not in stored
    params = dict(p.split("=") for p in stored.split("$")[3].split(","))
    assert int(params["m"]) >= 19 * 1024 and int(params["t"]) >= 2  # OWASP minimum
    assert ADMIN_PW not in trail and "argon2" not in trail


# --- first administrator, roles -----------------------------------------------------------


def test_the_first_account_must_be_an_administrator_and_only_once(store):
    assert needs_first_administrator(store)
    with pytest.raises(AccountError, match="首个账户须为管理员"):
        create_user(store, None, "wang", "clerk", CLERK_PW, now=T0)
    create_user(store, None, "admin", "administrator", ADMIN_PW, now=T0)
    assert not needs_first_administrator(store)
    with pytest.raises(AccountError, match="已有管理员"):
        create_user(store, None, "admin2", "administrator", ADMIN_PW, now=T0)


def test_a_clerk_cannot_create_accounts(store, admin):
    clerk = _add(store, admin, "wang", "clerk")
    with pytest.raises(AccessDenied, match="管理账户须由管理员操作，wang 是经办员"):
        create_user(store, clerk, "li", "clerk", CLERK_PW, now=T0)


def test_an_unknown_role_is_named(store, admin):
    with pytest.raises(AccountError, match="“boss”不是已知角色"):
        create_user(store, admin, "wang", "boss", CLERK_PW, now=T0)


def test_require_ranks_roles():
    from app.accounts.service import UserSession

    supervisor = UserSession("zhao", "supervisor", False, T0)
    require(supervisor, "clerk")
    require(supervisor, "supervisor")
    with pytest.raises(AccessDenied, match="须由管理员操作"):
        require(supervisor, "administrator")
    with pytest.raises(AccessDenied, match="须先登录"):
        require(None, "clerk")


# --- forced change on first sign-in -------------------------------------------------------


def test_forced_change_on_first_login(store, admin):
    create_user(store, admin, "wang", "clerk", CLERK_PW, now=T0)
    first = login(store, "wang", CLERK_PW, now=T0)
    assert first.must_change_password
    with pytest.raises(AccessDenied, match="wang 须先修改初始密码"):
        require(first, "clerk", "结算")
    with pytest.raises(AccountError, match="新密码不能与原密码相同"):
        change_password(store, "wang", CLERK_PW, CLERK_PW, now=T0)
    changed = change_password(store, "wang", CLERK_PW, NEW_PW, now=T0)
    assert not changed.must_change_password
    require(changed, "clerk")
    assert not login(store, "wang", NEW_PW, now=T0).must_change_password
    with pytest.raises(AccountError, match="用户名或密码不正确"):
        login(store, "wang", CLERK_PW, now=T0)


def test_the_bootstrap_administrator_chose_the_password_and_need_not_change_it(store, admin):
    assert not admin.must_change_password


def test_a_reset_forces_a_change_again(store, admin):
    _add(store, admin, "wang", "clerk")
    reset_password(store, admin, "wang", "Reset*2026pw", now=T0)
    assert login(store, "wang", "Reset*2026pw", now=T0).must_change_password


# --- lockout ------------------------------------------------------------------------------


def _fail(store, name, times, at):
    for _ in range(times):
        with pytest.raises(AccountError):
            login(store, name, "Wrong#2026pass", now=at)


REFUSED = "密码：用户名或密码不正确（连续 5 次输错将锁定 15 分钟，也可请管理员解锁）"


def _answer(store, name, password, at=T0) -> tuple[str, str]:
    with pytest.raises(AccountError) as caught:
        login(store, name, password, now=at)
    return caught.value.field, str(caught.value)


def test_five_failures_lock_for_fifteen_minutes(store, admin):
    _add(store, admin, "wang", "clerk")
    _fail(store, "wang", 4, T0)
    assert login(store, "wang", NEW_PW, now=T0).name == "wang"  # success resets the count
    _fail(store, "wang", 4, T0)
    assert _answer(store, "wang", "Wrong#2026pass") == ("password", REFUSED)
    assert {u.name: u for u in list_users(store)}["wang"].locked_until == T0 + timedelta(minutes=15)
    # Locked: even the right password is refused, until 15 minutes have passed.
    for later in (T0, T0 + timedelta(minutes=14, seconds=59)):
        assert _answer(store, "wang", NEW_PW, later) == ("password", REFUSED)
    assert login(store, "wang", NEW_PW, now=T0 + timedelta(minutes=15)).name == "wang"


def test_unknown_name_wrong_password_and_locked_account_answer_alike(store, admin):
    """A stranger learns nothing from the answer: not whether the name exists, nor whether
    it is locked (an administrator sees locks in ``python -m app user list``)."""
    _add(store, admin, "wang", "clerk")
    _add(store, admin, "li", "clerk")
    _fail(store, "wang", 4, T0)
    answers = {
        "unknown name": _answer(store, "nobody", NEW_PW),
        "wrong password": _answer(store, "li", "Wrong#2026pass"),
        "the failure that locks": _answer(store, "wang", "Wrong#2026pass"),
        "locked, right password": _answer(store, "wang", NEW_PW),
        "locked, wrong password": _answer(store, "wang", "Wrong#2026pass"),
    }
    assert set(answers.values()) == {("password", REFUSED)}, answers
    assert {u.name: u for u in list_users(store)}["wang"].locked_at(T0)
    assert not {u.name: u for u in list_users(store)}["li"].locked_at(T0)


def test_after_the_lock_runs_out_the_count_starts_again(store, admin):
    _add(store, admin, "wang", "clerk")
    _fail(store, "wang", 5, T0)
    after = T0 + timedelta(minutes=16)
    _fail(store, "wang", 4, after)  # four fresh failures do not lock again
    assert login(store, "wang", NEW_PW, now=after).name == "wang"


def test_an_administrator_unlocks_early(store, admin):
    _add(store, admin, "wang", "clerk")
    _fail(store, "wang", 5, T0)
    assert {u.name: u for u in list_users(store)}["wang"].locked_at(T0)
    unlock(store, admin, "wang", now=T0 + timedelta(minutes=1))
    assert login(store, "wang", NEW_PW, now=T0 + timedelta(minutes=1)).name == "wang"


def test_a_wrong_old_password_counts_as_a_failure(store, admin):
    _add(store, admin, "wang", "clerk")
    for _ in range(5):
        with pytest.raises(AccountError):
            change_password(store, "wang", "Wrong#2026pass", "Other#2026pw", now=T0)
    assert {u.name: u for u in list_users(store)}["wang"].locked_at(T0)
    assert _answer(store, "wang", NEW_PW) == ("password", REFUSED)


def test_failures_and_lockouts_are_audited_without_unknown_names(store, admin):
    _add(store, admin, "wang", "clerk")
    _fail(store, "wang", 5, T0)
    _fail(store, "Secret#Typed2026", 1, T0)  # a password typed in the name box
    with store.read() as session:
        events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    actions = [(e.action, e.entity_id) for e in events if e.entity == "clerk_account"]
    assert actions[-6:] == [("login_failed", "wang")] * 4 + [
        ("lockout", "wang"),
        ("login_failed", "(未知用户)"),
    ]
    assert all("Secret" not in e.changes_json + e.entity_id + e.clerk for e in events)


# --- the services check roles -------------------------------------------------------------


@pytest.fixture
def settled(store, make_site, admin):
    make_site(clerk=admin)
    done = register_admission(
        store, admission(person(1)), clerk="wang", now=datetime(2026, 3, 1, 10)
    )
    tick_all(store, done.admission_id)
    form = DischargeInput(done.admission_id, datetime(2026, 3, 5, 9), Amounts("5000.00"))
    return settle_discharge(store, form, clerk="wang", now=datetime(2026, 3, 5, 10))


def test_a_clerk_cannot_void(store, admin, settled):
    wang = _add(store, admin, "wang", "clerk")
    before = snapshot(store)
    with pytest.raises(AccessDenied, match="作废结算须由主管操作，wang 是经办员"):
        void_settlement(store, settled.slip_number, reason="录错", clerk=wang)
    with pytest.raises(AccessDenied, match="“nobody”未登录"):
        void_settlement(store, settled.slip_number, reason="录错", clerk="nobody")
    assert snapshot(store) == before
    zhao = _add(store, admin, "zhao", "supervisor")
    assert void_settlement(store, settled.slip_number, reason="录错", clerk=zhao).voided


def test_a_clerk_cannot_override_missing_papers(store, make_site, admin):
    make_site(clerk=admin)
    wang = _add(store, admin, "wang", "clerk")
    zhao = _add(store, admin, "zhao", "supervisor")
    done = register_admission(
        store, admission(person(2)), clerk="wang", now=datetime(2026, 3, 1, 10)
    )
    form = DischargeInput(done.admission_id, datetime(2026, 3, 5, 9), Amounts("5000.00"))
    before = snapshot(store)
    with pytest.raises(AccessDenied, match="放行缺少材料的结算须由主管操作"):
        settle_discharge(store, form, clerk="wang", override=Override(wang, "急诊"))
    with pytest.raises(AccessDenied, match="“zhao”未登录"):  # the name without the session
        settle_discharge(store, form, clerk="wang", override=Override("zhao", "急诊"))
    assert snapshot(store) == before
    row = settle_discharge(store, form, clerk="wang", override=Override(zhao, "急诊"))
    assert row.override_by == "zhao"


def test_a_clerk_cannot_change_site_settings(store, make_site, admin):
    from app.services import save_site

    make_site(clerk=admin)
    wang = _add(store, admin, "wang", "clerk")
    with pytest.raises(AccessDenied, match="修改站点设置须由主管操作"):
        save_site(
            store, code="LX01", name="改名", facility="county", default_policy="lanxi", clerk=wang
        )


def test_confirm_role_is_a_supervisor_password_at_the_window(store, admin):
    _add(store, admin, "wang", "clerk")
    _add(store, admin, "zhao", "supervisor")
    assert confirm_role(store, "zhao", NEW_PW, doing="作废结算", now=T0).name == "zhao"
    with pytest.raises(AccessDenied, match="作废结算须由主管操作"):
        confirm_role(store, "wang", NEW_PW, doing="作废结算", now=T0)
    with pytest.raises(AccountError, match="用户名或密码不正确"):
        confirm_role(store, "zhao", "Wrong#2026pass", now=T0)


# --- idle lock setting --------------------------------------------------------------------


def test_idle_lock_minutes_default_and_set_by_a_supervisor(store, admin):
    key = "security.idle_lock_minutes"
    assert idle_lock_minutes(store) == 10
    clerk = _add(store, admin, "wang", "clerk")
    with pytest.raises(AccessDenied):
        site_settings.save(store, clerk, {key: 5})
    supervisor = _add(store, admin, "zhao", "supervisor")
    for bad in (0, 61, "five", 2.5, True):
        with pytest.raises(ServiceError, match="闲置锁屏时间：应为 1 到 60 之间的整数分钟"):
            site_settings.save(store, supervisor, {key: bad})
    site_settings.save(store, supervisor, {key: 5})
    assert idle_lock_minutes(store) == 5
