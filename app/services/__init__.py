"""Services: each public call is one transaction on the store (register, settle, void …).

Bad input raises ``ServiceError(field, message)`` before anything is saved.
"""

from app.services.checklist import ItemUpdate, checklist, missing_items, update_item
from app.services.errors import ServiceError
from app.services.outpatient import settle_outpatient_visit
from app.services.people import PersonInput, find_person, search_people, status_history
from app.services.records import (
    admission_by_number,
    admission_settlements,
    admissions_touched_on,
    find_admission,
    get_settlement,
    open_admissions,
    person_admissions,
    person_settlements,
)
from app.services.registration import (
    AdmissionInput,
    Registration,
    cancel_admission,
    register_admission,
)
from app.services.roster import RosterReport, import_roster
from app.services.settlement import (
    Amounts,
    DischargeInput,
    OutpatientInput,
    Override,
    result_of,
    settle_discharge,
    settle_outpatient,
    void_settlement,
)
from app.services.sites import current_site, save_site
from app.services.year_to_date import year_to_date

__all__ = [
    "AdmissionInput",
    "Amounts",
    "DischargeInput",
    "ItemUpdate",
    "OutpatientInput",
    "Override",
    "PersonInput",
    "Registration",
    "RosterReport",
    "ServiceError",
    "admission_by_number",
    "admission_settlements",
    "admissions_touched_on",
    "cancel_admission",
    "checklist",
    "current_site",
    "find_admission",
    "find_person",
    "get_settlement",
    "import_roster",
    "missing_items",
    "open_admissions",
    "person_admissions",
    "person_settlements",
    "register_admission",
    "result_of",
    "save_site",
    "search_people",
    "settle_discharge",
    "settle_outpatient",
    "settle_outpatient_visit",
    "status_history",
    "update_item",
    "void_settlement",
    "year_to_date",
]
