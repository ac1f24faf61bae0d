"""The house's floors, read from the source with ``ast`` (docs/architecture.md draws them).

Every ``import`` counts, at module level or inside a function (a late import is still an
arrow). A package is ``ui``, ``db``, or ``app.<name>`` (a subpackage such as ``app.services``, or
a top-level module such as ``app.money``, each as itself; ``app`` alone is ``app/__init__.py``).
"""

import ast
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE_ROOTS = ("app", "ui", "db")
QT_MODULES = {"PySide6", "shiboken6", "PyQt5", "PyQt6"}
STORE_MODULES = {"db", "sqlalchemy", "alembic"}

# The floors, lowest first: a package imports only packages of its own floor or below.
FLOORS = {
    # leaves: Decimal and ID-number helpers, names and codes, paths, fonts, the cipher
    "app": 0,
    "app.money": 0,
    "app.identity": 0,
    "app.vocabulary": 0,
    "app.paths": 0,
    "app.fonts": 0,
    "app.encryption": 0,
    "app.errors": 0,
    "app.dates": 0,
    "app.text": 0,
    "app.sheet_cells": 0,
    "app.store_marks": 0,
    "app.audit_words": 0,
    "app.workdays": 0,
    "app.secret_store": 0,
    "app.national_codes": 0,
    "app.lazy_names": 0,
    # models, engine, sessions, migrations: no rules
    "db": 1,
    # policies/*.toml loaded and checked into immutable rule objects
    "app.policy": 2,
    # the pure calculator over a policy; what the forms send and the checks needing no store
    "app.settlement": 3,
    "app.forms": 3,
    "app.applicant": 3,
    "app.insurance_import": 3,
    # one transaction each; files out to USB sticks and shares; paper
    "app.services": 4,
    "app.accounts": 4,
    "app.audit_log": 4,
    "app.privacy": 4,
    "app.printing": 4,
    "app.bundle": 4,
    "app.whatif": 4,
    "app.sync": 4,
    "app.backup": 4,
    "app.store_guard": 4,
    "app.demo": 4,
    "app.daily_close": 4,
    "app.reminders": 4,
    # the application layer: one method per user action
    "app.desk": 5,
    "app.startup": 5,
    # faces
    "app.__main__": 6,
    "app.cli": 6,
    "app.commands": 6,
    "ui": 6,
}
# Faces share the top floor but never import each other: the window does not run commands.
FACES = {"app.__main__": "cli", "app.cli": "cli", "app.commands": "cli", "ui": "window"}

# ui files that still open the store themselves: none since the application-layer move
# (ui/ calls app/desk, which returns plain records). Keep it empty.
UI_FILES_STILL_ON_THE_STORE: set[str] = set()

# The demo builds one fictitious site per shipped policy and must name them; no other code may
# name a county's policy (what a county does is in its policy file).
MAY_NAME_POLICIES = {"app/demo.py"}


