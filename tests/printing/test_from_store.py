"""Documents rebuilt from a real store (a SQLite file with the demo's cases and a 靖江 referral
case registered through the services), and the ``print`` command end to end."""

import io
import json
import os
import subprocess
import sys
import tomllib
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import squeeze
from pypdf import PdfReader

from app.demo import build_demo
from app.identity import make_resident_id
from app.money import D
from app.policy import load_policies
from app.printing import from_store
from app.printing.capital import capital_figures
from app.printing.forms import FORMS, print_form
from app.printing.paper import forms_printed
from app.printing.records import MaterialsData, ReferralData
from app.services import (
    AdmissionInput,
    ItemUpdate,
    PersonInput,
    checklist,
    register_admission,
    update_item,
)
from app.services.errors import ServiceError
from app.vocabulary import PAPER_FORMS
from db import open_store
from db.models import Settlement

REPO = Path(__file__).resolve().parents[2]
REFERRAL_CASE = "ZZJJ0001"


def _register_jingjiang_referral(store):
    who = PersonInput(
        id_number=make_resident_id("321282", date(1961, 2, 3), 201, "M"),
        name="测试庚",
        sex="男",
        birth_date=date(1961, 2, 3),
    )
    form = AdmissionInput(
        person=who,
        admission_number=REFERRAL_CASE,
        admitted_at=datetime(2026, 11, 2, 9, 0),
        department="心内科",
        diagnosis="急性心肌梗死",
        category="registered_poor",
        insurance="resident",
        facility="outside",
        referral_approved=True,
        referral_number="ZZ-2026-17",
        referral_from="靖江市人民医院（演示）",
        referral_to="省级示例医院",
        referral_at=datetime(2026, 11, 1, 15, 0),
        off_roster_reason="转诊病人，名册待核",
    )
    admission_id = register_admission(store, form, clerk="窗口乙", site_code="JJ01").admission_id
    with store.read() as session:
        items = checklist(session, admission_id)
    for item in items:
        # the bank card copy (article 24 (二)) is still missing
        kept = item.document_code != "bank_card"
        update_item(
            store, item.id, ItemUpdate(original_sighted=True, copy_kept=kept), clerk="窗口乙"
        )
    return admission_id


@pytest.fixture(scope="module")
def store_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("store") / "desk.sqlite3"
    store = open_store(str(path))
    try:
        build_demo(store, today=date(2026, 11, 20))
        _register_jingjiang_referral(store)
    finally:
        store.close()
    return path


@pytest.fixture
def store(store_file):
    opened = open_store(str(store_file))
    yield opened
    opened.close()


def _settlements(store) -> list[Settlement]:
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    query = select(Settlement).options(selectinload(Settlement.person)).order_by(Settlement.id)
    with store.read() as session:
        return list(session.scalars(query))


def _one_per_policy(store) -> list[Settlement]:
    seen: dict[str, Settlement] = {}
    for row in _settlements(store):
        seen.setdefault(row.policy_id, row)
    return list(seen.values())


def test_every_stored_settlement_prints_its_own_stored_amounts(store, read_text):
    from app.printing.slip import render_slip

    rows = _settlements(store)
    assert {row.policy_id for row in rows} == {
        "taierzhuang",
        "lanxi",
        "weihai",
        "jingjiang",
        "hunan",
    }
    for row in rows:
        result = json.loads(row.result_json)
        with store.read() as session:
            data = from_store.slip_data(session, row.slip_number)
        page = read_text(render_slip(data, paper="A5", copies=["patient"]))[0]
        assert row.slip_number in page
        assert row.person.name in page and row.person.id_number in page
        assert f"救助合计{result['assistance']}" in page
        if result["hospital_reduction"] != "0.00":
            # 医院减免 is the hospital's own: printed apart from what it advanced and claims.
            assert f"医院减免{result['hospital_reduction']}" in page
            assert f"医院垫付（申报）{result['advanced']}" in page
        else:
            assert f"医院垫付（窗口支付）{result['paid_at_window']}" in page
        assert f"个人自付{result['patient_pays']}" in page
        assert f"人民币{capital_figures(D(result['patient_pays']))}" in page
        for layer in result["layers"]:
            assert f"{layer['name']}{layer['amount']}" in page
        for step in result["steps"]:
            assert f"[{step['clause']}]" in page
        assert f"sha256:{row.policy_sha256[:12]}" in page
        assert ("本结算已作废" in page) == row.voided


