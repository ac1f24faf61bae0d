"""Names and numbers refuse control characters and text of invisible characters only; the
refusal names the field and nothing is stored."""

from datetime import datetime

import pytest

from app.services import ServiceError, register_admission, save_site
from tests.store.helpers import admission, person, snapshot

NOW = datetime(2026, 3, 1, 10, 0)
HOSTILE = {
    "tab": "张\t三",
    "newline": "张三\n",
    "nul": "ZY\x00001",
    "zero-width only": "\u200b\u200b",
    "bidi override": "\u202e三张",
    "ideographic spaces only": "\u3000\u3000",
    "hangul filler only": "\u3164",
    "braille blank only": "\u2800",
}
OPTIONAL = ("referral_number", "certificate_number")


@pytest.mark.parametrize("typed", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize(
    "field",
    [
        "person.name",
        "admission_number",
        "department",
        "diagnosis",
        "referral_number",
        "certificate_number",
    ],
)
def test_a_name_or_number_with_control_or_only_invisible_characters_is_refused(
    store, make_site, field, typed
):
    if field in OPTIONAL and not typed.strip():
        pytest.skip("spaces only in an optional field are an empty field")
    make_site()
    form = admission(person(7), number="ZY777")
    if field == "person.name":
        form.person.name = typed
    else:
        setattr(form, field, typed)
    before = snapshot(store)
    with pytest.raises(ServiceError) as refused:
        register_admission(store, form, clerk="王", now=NOW)
    assert refused.value.field == field.removeprefix("person.")
    assert snapshot(store) == before


def test_an_ordinary_name_with_a_middle_dot_and_spaces_around_is_kept(store, make_site):
    make_site()
    form = admission(person(8, name="  阿依古丽·买买提 "), number="ZY888")
    register_admission(store, form, clerk="王", now=NOW)
    from app.services.people import find_person

    with store.read() as session:
        assert find_person(session, form.person.id_number).name == "阿依古丽·买买提"


def test_a_site_name_of_invisible_characters_is_refused(store):
    with pytest.raises(ServiceError) as refused:
        save_site(
            store,
            code="LX01",
            name="\u200b",
            facility="county",
            default_policy="lanxi",
            clerk="管理员",
        )
    assert refused.value.field == "site"
