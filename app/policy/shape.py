"""Frozen dataclasses built from a policy file's parsed TOML, with every problem found named
by its key path (``versions[0].rules[1].tiers[0].rate``) and a reason in Chinese.

A schema class is a ``@schema`` dataclass; its annotations say what each key holds:
``str``, ``bool``, ``int``, ``Decimal``, ``date``, a ``Literal`` of codes, ``X | None``,
``tuple[X, ...]`` (a TOML array), ``dict[K, V]`` (a TOML table of codes) or another schema
class (a TOML table). ``Annotated[X, Limits(...)]`` adds bounds, a minimum length or a pattern.
A field whose key in the file is not its name (``from``, ``copy``) says so with ``key()``.

Values are taken as the file's author wrote them: the only conversions are a TOML integer
to ``Decimal`` and an array to a tuple (so the objects stay immutable); ``1`` is not true,
``"5"`` is not a number and a key the class does not know is an error.

Written here rather than with a validation library: the policy files are a few hundred
values, and pydantic alone held 9 MB of the window's memory (issue 18, point 5).
"""

import dataclasses
import re
import types
import typing
from collections.abc import Callable
from dataclasses import MISSING, dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Literal, TypeVar, Union, get_args, get_origin

from app.money import FEN

T = TypeVar("T")
Problem = tuple[str, str]
_BAD = object()  # what a value with a problem becomes (its problems are already listed)
_KEY = "policy_key"  # a field's metadata entry naming its key in the file


def schema(cls: type[T]) -> type[T]:
    """A frozen, keyword-only dataclass: subclasses may add required fields after a base's
    defaulted ones, and nothing set at load can change afterwards."""
    return dataclass(frozen=True, kw_only=True)(cls)


def key(name: str, default: object = MISSING) -> typing.Any:
    """A field written ``name`` in the file (``from`` is a Python keyword)."""
    return dataclasses.field(default=default, metadata={_KEY: name})


@dataclass(frozen=True)
class Limits:
    """Bounds of a number (``ge``, ``le``, ``gt``), a least length of text, an array or a
    table (``min_length``), a pattern text must match (``pattern``, said as ``pattern_says``);
    ``out_of_range``, when given, is the reason for a number outside its bounds (``{value}``
    is replaced by it)."""

    ge: int | None = None
    le: int | None = None
    gt: int | None = None
    min_length: int | None = None
    pattern: str | None = None
    pattern_says: str = ""
    out_of_range: str = ""
    whole_fen: bool = False  # money: no part of a fen (it would print rounded, and be paid so)


def build(cls: type[T], data: object) -> tuple[T | None, list[Problem]]:
    """``cls`` made from ``data`` and no problems, or None and every problem found."""
    problems: list[Problem] = []
    made = _value(cls, data, "", problems)
    return (None, problems) if problems else (made, [])


def given(made: object) -> frozenset[str]:
    """The fields whose keys the file wrote (the rest took their defaults)."""
    return made.__dict__.get("_given", frozenset(_fields(type(made))))


