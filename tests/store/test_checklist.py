"""The document checklist comes from the policy's stages; scans are stored once by content."""

import hashlib
from datetime import datetime

import pytest

from app.services import ItemUpdate, ServiceError, checklist, register_admission, update_item
from app.services.audit import history
from app.services.scans import scan_path
from db.models import Scan
from tests.store.helpers import admission, count, person, snapshot

NOW = datetime(2026, 3, 1, 10)


def _items(store, admission_id):
    with store.read() as session:
        return checklist(session, admission_id)


def test_taierzhuang_admission_papers(store, make_site, policies):
    make_site(code="TEZ01", policy="taierzhuang")
    done = register_admission(store, admission(person(1, "taierzhuang")), clerk="王", now=NOW)
    items = _items(store, done.admission_id)
    version = policies["taierzhuang"].definition.versions[-1]
    expected = [
        (stage, d.code) for stage in ("admission", "discharge") for d in version.documents[stage]
    ]
    assert [(i.stage, i.document_code) for i in items] == expected
    admission_items = {i.document_code: i for i in items if i.stage == "admission"}
    assert {"admission_notice", "id_card", "beneficiary_certificate"} <= set(admission_items)
    assert "五保供养证" in admission_items["beneficiary_certificate"].alternatives_json


def test_weihai_wants_both_sides_of_the_id_card(store, make_site):
    make_site(code="WH01", policy="weihai")
    done = register_admission(store, admission(person(2, "weihai")), clerk="王", now=NOW)
    id_card = next(i for i in _items(store, done.admission_id) if i.document_code == "id_card")
    assert id_card.both_sides


def test_referral_papers_are_listed_for_outside_cases(store, make_site):
    make_site(code="JJ01", policy="jingjiang", facility="outside")
    form = admission(
        person(3, "jingjiang"),
        referral_approved=True,
        referral_number="ZZ-1",
        referral_at=datetime(2026, 2, 28, 9),
    )
    done = register_admission(store, form, clerk="王", now=NOW)
    referral = [i.document_code for i in _items(store, done.admission_id) if i.stage == "referral"]
    assert {"id_card", "bank_card", "invoice"} <= set(referral)


def test_scans_are_kept_once_by_content(store, make_site, tmp_path):
    make_site()
    done = register_admission(store, admission(person(4)), clerk="王", now=NOW)
    first, second = _items(store, done.admission_id)[:2]
    picture = tmp_path / "身份证.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"pixels" * 100)
    copy = tmp_path / "again.png"
    copy.write_bytes(picture.read_bytes())
    update_item(store, first.id, ItemUpdate(True, True, scan=picture), clerk="王")
    update_item(store, second.id, ItemUpdate(scan=copy), clerk="王")
    sha = hashlib.sha256(picture.read_bytes()).hexdigest()
    assert count(store, Scan) == 1
    stored = scan_path(store.scans_dir, sha)
    assert stored.read_bytes() == picture.read_bytes()
    assert [p for p in store.scans_dir.rglob("*") if p.is_file()] == [stored]
    items = _items(store, done.admission_id)
    assert (items[0].scan_sha256, items[1].scan_sha256) == (sha, sha)
    assert (items[0].original_sighted, items[0].copy_kept) == (True, True)
    assert (items[1].original_sighted, items[1].copy_kept) == (False, False)
    with store.read() as session:
        events = history(session, "checklist_item", first.id)
    assert events[0].clerk == "王" and "scan_sha256" in events[0].changes_json


def test_a_scan_that_is_not_an_image_or_pdf_changes_nothing(store, make_site, tmp_path):
    make_site()
    done = register_admission(store, admission(person(5)), clerk="王", now=NOW)
    item = _items(store, done.admission_id)[0]
    text = tmp_path / "notes.txt"
    text.write_text("not a scan")
    before = snapshot(store)
    with pytest.raises(ServiceError) as refused:
        update_item(store, item.id, ItemUpdate(True, True, scan=text), clerk="王")
    assert refused.value.field == "scan"
    assert snapshot(store) == before


def test_outside_cases_also_list_the_out_of_area_claim_papers(store, make_site, policies):
    make_site(code="TEZ02", policy="taierzhuang", facility="outside")
    form = admission(person(6, "taierzhuang"), referral_approved=True, referral_number="ZZ-9")
    done = register_admission(store, form, clerk="王", now=NOW)
    version = policies["taierzhuang"].definition.versions[-1]
    out_of_area = [
        i.document_code for i in _items(store, done.admission_id) if i.stage == "out_of_area"
    ]
    assert out_of_area == [d.code for d in version.documents["out_of_area"]]


def test_a_late_copy_completes_a_settled_case_but_nothing_is_taken_back(store, make_site):
    """Issue 15, point 5: after a supervisor's override, the missing copy is recorded later
    (audited ``late_copy`` with the slip); unticking a settled case's paper is refused."""
    from app.services import Amounts, DischargeInput, Override, settle_discharge

    make_site()
    done = register_admission(store, admission(person(8)), clerk="王", now=NOW)
    row = settle_discharge(
        store,
        DischargeInput(done.admission_id, datetime(2026, 3, 6, 10), Amounts(total="1000.00")),
        clerk="王",
        override=Override("李主管", "复印件次日补交"),
        now=datetime(2026, 3, 6, 11),
    )
    first = _items(store, done.admission_id)[0]
    update_item(store, first.id, ItemUpdate(original_sighted=True, copy_kept=True), clerk="赵")
    with store.read() as session:
        late = history(session, "checklist_item", first.id)[-1]
    assert (late.action, late.clerk) == ("late_copy", "赵") and row.slip_number in late.changes_json
    with pytest.raises(ServiceError, match="只能补交"):
        update_item(store, first.id, ItemUpdate(copy_kept=False), clerk="赵")
    assert _items(store, done.admission_id)[0].copy_kept
