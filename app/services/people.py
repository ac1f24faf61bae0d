"""People (keyed by resident ID number) and their beneficiary status history."""

from datetime import date, datetime

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session

from app import dates
from app.applicant import HouseholdFacts, household_facts
from app.forms import PersonInput
from app.identity import (
    IdentityError,
    ResidentId,
    birth_date_mismatch,
    compact_id,
    parse_resident_id,
    sex_mismatch,
)
from app.policy import PolicyLoadError
from app.services import audit
from app.services.errors import ServiceError, checked_text, refuse
from app.services.lengths import check_text, limit_of
from app.services.policies import Policies, installed_policies
from app.text import name_spellings
from app.vocabulary import CATEGORIES, CATEGORY_NAMES
from db.models import BeneficiaryStatus, Person
from db.prepared import Prepared
from db.upsert import dialect_insert


def parse_date(value: date | str | None, field: str) -> date | None:
    """An optional date as typed (``YYYY-MM-DD``) or picked; None when left empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return dates.parse_date(value)
    except dates.DateError as exc:
        raise ServiceError(field, exc.reason) from None


def parse_category(value: str | None, field: str = "category") -> str:
    """A category code from its code, its contract name or any name or alias a policy file
    gives it (e.g. 城乡低保对象, 低保对象 → ``minimum_living``)."""
    text = checked_text(value, field, required=False)
    if text in CATEGORIES:
        return text
    codes = category_names().get(text, ())
    if len(codes) > 1:
        raise ServiceError(
            field, f"“{text}”在不同政策中指不同类别（{'、'.join(codes)}），请写类别代码"
        )
    if not codes:
        raise ServiceError(field, f"“{text}”不是已知的救助对象类别")
    return codes[0]


def category_names() -> dict[str, tuple[str, ...]]:
    """Every name a category goes by, in the contract and in the installed policy files,
    with the codes it names (one, unless two policies disagree)."""
    named = {name: [code] for code, name in CATEGORY_NAMES.items()}
    for loaded in _installed_policies().values():
        for version in loaded.definition.versions:
            for code, category in version.categories.items():
                for name in category.names:
                    codes = named.setdefault(name.strip(), [])
                    if code not in codes:
                        codes.append(code)
    return {name: tuple(codes) for name, codes in named.items()}


def _installed_policies() -> Policies:
    try:
        return installed_policies()
    except PolicyLoadError:  # the window reports broken policies itself; names still work
        return {}


def check_person_input(form: PersonInput) -> ResidentId:
    """Validate the typed details; raise ServiceError naming the first bad field."""
    try:
        resident_id = parse_resident_id(form.id_number)
    except IdentityError as exc:
        raise ServiceError("id_number", exc.reason) from None
    checked_text(form.name, "name")
    checked_text(form.phone, "phone", required=False)
    check_text("name", form.name, Person.name)
    check_text("phone", form.phone, Person.phone)
    check_text("address", form.address, Person.address)
    refuse(household_facts(form.insurance_card, form.household_size, form.household_income)[1])
    if form.sex not in (None, ""):
        try:
            problem = sex_mismatch(resident_id, form.sex)
        except IdentityError as exc:
            raise ServiceError("sex", exc.reason) from None
        if problem:
            raise ServiceError("sex", problem)
    birth_date = parse_date(form.birth_date, "birth_date")
    if birth_date is not None:
        problem = birth_date_mismatch(resident_id, birth_date)
        if problem:
            raise ServiceError("birth_date", problem)
    return resident_id


# Look-ups built once (issue 18, point 4): building and hashing a new statement for each
# look-up cost more than SQLite's indexed query itself.
_PERSON = Person.__table__
_BY_ID_NUMBER = Prepared(
    select(_PERSON).where(_PERSON.c.id_number == bindparam("number")), "PersonRow"
)


def _name_range(column, name: str):
    return and_(column >= bindparam(name), column < bindparam(f"{name}_end"))


_BY_NUMBER_OR_NAME = Prepared(
    select(_PERSON)
    .where(or_(_PERSON.c.id_number == bindparam("text"), _name_range(_PERSON.c.name, "name")))
    .order_by(_PERSON.c.name, _PERSON.c.id)
    .limit(bindparam("limit")),
    "PersonRow",
)
_BY_NUMBER_NAME_OR_SPELLING = Prepared(
    select(_PERSON)
    .where(
        or_(
            _PERSON.c.id_number == bindparam("text"),
            _name_range(_PERSON.c.name, "name"),
            _name_range(_PERSON.c.name_initials, "spelled"),
            _name_range(_PERSON.c.name_pinyin, "spelled"),
        )
    )
    .order_by(_PERSON.c.name, _PERSON.c.id)
    .limit(bindparam("limit")),
    "PersonRow",
)
# Above every character a name or spelling holds: [text, text + _LAST) is "starts with text".
_LAST = "\U0010ffff"


def find_person(session: Session, id_number: str):
    """The person with this ID number as typed (spaces and full-width digits allowed, ``x``
    for ``X``: ``app.identity.compact_id``), or None:
    a row of the person table (``id``, ``id_number``, ``name`` …) read on the session's
    connection with a statement compiled once (``db.prepared``), not an ORM object (loading
    one cost 10× the query, issue 18, point 4).

    The number is not validated here (stdnum's region look-up cost 15× the query): a number
    that is not valid was never stored, so it finds no one, as it did when refused."""
    number = compact_id(id_number)
    if len(number) != 18:
        return None
    return _BY_ID_NUMBER.first(session, {"number": number})


def search_people(session: Session, text: str, limit: int = 50):
    """People whose ID number is ``text``, whose name starts with it, or — for Latin letters,
    in any case — whose name's pinyin or initials start with it ("zs", "ZHANGSAN": 张三).

    Rows of the person table (``id``, ``id_number``, ``name`` …), read as ``find_person``
    reads one: loading them as ORM objects cost more than the query (issue 18, point 4)."""
    text = text.strip().upper()
    if not text:
        return []
    # A range rather than LIKE: SQLite only uses an index for a range comparison.
    values = {"text": compact_id(text), "name": text, "name_end": text + _LAST, "limit": limit}
    if text.isascii() and text.isalpha():
        spelled = text.lower()
        values |= {"spelled": spelled, "spelled_end": spelled + _LAST}
        return _BY_NUMBER_NAME_OR_SPELLING.rows(session, values)
    return _BY_NUMBER_OR_NAME.rows(session, values)


def ensure_person(session: Session, form: PersonInput, clerk: str) -> Person:
    """The person with this ID number, created if new (the name must match a known person)."""
    resident_id = check_person_input(form)
    name = checked_text(form.name, "name")
    facts = household_facts(form.insurance_card, form.household_size, form.household_income)[0]
    # Insert-if-absent in one statement: two windows may register the same newcomer at once.
    inserted = session.execute(
        dialect_insert(session, Person)
        .values(
            id_number=resident_id.number,
            name=name,
            **_spellings(name),
            sex=resident_id.sex,
            birth_date=resident_id.birth_date,
            phone=checked_text(form.phone, "phone", required=False) or None,
            address=(form.address or "").strip() or None,
            insurance_card=facts.insurance_card,
            household_size=facts.household_size,
            household_income=facts.household_income,
            created_at=datetime.now(),
            created_by=clerk,
        )
        .on_conflict_do_nothing(index_elements=[Person.id_number])
        .returning(Person.id)
    ).scalar_one_or_none()
    person = session.scalar(select(Person).where(Person.id_number == resident_id.number))
    if inserted is None:
        if person.name != name:
            raise ServiceError("name", f"与已登记的姓名“{person.name}”不一致，请核对证件")
        _update_facts(session, person, facts, clerk)
        return person
    audit.record(
        session,
        clerk=clerk,
        action="create",
        entity="person",
        entity_id=person.id,
        changes={
            "id_number": person.id_number,
            "name": name,
            "sex": person.sex,
            "birth_date": person.birth_date,
            **{key: value for key, value in _facts(facts).items() if value is not None},
        },
    )
    return person


def _spellings(name: str) -> dict[str, str]:
    """The name's pinyin and initials to search by, cut to their columns: a 50-character
    name spells longer than ``name_pinyin`` holds (PostgreSQL refused it; SQLite kept it and
    the centre then refused the window's package). Only a search key: its start is enough."""
    full, initials = name_spellings(name)
    return {
        "name_pinyin": full[: limit_of(Person.__table__.c.name_pinyin)],
        "name_initials": initials[: limit_of(Person.__table__.c.name_initials)],
    }


def _facts(facts: HouseholdFacts) -> dict[str, object]:
    return {
        "insurance_card": facts.insurance_card,
        "household_size": facts.household_size,
        "household_income": facts.household_income,
    }


def _update_facts(session: Session, person: Person, facts: HouseholdFacts, clerk: str) -> None:
    """A known person's 社保卡号 and household as newly given (audited, old → new); what is
    left empty keeps what was stored."""
    given = {key: value for key, value in _facts(facts).items() if value is not None}
    changes = audit.apply_changes(person, given)
    if changes:
        audit.record(
            session,
            clerk=clerk,
            action="change",
            entity="person",
            entity_id=person.id,
            changes=changes,
        )


def add_status(
    session: Session,
    person: Person,
    *,
    category: str,
    source: str,
    clerk: str,
    certificate_type: str | None = None,
    certificate_number: str | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    roster_import_id: int | None = None,
) -> BeneficiaryStatus:
    """Record a beneficiary status as a new history row (older rows are kept as they were)."""
    certificate_type = checked_text(certificate_type, "certificate_type", required=False)
    certificate_number = checked_text(certificate_number, "certificate_number", required=False)
    if valid_from and valid_to and valid_to < valid_from:
        raise ServiceError("valid_to", "有效期止早于有效期起")
    check_text("certificate_type", certificate_type, BeneficiaryStatus.certificate_type)
    check_text("certificate_number", certificate_number, BeneficiaryStatus.certificate_number)
    check_text("source", source, BeneficiaryStatus.source)
    status = BeneficiaryStatus(
        person_id=person.id,
        category=category,
        certificate_type=certificate_type or None,
        certificate_number=certificate_number or None,
        valid_from=valid_from,
        valid_to=valid_to,
        source=source,
        roster_import_id=roster_import_id,
        recorded_at=datetime.now(),
        recorded_by=clerk,
    )
    session.add(status)
    session.flush()
    audit.record(
        session,
        clerk=clerk,
        action="create",
        entity="beneficiary_status",
        entity_id=status.id,
        changes={
            "person_id": person.id,
            "category": category,
            "source": source,
            "certificate_type": certificate_type,
            "certificate_number": certificate_number,
            "valid_from": valid_from,
            "valid_to": valid_to,
        },
    )
    return status


def roster_status_on(session: Session, person_id: int, day: date) -> BeneficiaryStatus | None:
    """The newest roster-imported status of the person that is valid on ``day``."""
    query = (
        select(BeneficiaryStatus)
        .where(
            BeneficiaryStatus.person_id == person_id,
            BeneficiaryStatus.roster_import_id.is_not(None),
            or_(BeneficiaryStatus.valid_from.is_(None), BeneficiaryStatus.valid_from <= day),
            or_(BeneficiaryStatus.valid_to.is_(None), BeneficiaryStatus.valid_to >= day),
        )
        .order_by(BeneficiaryStatus.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def status_history(session: Session, person_id: int) -> list[BeneficiaryStatus]:
    query = (
        select(BeneficiaryStatus)
        .where(BeneficiaryStatus.person_id == person_id)
        .order_by(BeneficiaryStatus.id)
    )
    return list(session.scalars(query))
