"""Knowledge of record types lives in the registry (app/readmodel/kinds.py) only.

Outside it, app code may build and read records, but never branch on which type a
record is: no ``kind == "contact"``, no ``isinstance(record, Contact)``, no table
keyed by kind, no ``RecordKind.CONTACT``. It asks the record's ``RecordType``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from models import RECORD_TYPES, RecordKind

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "app" / "readmodel" / "kinds.py"
# Message catalogs translate kind codes (``"contact": "Contact"``): data, not branches.
CATALOGS = "catalog_*.py"
CLASSES = frozenset(model.__name__ for model in RECORD_TYPES.values())
KIND_CODES = frozenset(kind.value for kind in RecordKind)


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_class(node: ast.AST) -> bool:
    return _name(node) in CLASSES


def _is_code(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in KIND_CODES


def _is_member(node: ast.AST) -> bool:
    """``RecordKind.CONTACT`` or ``Contact.kind`` (``.value`` too)."""
    if isinstance(node, ast.Attribute) and node.attr == "value":
        node = node.value
    if not isinstance(node, ast.Attribute):
        return False
    owner = _name(node.value)
    return (owner == "RecordKind" and node.attr.isupper()) or (
        owner in CLASSES and node.attr == "kind"
    )


def _is_named_kind(node: ast.AST) -> bool:
    """``RecordKind.CONTACT``: one kind named outright."""
    return (
        isinstance(node, ast.Attribute)
        and _name(node.value) == "RecordKind"
        and node.attr.isupper()
    )


def _mentions_kind(node: ast.AST) -> bool:
    return any("kind" in (_name(n) or "") for n in ast.walk(node))


def _branch(node: ast.AST) -> str | None:
    """Why ``node`` branches on a record type, or ``None``."""
    if isinstance(node, ast.Call) and _name(node.func) in ("isinstance", "issubclass"):
        types = node.args[1:2]
        if types and isinstance(types[0], ast.Tuple):
            types = list(types[0].elts)
        if any(_is_class(t) for t in types):
            return "isinstance on a record type"
    if isinstance(node, ast.Compare):
        sides = [node.left, *node.comparators]
        if any(_is_member(s) or _is_class(s) for s in sides):
            return "comparison with a record type"
        codes = [
            e
            for s in sides
            for e in (s.elts if isinstance(s, ast.Tuple | ast.List | ast.Set) else [s])
        ]
        if any(_is_code(c) for c in codes) and any(_mentions_kind(s) for s in sides):
            return "comparison with a kind code"
    if isinstance(node, ast.Dict) and node.keys:
        keys = [k for k in node.keys if k is not None]
        if any(_is_named_kind(k) for k in keys) or (
            len(keys) >= 2 and all(_is_code(k) for k in keys)
        ):
            return "table keyed by kind"
    if (
        isinstance(node, ast.List | ast.Tuple | ast.Set)
        and len(node.elts) >= 2
        and all(_is_code(e) for e in node.elts)
    ):
        return "list of kinds"
    if _is_named_kind(node):
        return "a named kind"
    if isinstance(node, ast.match_case):
        pattern = node.pattern
        if isinstance(pattern, ast.MatchClass) and _is_class(pattern.cls):
            return "match on a record type"
        if isinstance(pattern, ast.MatchValue) and (
            _is_code(pattern.value) or _is_member(pattern.value)
        ):
            return "match on a kind"
    return None


def branches(source: str, filename: str = "<probe>") -> list[str]:
    tree = ast.parse(source, filename=filename)
    return [
        f"{filename}:{getattr(node, 'lineno', 0)}: {why}"
        for node in ast.walk(tree)
        if (why := _branch(node)) is not None
    ]


def app_sources() -> list[Path]:
    return sorted(
        p
        for p in (ROOT / "app").rglob("*.py")
        if p != REGISTRY and not p.match(CATALOGS)
    )


@pytest.mark.parametrize("path", app_sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_module_asks_the_registry_instead_of_branching_on_record_type(
    path: Path,
) -> None:
    assert branches(path.read_text(), str(path.relative_to(ROOT))) == []


@pytest.mark.parametrize(
    "source",
    [
        'if row.kind == "contact": pass',
        'if "checkpoint" == record.kind.value: pass',
        "if isinstance(record, Contact): pass",
        "if isinstance(entry.record, (Actor, Place)): pass",
        "if kind is RecordKind.ACTOR: pass",
        "if type(record) is FollowUp: pass",
        "if row.kind == Contact.kind.value: pass",
        "icon = {'checkpoint': 1, 'contact': 2}.get(row.kind)",
        "KINDS = ['checkpoint', 'contact', 'follow_up']",
        "fill = {RecordKind.CONTACT: {}}",
        "listed = kind in ('contact', 'checkpoint')",
        "match record:\n    case Contact():\n        pass",
        "match kind:\n    case 'contact':\n        pass",
    ],
)
def test_rule_catches_a_branch_on_record_type(source: str) -> None:
    assert branches(source)


@pytest.mark.parametrize(
    "source",
    [
        "contact = Contact(on=day)",
        "found = model.record(Contact, record_id)",
        "flt = RecordFilter(kinds=frozenset({Contact.kind.value}))",
        "if isinstance(value, Label): pass",
        'if self.kind == "commitment": pass',
        "spec = type_of(record)",
        "if isinstance(record, model): pass",
    ],
)
def test_rule_lets_records_be_built_and_asked_for(source: str) -> None:
    assert branches(source) == []
