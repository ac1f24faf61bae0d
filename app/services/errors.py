"""The one error a service raises for bad input: which field, and why, in Chinese."""

from app.errors import FIELD_NAMES, FieldError, FieldErrors
from app.text import TextError, clean_text, required_text


class ServiceError(FieldError):
    """Bad input refused before anything was saved: an ``app.errors.FieldError`` labelled
    with the field's Chinese name (``FIELD_NAMES``): ``身份证号：校验位不正确…``."""

    def __init__(self, field: str, message: str, label: str | None = None):
        super().__init__(field, message, label or FIELD_NAMES.get(field, field))


class ServiceErrors(FieldErrors, ServiceError):
    """Several bad fields of one form (``app.errors.FieldErrors``), caught as a ServiceError."""


def refuse(errors: list[FieldError]) -> None:
    """Raise ``ServiceErrors`` when a form's checks found anything (nothing is saved)."""
    if errors:
        raise ServiceErrors(errors)


def checked_text(value: object, field: str, *, required: bool = True) -> str:
    """A name or number as typed, stripped (``""`` when optional and empty); ``ServiceError``
    naming ``field`` for control or invisible-only characters (see ``app.text``)."""
    try:
        return required_text(value) if required else clean_text(value)
    except TextError as exc:
        raise ServiceError(field, exc.reason) from None
