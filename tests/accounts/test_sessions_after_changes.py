"""A password reset or change ends the sessions the old password opened: a window signed in
before it proves nothing afterwards, even once the owner has set a new password; the window
that changed its own password goes on signed in."""

import pytest

from app.services.access import AccessDenied, check_role
from tests.accounts.people import ADMIN, ADMIN_PW, CLERK, CLERK_PW, SUP, SUP_PW

TEMPORARY = "Temp#2026reset"
OWNERS = "Mine#2026newpw"
CLERKS_NEW = "Fresh#2026clerk"
GONE = "登录已失效"


def test_a_reset_ends_the_accounts_sessions_for_good(window):
    # Someone who learned the supervisor's password keeps a window signed in as them.
    stolen = window(SUP, SUP_PW)
    admin = window(ADMIN, ADMIN_PW)
    admin.reset_account_password(SUP, TEMPORARY)
    with pytest.raises(AccessDenied, match=GONE):
        stolen.signed_clerk("入院登记")
    # The owner sets their own password at another window: the old session stays ended.
    owner = window()
    owner.change_password(SUP, TEMPORARY, OWNERS)
    with pytest.raises(AccessDenied, match=f"{SUP} 的{GONE}.*请重新登录后再入院登记"):
        stolen.signed_clerk("入院登记")
    with stolen.store.read() as session, pytest.raises(AccessDenied, match=GONE):
        check_role(session, stolen.user, "supervisor", doing="作废结算", field="clerk")
    assert owner.signed_clerk("入院登记") == SUP
    owner.act_as("supervisor", "作废结算")


def test_changing_ones_password_ends_the_other_windows_and_keeps_this_one(window):
    elsewhere = window(CLERK, CLERK_PW)
    here = window(CLERK, CLERK_PW)
    before = here.user
    assert here.change_own_password(CLERK_PW, CLERKS_NEW).name == CLERK
    with pytest.raises(AccessDenied, match=GONE):
        elsewhere.signed_clerk("入院登记")
    # This window goes on, on the session the change opened; its old one ended too.
    assert here.signed_clerk("入院登记") == CLERK
    with here.store.read() as session, pytest.raises(AccessDenied, match=GONE):
        check_role(session, before, "clerk", doing="入院登记", field="clerk")
    # After the idle lock the new password resumes the same window.
    here.unlock(CLERKS_NEW)
    assert here.signed_clerk("出院结算") == CLERK
