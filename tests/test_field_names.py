"""Every refusal names its field in Chinese: each field a ``ServiceError``, ``FieldError`` or
text-length check in ``app/`` is raised for (without a label of its own) has a name in
``FIELD_NAMES``, so no clerk reads ``claim_number：…`` above a message."""

import ast
from pathlib import Path

from app.errors import FIELD_NAMES

APP = Path(__file__).resolve().parent.parent / "app"
RAISED = ("ServiceError", "FieldError", "check_text", "checked_text")


def _fields_raised() -> dict[str, str]:
    found = {}
    for path in sorted(APP.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            called = getattr(node.func, "id", getattr(node.func, "attr", None))
            labelled = len(node.args) > 2 or any(k.arg == "label" for k in node.keywords)
            if called in RAISED and node.args and not labelled:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.setdefault(first.value, f"{path.relative_to(APP.parent)}:{node.lineno}")
    return found


def test_every_field_a_refusal_names_has_a_chinese_name():
    raised = _fields_raised()
    assert "claim_number" in raised  # the scan finds the 事后报销 refusals
    # A field already in Chinese ("第1行") is its own name.
    unnamed = {
        field: where
        for field, where in raised.items()
        if field not in FIELD_NAMES and field.isascii()
    }
    assert unnamed == {}
