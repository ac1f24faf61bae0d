"""A name the shipped fonts cannot print (𠮷, CJK Extension B) is refused where it is typed,
naming the character, so no slip is settled that cannot be printed; and a quarter holding one
from before (typed before the check) fails its export in one Chinese line naming the slip."""

from datetime import date, datetime

import pytest
from sqlalchemy import update

from app.cli import main
from app.fonts import font_for
from app.forms import OutpatientVisitInput, _surely_printable, registration_errors, text_errors
from app.services import (
    Amounts,
    DischargeInput,
    ServiceError,
    register_admission,
    settle_discharge,
    settle_outpatient_visit,
)
from db.models import Person
from tests.store.helpers import admission, person, snapshot, tick_all

NOW = datetime(2026, 3, 1, 10)


def test_a_name_the_fonts_lack_is_refused_at_registration(store, make_site):
    make_site()
    before = snapshot(store)
    with pytest.raises(ServiceError) as refused:
        register_admission(store, admission(person(1, name="𠮷田")), clerk="王", now=NOW)
    assert refused.value.field == "name"
    assert "字库中没有“𠮷”（U+20BB7），无法打印" in str(refused.value)
    assert snapshot(store) == before


def test_each_printed_field_of_the_forms_is_checked():
    form = admission(person(1), department="内科", diagnosis="肺炎𠀀")
    errors = {e.field: e.message for e in registration_errors(form, now=NOW)}
    assert "“𠀀”" in errors["diagnosis"]
    # 事后报销 intake and its bank account go through text_errors
    errors = {e.field: e.message for e in text_errors({"name": "张三", "hospital": "𠮷县医院"})}
    assert list(errors) == ["hospital"] and "无法打印" in errors["hospital"]


def test_an_outpatient_visit_of_an_unprintable_name_is_refused(store, make_site):
    make_site("TEZ01", "taierzhuang")
    visit = OutpatientVisitInput(
        person=person(7, "taierzhuang", name="𠮷田"),
        visit_date=date(2026, 6, 1),
        visit="outpatient_chronic",
        category="minimum_living",
        insurance="resident",
        diagnosis="高血压",
        amounts=Amounts("1500.00", basic_insurance="500.00"),
        papers={},
        off_roster_reason="名册尚未下发",
    )
    before = snapshot(store)
    with pytest.raises(ServiceError) as refused:
        settle_outpatient_visit(store, visit, clerk="王", now=datetime(2026, 6, 2, 10))
    assert refused.value.field == "name" and "“𠮷”" in str(refused.value)
    assert snapshot(store) == before


def test_common_characters_are_passed_without_loading_the_fonts():
    # What the per-keystroke check skips must really be drawn by the shipped fonts.
    for code in [*range(0x20, 0x7F), *range(0x4E00, 0x9FA6)]:
        assert not _surely_printable(chr(code)) or font_for(chr(code)) is not None, hex(code)
    assert not _surely_printable("𠮷") and not _surely_printable("·")


def test_an_unprintable_slip_fails_the_export_in_one_line(
    store, store_target, make_site, tmp_path, capsys
):
    make_site()
    registered = register_admission(store, admission(person(1, name="吉田")), clerk="王", now=NOW)
    tick_all(store, registered.admission_id)
    amounts = Amounts("10000.00", "0", "5000.00")
    done = DischargeInput(registered.admission_id, datetime(2026, 3, 5, 9), amounts)
    settled = settle_discharge(store, done, clerk="王", now=datetime(2026, 3, 5, 10))
    with store.write() as session:  # typed before names were checked
        session.execute(update(Person).values(name="𠮷田"))

    target = tmp_path / "out"
    target.mkdir()
    argv = ["export-bundle", "--db", store_target, "--period", "2026Q1", "--to", str(target)]
    assert main(argv) == 1
    said = capsys.readouterr().err.strip()
    assert "\n" not in said and "Traceback" not in said
    assert said.startswith("导出失败：") and f"结算单 {settled.slip_number} 无法打印" in said
    assert "“𠮷”" in said
    assert list(target.iterdir()) == []