def _at(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _value(hint: object, value: object, path: str, problems: list[Problem]) -> object:
    origin = get_origin(hint)
    if origin is Annotated:
        inner, *extras = get_args(hint)
        made = _value(inner, value, path, problems)
        if made is not _BAD:
            for limits in extras:
                if isinstance(limits, Limits) and not _within(limits, made, path, problems):
                    return _BAD
        return made
    if origin in (Union, types.UnionType):
        # TOML has no null: a key that is there holds the one type that is not None.
        others = [arg for arg in get_args(hint) if arg is not type(None)]
        if len(others) != 1:
            raise TypeError(f"policy schema: only X | None is read, not {hint!r} at {path}")
        return _value(others[0], value, path, problems)
    if origin is Literal:
        choices = get_args(hint)
        if isinstance(value, str) and value in choices:
            return value
        allowed = "、".join(str(choice) for choice in choices)
        return _problem(problems, path, f"取值“{value}”不在允许范围内（可选：{allowed}）")
    if origin is tuple:
        return _array(get_args(hint)[0], value, path, problems)
    if origin is dict:
        return _table_of(get_args(hint), value, path, problems)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _record(hint, value, path, problems)
    return _scalar(hint, value, path, problems)


def _is_integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # true is not 1


# What a TOML value must be to be read as each plain type, and the reason when it is not.
_SCALARS: dict[type, tuple[Callable[[object], bool], str]] = {
    str: (lambda value: isinstance(value, str), "类型错误：应为文字"),
    bool: (lambda value: isinstance(value, bool), "类型错误：应为 true 或 false"),
    int: (_is_integer, "类型错误：应为整数"),
    Decimal: (
        lambda value: _is_integer(value) or (isinstance(value, Decimal) and value.is_finite()),
        "类型错误：应为数字",
    ),
    date: (
        lambda value: isinstance(value, date) and not isinstance(value, datetime),
        "类型错误：应为日期（如 2020-07-01）",
    ),
}


def _scalar(hint: object, value: object, path: str, problems: list[Problem]) -> object:
    if hint not in _SCALARS:
        raise TypeError(f"policy schema: no reading for {hint!r} at {path}")
    accepts, reason = _SCALARS[hint]
    if not accepts(value):
        return _problem(problems, path, reason)
    return Decimal(value) if hint is Decimal else value


def _array(item: object, value: object, path: str, problems: list[Problem]) -> object:
    if not isinstance(value, list | tuple):
        return _problem(problems, path, "类型错误：应为列表 [...]")
    made = [_value(item, each, f"{path}[{i}]", problems) for i, each in enumerate(value)]
    return _BAD if _BAD in made else tuple(made)


def _table_of(kinds: tuple, value: object, path: str, problems: list[Problem]) -> object:
    key_hint, value_hint = kinds
    if not isinstance(value, dict):
        return _problem(problems, path, "类型错误：应为表 {...}")
    made = {}
    for name, each in value.items():
        here = _at(path, str(name))
        code = _value(key_hint, name, here, problems)
        made[code] = _value(value_hint, each, here, problems)
    return _BAD if _BAD in made or _BAD in made.values() else made


def _record(cls: type, value: object, path: str, problems: list[Problem]) -> object:
    if not isinstance(value, dict):
        return _problem(problems, path, "类型错误：应为表 {...}")
    fields = _fields(cls)
    known = {written: name for name, (written, _hint, _required) in fields.items()}
    unknown = [written for written in value if written not in known]
    for written in unknown:
        _problem(problems, _at(path, str(written)), "未知的键")
    made: dict[str, object] = {}
    complete = not unknown
    for name, (written, hint, required) in fields.items():
        if written in value:
            made[name] = _value(hint, value[written], _at(path, written), problems)
            complete = complete and made[name] is not _BAD
        elif required:
            _problem(problems, _at(path, written), "缺少必填项")
            complete = False
    if not complete:
        return _BAD
    record = cls(**made)
    object.__setattr__(record, "_given", frozenset(made))
    return record


@cache
def _fields(cls: type) -> dict[str, tuple[str, object, bool]]:
    """Each field's name → (its key in the file, its annotation, whether it is required)."""
    hints = typing.get_type_hints(cls, include_extras=True)
    return {
        field.name: (
            field.metadata.get(_KEY, field.name),
            hints[field.name],
            field.default is MISSING and field.default_factory is MISSING,
        )
        for field in dataclasses.fields(cls)
    }


def _within(limits: Limits, value: object, path: str, problems: list[Problem]) -> bool:
    reason = None
    if limits.min_length is not None and len(_visible(value)) < limits.min_length:
        reason = "不能为空"
    elif limits.pattern is not None and not re.search(limits.pattern, value):
        reason = f"格式不对：{limits.pattern_says}，实际为“{value}”"
    elif limits.ge is not None and value < limits.ge:
        reason = limits.out_of_range or (
            "不能为负数，实际为 {value}"
            if limits.ge == 0
            else f"不能小于 {limits.ge}，实际为 {{value}}"
        )
    elif limits.gt is not None and value <= limits.gt:
        reason = limits.out_of_range or f"必须大于 {limits.gt}，实际为 {{value}}"
    elif limits.le is not None and value > limits.le:
        reason = limits.out_of_range or f"不能大于 {limits.le}，实际为 {{value}}"
    elif limits.whole_fen and value != value.quantize(FEN):
        reason = "金额只能到分（最多两位小数），实际为 {value}"
    if reason is None:
        return True
    _problem(problems, path, reason.replace("{value}", str(value)))
    return False


def _visible(value: object) -> object:
    """Text without its blanks (a clause of spaces says nothing); other values as they are."""
    return "".join(value.split()) if isinstance(value, str) else value


def _problem(problems: list[Problem], path: str, reason: str) -> object:
    problems.append((path, reason))
    return _BAD
