"""The renderers of the forms a policy prints, registered by form name.

A policy file names its forms (``[[versions.paper]] form = "…"``, policies/README.md 表单); each
name here has the function that gathers the form's data from the store (refusing a case whose
policy does not list the form) and the one that draws it. A county whose form looks different
adds a renderer under a new name and lists that name in its file.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.printing import from_store
from app.printing.application_weihai import render_weihai_application
from app.printing.materials_sheet import render_materials_sheet
from app.printing.records import ReferralData
from app.printing.referral_hunan import render_hunan_referral
from app.services.policies import Policies
from app.vocabulary import PAPER_FORM_NAMES


@dataclass(frozen=True)
class Form:
    """``gather(session, admission_number, *, site_code, policies)`` -> the form's frozen data;
    ``render(data)`` -> PDF bytes."""

    name: str
    gather: Callable[..., object]
    render: Callable[[object], bytes]

    @property
    def title(self) -> str:
        return PAPER_FORM_NAMES.get(self.name, self.name)


FORMS: dict[str, Form] = {}


def register(form: Form) -> Form:
    if form.name in FORMS:
        raise ValueError(f"表单“{form.name}”已注册")
    FORMS[form.name] = form
    return form


def print_form(
    session: Session,
    name: str,
    admission_number: str,
    *,
    site_code: str | None = None,
    policies: Policies | None = None,
) -> bytes:
    """The PDF of form ``name`` for an admission. ``ServiceError`` (field ``policy``) when the
    case's policy does not print that form; ``MissingGlyphError`` for a character no font has."""
    form = FORMS[name]
    data = form.gather(session, admission_number, site_code=site_code, policies=policies)
    return form.render(data)


def print_referral_paperwork(
    session: Session,
    admission_number: str,
    *,
    site_code: str | None = None,
    policies: Policies | None = None,
) -> tuple[str, bytes]:
    """The referral form where the case's policy prints one, else its materials sheet:
    (form name, PDF). ``ServiceError`` when the policy prints neither."""
    data = from_store.referral_data(
        session, admission_number, site_code=site_code, policies=policies
    )
    name = "referral" if isinstance(data, ReferralData) else "materials"
    return name, FORMS[name].render(data)


register(Form("referral", from_store.referral_form_data, render_hunan_referral))
register(Form("application", from_store.application_data, render_weihai_application))
register(Form("materials", from_store.materials_data, render_materials_sheet))
