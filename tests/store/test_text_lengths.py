"""Every typed text has a length limit, checked by the service before anything is written,
the same on SQLite (which would keep any length) and PostgreSQL (which would fail)."""

from datetime import datetime

import pytest

from app.services import (
    ServiceError,
    cancel_admission,
    register_admission,
    void_settlement,
)
from app.services.registration import AdmissionInput
from tests.store.helpers import admission, person, snapshot

NOW = datetime(2026, 3, 2, 9)
HUGE = "长" * 100_000


@pytest.mark.parametrize(
    ("field", "label", "limit", "change"),
    [
        ("name", "姓名", 50, lambda form: setattr(form.person, "name", HUGE)),
        ("address", "住址", 200, lambda form: setattr(form.person, "address", HUGE)),
        ("admission_number", "住院号", 32, lambda form: setattr(form, "admission_number", HUGE)),
        ("department", "科室", 50, lambda form: setattr(form, "department", HUGE)),
        ("diagnosis", "诊断", 200, lambda form: setattr(form, "diagnosis", HUGE)),
        ("referral_from", "转出医院", 100, lambda form: setattr(form, "referral_from", HUGE)),
        (
            "off_roster_reason",
            "未在名册的登记理由",
            500,
            lambda form: setattr(form, "off_roster_reason", HUGE),
        ),
        (
            "certificate_number",
            "证件号码",
            64,
            lambda form: setattr(form, "certificate_number", HUGE),
        ),
    ],
)
def test_an_over_long_text_is_refused_with_its_field_named(
    store, make_site, field, label, limit, change
):
    make_site()
    form: AdmissionInput = admission(person(1))
    change(form)
    before = snapshot(store)
    with pytest.raises(ServiceError) as refused:
        register_admission(store, form, clerk="王", now=NOW)
    assert refused.value.field == field
    assert str(refused.value) == f"{label}：最多 {limit} 个字符，现为 100000 个"
    assert snapshot(store) == before


def test_a_text_just_at_its_limit_is_kept(store, make_site):
    make_site()
    form = admission(person(1, name="名" * 50), department="科" * 50)
    register_admission(store, form, clerk="王", now=NOW)


def test_reasons_are_limited_too(store, make_site):
    make_site()
    registered = register_admission(store, admission(person(1)), clerk="王", now=NOW)
    with pytest.raises(ServiceError, match=r"^撤销登记理由：最多 500 个字符，现为 100000 个$"):
        cancel_admission(store, registered.admission_id, reason=HUGE, clerk="王", now=NOW)
    with pytest.raises(ServiceError, match=r"^作废理由：最多 500 个字符"):
        void_settlement(store, "LX01-2026-000001", reason=HUGE, clerk="王", now=NOW)
