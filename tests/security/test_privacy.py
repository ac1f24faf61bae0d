"""ID numbers masked: the mask itself, the site pattern, the log file, the audit export."""

import csv
import io
import logging
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook

from app.audit_log import AuditFilter, audit_csv, audit_xlsx, export_audit, query_audit
from app.privacy import (
    IdMaskingFilter,
    mask_id,
    mask_text,
    pattern_problem,
    setup_logging,
)
from app.services import register_admission
from app.services import settings as site_settings
from app.services.errors import ServiceError
from app.services.settings import mask_pattern, masker
from tests.store.helpers import admission, person

NUMBER = "330781195804090044"


def test_first_six_and_last_four_by_default():
    assert mask_id(NUMBER) == "330781********0044"
    assert mask_id("33078119580409004x") == "330781********004x"
    assert mask_id("") == "" and mask_id(None) == ""
    assert mask_id("3307811958") == "******1958"  # a mistyped number never shows whole
    assert mask_id("12345") == "*****"


def test_a_site_pattern():
    assert mask_id(NUMBER, "###***********####") == "330***********0044"
    assert pattern_problem("##################").startswith("至少隐藏 8 位")
    assert pattern_problem("abc") is not None
    assert mask_id(NUMBER, "##################") == "330781********0044"  # refused: default


def test_ids_inside_text_are_masked_even_next_to_letters():
    text = f"身份证{NUMBER}，ID{NUMBER[:-1]}X；电话 13800138000；金额 5000.00"
    assert mask_text(text) == (
        "身份证330781********0044，ID330781********004X；电话 13800138000；金额 5000.00"
    )


def test_the_log_file_holds_no_full_id_number(tmp_path):
    path = setup_logging(tmp_path / "data")
    assert setup_logging(tmp_path / "data") == path  # no second handler
    log = logging.getLogger("app.test_privacy")
    log.warning("登记 %s 失败", NUMBER)
    log.info("查找 %(id)s", {"id": NUMBER})
    try:
        raise ValueError(f"身份证号：{NUMBER} 校验位不正确")
    except ValueError:
        log.exception("出错了 %s", NUMBER)
    log.warning("栈", stack_info=True, extra={"number": NUMBER})
    for handler in logging.getLogger().handlers:
        handler.flush()
    written = path.read_text(encoding="utf-8")
    assert NUMBER not in written
    assert written.count("330781********0044") == 4
    assert "ValueError: 身份证号：330781********0044 校验位不正确" in written
    assert path.parent.name == "logs" and path.parent.parent == tmp_path / "data"


def test_the_filter_masks_records_for_any_handler():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "号码 %s", (NUMBER,), None)
    IdMaskingFilter().filter(record)
    assert record.getMessage() == "号码 330781********0044"


@pytest.fixture
def registered(store, make_site):
    make_site()
    who = person(7)
    register_admission(store, admission(who), clerk="王", now=datetime(2026, 3, 1, 10))
    return who.id_number


def test_the_audit_query_and_exports_mask_id_numbers(store, registered, tmp_path):
    rows = query_audit(store, AuditFilter(entity="person"))
    assert rows and all(registered not in row.changes for row in rows)
    assert any(mask_id(registered) in row.changes for row in rows)
    for name in ("audit.csv", "audit.xlsx"):
        out = tmp_path / name
        every = len(query_audit(store))
        count = export_audit(store, out, AuditFilter(), clerk="测试")
        assert count == every  # the export's own record comes after what it wrote
        data = out.read_bytes()
        if name.endswith(".csv"):
            text = data.decode("utf-8-sig")
            assert registered not in text and mask_id(registered) in text
            assert next(csv.reader(io.StringIO(text)))[0] == "编号"
        else:
            sheet = load_workbook(out).active
            cells = [str(c.value) for row in sheet.iter_rows() for c in row]
            assert not any(registered in c for c in cells)
            assert any(mask_id(registered) in c for c in cells)


def test_a_site_pattern_applies_to_the_audit(store, registered, make_site):
    key = "privacy.id_mask_pattern"
    with pytest.raises(ServiceError, match="身份证号遮蔽方式：至少隐藏 8 位"):
        site_settings.save(store, "管理员", {key: "#" * 18})
    site_settings.save(store, "管理员", {key: "###***********####"})
    assert mask_pattern(store) == "###***********####"
    assert masker(store)(registered) == registered[:3] + "*" * 11 + registered[-4:]
    text = " ".join(row.changes for row in query_audit(store, AuditFilter(entity="person")))
    assert registered[:3] + "*" * 11 in text and registered[:6] + "*" not in text


def test_audit_filters(store, registered):
    assert {r.entity for r in query_audit(store, AuditFilter(entity="admission"))} == {"admission"}
    assert {r.clerk for r in query_audit(store, AuditFilter(clerk="王"))} == {"王"}
    today = datetime.now().date()  # the services stamp audit events with the real time
    assert query_audit(store, AuditFilter(since=today + timedelta(days=1))) == []
    assert query_audit(store, AuditFilter(until=today - timedelta(days=1))) == []
    assert query_audit(store, AuditFilter(since=today, until=today))
    assert query_audit(store, AuditFilter(text="名册尚未下发"))


def test_a_formula_typed_as_a_reason_stays_text(store, make_site):
    from app.audit_log import AuditRow

    row = AuditRow(1, datetime(2026, 3, 1), "=cmd|' /C calc'!A0", "void", "settlement", "X", "{}")
    assert "'=cmd" in audit_csv([row]).decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(audit_xlsx([row]))).active
    assert sheet.cell(row=2, column=3).data_type == "s"