def test_stored_slips_scan_back(store, read_barcodes):
    from app.printing.slip import render_slip

    for row in _one_per_policy(store):
        with store.read() as session:
            data = from_store.slip_data(session, row.slip_number)
        assert read_barcodes(render_slip(data, paper="A5")) == [[row.slip_number]] * 2


def _print(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", "print", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
    )


def test_print_command_marks_reprints_and_counts_only_real_prints(
    store_file, tmp_path, read_text, read_barcodes
):
    slip = "LX01-2026-000002"
    outs = [tmp_path / f"{name}.pdf" for name in ("first", "preview", "second", "third")]
    flags = [[], ["--preview"], [], ["--paper", "A5"]]
    for out, extra in zip(outs, flags, strict=True):
        done = _print("slip", "--slip", slip, "--out", str(out), "--db", str(store_file), *extra)
        assert done.returncode == 0, done.stderr
    first, preview, second, third = (read_text(out.read_bytes())[0] for out in outs)
    assert "补打" not in first
    assert "补打（第1次）" in preview and "补打（第1次）" in second
    assert "补打（第2次）" in third
    preview_pdf = outs[1].read_bytes()
    assert "预览" in preview and "预览" not in second
    assert read_barcodes(preview_pdf) == [[]]  # a preview is not a slip: no barcode
    assert read_barcodes(outs[2].read_bytes()) == [[slip]]


@pytest.mark.parametrize(
    ("paper", "size", "pages"),
    [("241x140", "683.15 x 396.85", 2), ("241x279", "683.15 x 790.866", 1)],
)
def test_print_command_prints_on_continuous_paper(
    store_file, tmp_path, read_barcodes, paper, size, pages
):
    slip = "LX01-2026-000002"
    out = tmp_path / f"{paper}.pdf"
    done = _print(
        "slip", "--slip", slip, "--out", str(out), "--paper", paper, "--db", str(store_file)
    )
    assert done.returncode == 0, done.stderr
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert f"Page size:       {size} pts" in info
    assert read_barcodes(out.read_bytes()) == [[slip]] * pages
    refused = _print(
        "slip", "--slip", slip, "--out", str(out), "--paper", "B5", "--db", str(store_file)
    )
    assert refused.returncode == 2 and "241x279" in refused.stderr