@dataclass(frozen=True)
class Import:
    file: str  # relative to the repository, with forward slashes
    line: int
    module: str  # the dotted module imported


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(dotted: str) -> bool:
    path = REPO.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imports_of(path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = _module_of(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    file = path.relative_to(REPO).as_posix()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(file, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                # ``from app import fonts`` imports the module app.fonts, not app/__init__.py
                candidate = f"{base}.{alias.name}"
                found.append(
                    Import(file, node.lineno, candidate if _is_module(candidate) else base)
                )
    return found


@cache
def all_imports() -> tuple[Import, ...]:
    found: list[Import] = []
    for root in SOURCE_ROOTS:
        for path in sorted((REPO / root).rglob("*.py")):
            found += _imports_of(path)
    return tuple(found)


def package_of(module: str) -> str | None:
    """The package a module belongs to, or None for the standard library and third parties."""
    parts = module.split(".")
    if parts[0] in ("ui", "db"):
        return parts[0]
    if parts[0] != "app":
        return None
    return "app" if len(parts) == 1 else f"app.{parts[1]}"


def _package_of_file(file: str) -> str:
    return package_of(file.removesuffix(".py").removesuffix("/__init__").replace("/", "."))


def package_edges() -> dict[tuple[str, str], Import]:
    """(importer, imported) -> the first import that draws the arrow."""
    edges: dict[tuple[str, str], Import] = {}
    for found in all_imports():
        source, target = _package_of_file(found.file), package_of(found.module)
        if target is not None and target != source:
            edges.setdefault((source, target), found)
    return edges


def _where(found: Import) -> str:
    return f"{found.file}:{found.line} imports {found.module}"


def _top(module: str) -> str:
    return module.split(".")[0]


def test_the_reader_sees_the_imports():
    # A parser that found nothing would pass every rule below.
    edges = package_edges()
    assert ("app.settlement", "app.policy") in edges
    assert ("ui", "app.vocabulary") in edges
    assert ("db", "app.money") in edges
    assert any(_top(found.module) == "PySide6" for found in all_imports())


def test_qt_only_in_ui():
    wrong = [
        _where(found)
        for found in all_imports()
        if _top(found.module) in QT_MODULES and not found.file.startswith("ui/")
    ]
    assert not wrong, "Qt outside ui/:\n" + "\n".join(wrong)


def test_app_and_db_never_import_ui():
    wrong = [
        _where(found)
        for found in all_imports()
        if _top(found.module) == "ui" and not found.file.startswith("ui/")
    ]
    assert not wrong, "ui imported from below:\n" + "\n".join(wrong)


def test_ui_does_not_open_the_store():
    on_store = defaultdict(list)
    for found in all_imports():
        if found.file.startswith("ui/") and _top(found.module) in STORE_MODULES:
            on_store[found.file].append(_where(found))
    wrong = [
        line
        for file, lines in sorted(on_store.items())
        if file not in UI_FILES_STILL_ON_THE_STORE
        for line in lines
    ]
    assert not wrong, "db/sqlalchemy in ui/ (call the application layer):\n" + "\n".join(wrong)
    done = sorted(UI_FILES_STILL_ON_THE_STORE - set(on_store))
    assert not done, f"no longer on the store: remove from UI_FILES_STILL_ON_THE_STORE: {done}"


def _cycles(edges) -> list[list[str]]:
    """Strongly connected groups of more than one package (Tarjan), each sorted."""
    graph = defaultdict(set)
    for source, target in edges:
        graph[source].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_cycle_finder_finds_a_cycle():
    assert _cycles({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == [["a", "b", "c"]]
    assert _cycles({("a", "b"), ("b", "c")}) == []


def test_no_package_cycles():
    edges = package_edges()
    lines = []
    for group in _cycles(edges):
        lines.append(" ↔ ".join(group))
        lines += [
            f"    {_where(found)}"
            for (source, target), found in sorted(edges.items())
            if source in group and target in group
        ]
    assert not lines, "package cycles:\n" + "\n".join(lines)


def test_every_package_has_a_floor():
    packages = {package for edge in package_edges() for package in edge}
    packages |= {_package_of_file(found.file) for found in all_imports()}
    unplaced = sorted(packages - FLOORS.keys())
    assert not unplaced, f"give these packages a floor in FLOORS (docs/architecture.md): {unplaced}"


def test_imports_point_down():
    wrong = []
    for (source, target), found in sorted(package_edges().items()):
        if source not in FLOORS or target not in FLOORS:
            continue  # reported by test_every_package_has_a_floor
        upward = FLOORS[target] > FLOORS[source]
        across_faces = source in FACES and target in FACES and FACES[source] != FACES[target]
        if upward or across_faces:
            wrong.append(f"{source} → {target}: {_where(found)}")
    assert not wrong, "imports that point up (or from one face into another):\n" + "\n".join(wrong)


def policy_ids() -> set[str]:
    return {path.stem for path in (REPO / "policies").glob("*.toml")}


def test_no_policy_id_in_code():
    ids = policy_ids()
    assert {"hunan", "weihai"} <= ids
    wrong = []
    for root in ("app", "ui"):
        for path in sorted((REPO / root).rglob("*.py")):
            file = path.relative_to(REPO).as_posix()
            if file in MAY_NAME_POLICIES:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and node.value in ids:
                    wrong.append(f"{file}:{node.lineno}: {node.value!r}")
    assert not wrong, "a policy named in code (list it in its policy file instead):\n" + "\n".join(
        wrong
    )


def test_nothing_depends_on_asserts_or_docstrings():
    """The app runs as `python -OO` does (the frozen build's bytecode, ``./dev run``): asserts
    are gone and every ``__doc__`` is None there, so neither may carry behaviour."""
    wrong = []
    for root in SOURCE_ROOTS:
        for path in sorted((REPO / root).rglob("*.py")):
            file = path.relative_to(REPO).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Assert):
                    wrong.append(f"{file}:{node.lineno}: assert")
                elif isinstance(node, ast.Attribute | ast.Name) and "__doc__" in (
                    getattr(node, "attr", None),
                    getattr(node, "id", None),
                ):
                    wrong.append(f"{file}:{node.lineno}: __doc__")
    assert not wrong, "gone under python -OO (raise a Chinese error instead):\n" + "\n".join(wrong)
