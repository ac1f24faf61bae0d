"""Every field a refusal names through ``checked_text(value, field)``, a ``field=`` keyword or
the keys of the texts handed to ``app.forms.text_errors`` has a Chinese name in
``FIELD_NAMES`` (``tests/test_field_names.py`` reads the first argument only: a blank
事后报销 hospital read ``hospital：不能为空``)."""

import ast
from pathlib import Path

from app.errors import FIELD_NAMES

APP = Path(__file__).resolve().parent.parent / "app"
FIELD_SECOND = ("checked_text", "_check_day", "parse_date")


def _named(node: ast.AST) -> str | None:
    return getattr(node, "id", getattr(node, "attr", None))


def _fields(tree: ast.AST):
    dicts = {}  # a name assigned a dict literal, in the module (texts = {...})
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    dicts.setdefault(target.id, []).append(node.value)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = _named(node.func)
        if called in FIELD_SECOND and len(node.args) > 1:
            yield node.args[1]
        yield from (keyword.value for keyword in node.keywords if keyword.arg == "field")
        if called == "text_errors" and node.args:
            given = node.args[0]
            literal = [given] if isinstance(given, ast.Dict) else dicts.get(_named(given), [])
            for value in literal:
                yield from (key for key in value.keys if key is not None)


def test_every_field_a_text_check_names_has_a_chinese_name():
    unnamed = {}
    for path in sorted(APP.rglob("*.py")):
        for node in _fields(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                field = node.value
                if field.isascii() and field not in FIELD_NAMES:
                    unnamed.setdefault(field, f"{path.relative_to(APP.parent)}:{node.lineno}")
    assert "hospital" in FIELD_NAMES
    assert unnamed == {}
