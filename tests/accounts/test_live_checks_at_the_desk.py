"""What a window reads (the audit trail, the daily close, 政策测算, the account list) is checked on
the live session, as writes are: a window left open by an account since disabled or demoted is
refused in Chinese. The window's audit export is itself recorded, as the command's is; a draft
that cannot be read is said in Chinese."""

import errno
import json
import re
from datetime import date

import pytest
from sqlalchemy import select

from app.audit_log import AuditFilter
from app.errors import FieldError
from app.services.access import AccessDenied
from db.models import AuditEvent
from tests.accounts.people import ADMIN, ADMIN_PW, CLERK, CLERK_PW, SUP, SUP2, SUP2_PW, SUP_PW

DAY = date(2026, 3, 13)


# Each supervisor's read at the window (``desk``, ``folder``): none may write its file.
READS = {
    "查看审计记录": lambda desk, folder: desk.audit_rows(AuditFilter()),
    "导出审计记录": lambda desk, folder: desk.export_audit(folder / "audit.csv", AuditFilter()),
    "整个窗口的日结": lambda desk, folder: desk.daily_close(DAY, None),
    "他人的日结": lambda desk, folder: desk.daily_close(DAY, CLERK),
    "日结 PDF": lambda desk, folder: desk.daily_close_pdf(DAY, None),
    "日结 XLSX": lambda desk, folder: desk.daily_close_xlsx(DAY, None),
    "日结写入文件": lambda desk, folder: desk.write_daily_close(DAY, None, folder / "close.pdf"),
    "政策测算": lambda desk, folder: desk.what_if(folder / "DRAFT.toml", 2026),
}


@pytest.mark.parametrize("read", READS)
def test_a_disabled_supervisors_open_window_reads_nothing_more(window, tmp_path, read):
    (tmp_path / "out").mkdir()
    supervisor = window(SUP, SUP_PW)
    window(ADMIN, ADMIN_PW).set_account_active(SUP, False)
    with pytest.raises(AccessDenied, match=f"{SUP} 的登录已失效"):
        READS[read](supervisor, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("read", READS)
def test_a_demoted_supervisors_open_window_is_refused_naming_the_role(window, tmp_path, read):
    (tmp_path / "out").mkdir()
    supervisor = window(SUP, SUP_PW)
    window(ADMIN, ADMIN_PW).set_account_role(SUP, "clerk")
    with pytest.raises(AccessDenied, match=f"须由主管操作，{SUP} 是经办员"):
        READS[read](supervisor, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []
    # Their own day's close they may still print, as any clerk.
    assert supervisor.daily_close(DAY, SUP).clerk == SUP


def test_a_disabled_or_demoted_administrators_window_lists_no_accounts(window):
    first = window(ADMIN, ADMIN_PW)
    first.set_account_role(SUP2, "administrator")
    second = window(SUP2, SUP2_PW)
    assert len(first.accounts()) == 4
    second.set_account_active(ADMIN, False)
    with pytest.raises(AccessDenied, match=f"{ADMIN} 的登录已失效.*管理账户"):
        first.accounts()
    second.set_account_active(ADMIN, True)
    again = window(ADMIN, ADMIN_PW)
    again.set_account_role(SUP2, "supervisor")
    with pytest.raises(AccessDenied, match=f"管理账户须由管理员操作，{SUP2} 是主管"):
        second.accounts()


def test_a_clerks_own_close_is_checked_on_the_live_session_too(window):
    clerk = window(CLERK, CLERK_PW)
    assert clerk.daily_close(DAY, CLERK).clerk == CLERK
    window(ADMIN, ADMIN_PW).set_account_active(CLERK, False)
    with pytest.raises(AccessDenied, match=f"{CLERK} 的登录已失效.*打印日结"):
        clerk.daily_close(DAY, CLERK)


def test_the_windows_audit_export_is_recorded_naming_who_and_the_file(window, tmp_path):
    supervisor = window(SUP, SUP_PW)
    out = tmp_path / "审计-三月.csv"
    count = supervisor.export_audit(out, AuditFilter(action="login"))
    assert out.exists() and count == len(supervisor.audit_rows(AuditFilter(action="login")))
    with supervisor.store.read() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (last.clerk, last.action, last.entity, last.entity_id) == (
        SUP,
        "export",
        "audit_event",
        out.name,
    )
    assert json.loads(last.changes_json) == {"rows": count, "filter": {"action": "login"}}


def _said(desk, draft) -> str:
    with pytest.raises(FieldError) as refused:
        desk.what_if(draft, 2026)
    assert refused.value.field == "policy_file"
    said = str(refused.value)
    assert said.startswith("政策草案文件："), said
    assert not re.search(r"[A-Za-z]{2,}", said), said  # no English (strerror) words
    return said


def test_a_draft_that_cannot_be_read_is_said_in_chinese(window, tmp_path, monkeypatch):
    supervisor = window(SUP, SUP_PW)
    assert "文件不存在" in _said(supervisor, tmp_path / "none.toml")
    assert "文件夹" in _said(supervisor, tmp_path)

    import app.policy.loader as loader

    def refused(number):
        def load(_path):
            raise OSError(number, "Some English words", "DRAFT.toml")

        return load

    monkeypatch.setattr(loader, "load_draft_file", refused(errno.EACCES))
    assert "没有读取权限" in _said(supervisor, tmp_path / "DRAFT.toml")
    monkeypatch.setattr(loader, "load_draft_file", refused(errno.ENAMETOOLONG))
    assert f"系统错误码 {errno.ENAMETOOLONG}" in _said(supervisor, tmp_path / "DRAFT.toml")