def test_print_command_numbers_a_copy_printed_alone_as_everywhere(store, store_file, tmp_path):
    from app.bundle.export import default_slip_renderer

    slip = "LX01-2026-000002"
    out = tmp_path / "hospital.pdf"
    args = ("--copies", "hospital", "--paper", "A5", "--preview", "--db", str(store_file))
    done = _print("slip", "--slip", slip, "--out", str(out), *args)
    assert done.returncode == 0, done.stderr
    with store.read() as session:
        bundled = default_slip_renderer(session, slip)
    for pdf in (out.read_bytes(), bundled):
        text = squeeze("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
        assert "第二联医院留存" in text and "第一联" not in text


def test_print_command_writes_preview_pages_as_images(store_file, tmp_path, read_barcodes):
    out = tmp_path / "preview.png"
    args = ("--preview", "--paper", "A5", "--db", str(store_file))
    done = _print("slip", "--slip", "LX01-2026-000002", "--out", str(out), *args)
    assert done.returncode == 0, done.stderr
    pages = sorted(tmp_path.glob("preview-*.png"))
    assert [page.name for page in pages] == ["preview-1.png", "preview-2.png"]
    assert pages[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_print_command_voided_slip(store, store_file, tmp_path, read_text):
    voided = next(row for row in _settlements(store) if row.voided)
    out = tmp_path / "void.pdf"
    done = _print(
        "slip",
        "--slip",
        voided.slip_number,
        "--out",
        str(out),
        "--db",
        str(store_file),
        "--preview",
    )
    assert done.returncode == 0, done.stderr
    page = read_text(out.read_bytes())[0]
    assert f"本结算已作废：{squeeze(voided.void_reason)}" in page


def test_print_command_refuses_unknown_slip_with_a_message(store_file, tmp_path):
    done = _print(
        "slip",
        "--slip",
        "XX-2026-999999",
        "--out",
        str(tmp_path / "x.pdf"),
        "--db",
        str(store_file),
    )
    assert done.returncode == 1
    assert "没有结算单号为 XX-2026-999999 的结算" in done.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_hunan_referral_from_a_stored_admission(store, store_file, tmp_path, read_text):
    with store.read() as session:
        data = from_store.referral_data(session, "DHN01000")
        category = session.scalar(_admission_category("DHN01000"))
    assert isinstance(data, ReferralData)
    out = tmp_path / "referral.pdf"
    done = _print("referral", "--case", "DHN01000", "--out", str(out), "--db", str(store_file))
    assert done.returncode == 0, done.stderr
    pages = read_text(out.read_bytes())
    assert len(pages) == 3
    box = {
        "registered_poor": "建档立卡贫困户",
        "minimum_living": "低保对象",
        "destitute": "特困人员",
        "poor_disabled": "贫困残疾人",
    }[category]
    for page in pages:
        assert f"✓{box}" in page
        assert data.patient.name in page and data.patient.id_number in page


def _admission_category(number):
    from sqlalchemy import select

    from db.models import Admission

    return select(Admission.category).where(Admission.admission_number == number)


def test_jingjiang_referral_sheet_ticks_from_the_checklist(store, store_file, tmp_path, read_text):
    with store.read() as session:
        data = from_store.referral_data(session, REFERRAL_CASE)
    assert isinstance(data, MaterialsData)
    assert data.article == "第二十四条"
    out = tmp_path / "materials.pdf"
    done = _print("referral", "--case", REFERRAL_CASE, "--out", str(out), "--db", str(store_file))
    assert done.returncode == 0, done.stderr
    page = read_text(out.read_bytes())[0]
    assert "测试庚" in page
    assert "第二十四条" in page
    # five materials; every one recorded except the bank card copy (item 2)
    assert "共5项，已备齐4项，尚缺第2项" in page


def test_weihai_application_only_for_year_end_cases(store, store_file, tmp_path, read_text):
    rows = [
        row
        for row in _settlements(store)
        if row.policy_id == "weihai" and not row.voided and row.admission_id is not None
    ]
    year_end = [row for row in rows if json.loads(row.result_json)["settle_mode"] == "year_end"]
    instant = [row for row in rows if json.loads(row.result_json)["settle_mode"] == "instant"]
    assert year_end and instant
    from db.models import Admission

    with store.read() as session:
        case = session.get(Admission, year_end[0].admission_id).admission_number
        instant_case = session.get(Admission, instant[0].admission_id).admission_number
    out = tmp_path / "application.pdf"
    done = _print("application", "--case", case, "--out", str(out), "--db", str(store_file))
    assert done.returncode == 0, done.stderr
    pages = read_text(out.read_bytes())
    result = json.loads(year_end[0].result_json)
    assert len(pages) == 3
    for page in pages:
        assert f"测算救助金额{result['assistance']}" in page
        assert f"人民币{capital_figures(D(result['assistance']))}" in page
        assert f"个人自负合规费用{result['base']}" in page
        assert year_end[0].person.name in page
    refused = _print(
        "application",
        "--case",
        instant_case,
        "--out",
        str(tmp_path / "no.pdf"),
        "--db",
        str(store_file),
    )
    assert refused.returncode == 1
    assert "无需填写申请表" in refused.stderr


def test_application_refused_for_other_policies(store):
    # 兰溪's policy file lists no application form (its [[versions.paper]] has none).
    with store.read() as session, pytest.raises(ServiceError, match="不印救助申请表"):
        from_store.application_data(session, "DLX01000")


def test_referral_refused_where_the_policy_names_no_referral_papers(store):
    # 威海's rules list no referral or out-of-area materials (its policy file has none).
    with store.read() as session, pytest.raises(ServiceError, match="没有规定转诊或区外就医材料"):
        from_store.referral_data(session, "DWH01000")


def _policies_without_paper(tmp_path, *ids) -> Path:
    """A copy of policies/ where the files of ``ids`` have their [[versions.paper]] cut off."""
    folder = tmp_path / "policies"
    folder.mkdir()
    for path in (REPO / "policies").glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        if path.stem in ids:
            text = text[: text.index("[[versions.paper]]")]
            assert "paper" not in tomllib.loads(text)["versions"][0]
        (folder / path.name).write_text(text, encoding="utf-8")
    return folder


def test_a_policy_without_paper_prints_no_forms(store, tmp_path):
    every = {path.stem for path in (REPO / "policies").glob("*.toml")}
    bare = load_policies(_policies_without_paper(tmp_path, *every))
    day = date(2026, 11, 1)
    for loaded in bare.values():
        assert forms_printed(loaded.definition, day) == ()
    # A settled admission under every policy (the demo's): none of them prints any form now.
    from db.models import Admission

    live = [row for row in _settlements(store) if not row.voided and row.admission_id]
    with store.read() as session:
        cases = {
            row.policy_id: session.get(Admission, row.admission_id).admission_number for row in live
        }
        assert set(cases) == every
        for case in cases.values():
            for form in FORMS:
                with pytest.raises(ServiceError, match="不印"):
                    print_form(session, form, case, policies=bare)
            with pytest.raises(ServiceError, match="没有规定转诊或区外就医材料"):
                from_store.referral_data(session, case, policies=bare)


def test_the_shipped_policies_name_their_forms(policies):
    day = date(2026, 11, 1)
    printed = {id: forms_printed(loaded.definition, day) for id, loaded in policies.items()}
    assert printed == {
        "hunan": ("referral",),
        "weihai": ("application",),
        "jingjiang": ("materials",),
        "lanxi": ("materials",),
        "taierzhuang": ("materials",),
    }
    assert set(FORMS) == set(PAPER_FORMS)  # every form a policy may name has a renderer


def test_print_application_refused_when_weihai_lists_no_application(store, store_file, tmp_path):
    rows = [
        row
        for row in _settlements(store)
        if row.policy_id == "weihai"
        and not row.voided
        and row.admission_id is not None
        and json.loads(row.result_json)["settle_mode"] == "year_end"
    ]
    from db.models import Admission

    with store.read() as session:
        case = session.get(Admission, rows[0].admission_id).admission_number
    out = tmp_path / "application.pdf"
    args = ("application", "--case", case, "--out", str(out), "--db", str(store_file))
    assert _print(*args).returncode == 0  # with the shipped file it prints
    out.unlink()
    folder = _policies_without_paper(tmp_path, "weihai")
    refused = _print(*args, env={**os.environ, "ONESTOP_POLICIES": str(folder)})
    assert refused.returncode == 1
    assert "不印救助申请表" in refused.stderr and "weihai.toml" in refused.stderr
    assert not out.exists()


def test_print_materials_prints_the_sheet_the_policy_lists(store_file, tmp_path, read_text):
    out = tmp_path / "materials.pdf"
    done = _print("materials", "--case", REFERRAL_CASE, "--out", str(out), "--db", str(store_file))
    assert done.returncode == 0, done.stderr
    assert "材料清单" in done.stdout
    page = read_text(out.read_bytes())[0]
    assert "江苏省泰州市靖江市转诊报销材料清单" in page
    refused = _print(
        "materials", "--case", "DHN01000", "--out", str(tmp_path / "x.pdf"), "--db", str(store_file)
    )
    assert refused.returncode == 1
    assert "不印材料清单" in refused.stderr
