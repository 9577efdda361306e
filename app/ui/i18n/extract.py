"""Babel extractor for ``catalog_en.py``: its ``TEXT`` and ``ENUMS`` as messages.

``pybabel extract -F pyproject.toml`` (``make catalogs``) calls :func:`extract`;
it reads the file's source (it does not import it) and yields ``pgettext`` and
``npgettext`` calls, so every message carries its key as context.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from app.ui.i18n.entries import ONE, entries, enum_key

__all__ = ["extract"]

Extracted = tuple[int, str, tuple[str, ...], list[str]]


def extract(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """The messages of a catalog module, with their line numbers."""
    tree = ast.parse(fileobj.read())
    found: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for node in ast.walk(tree):
        target, value = _assignment(node)
        if target in ("TEXT", "ENUMS") and isinstance(value, ast.Dict):
            found[target] = ast.literal_eval(value)
            lines |= _key_lines(target, value)
    for entry in entries(text=found.get("TEXT", {}), enums=found.get("ENUMS", {})):
        line = lines.get(entry.key, lines.get(entry.key + ONE, 0))
        if entry.plural is None:
            yield line, "pgettext", (entry.key, entry.text), []
        else:
            yield line, "npgettext", (entry.key, entry.text, entry.plural), []


def _assignment(node: ast.AST) -> tuple[str | None, ast.expr | None]:
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id, node.value
    if (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
    ):
        return node.targets[0].id, node.value
    return None, None


def _key_lines(target: str, value: ast.Dict) -> dict[str, int]:
    lines: dict[str, int] = {}
    for key, inner in zip(value.keys, value.values, strict=True):
        if not isinstance(key, ast.Constant):
            continue
        if target == "TEXT":
            lines[str(key.value)] = key.lineno
        elif isinstance(inner, ast.Dict):
            for label in inner.keys:
                if isinstance(label, ast.Constant):
                    lines[enum_key(str(key.value), str(label.value))] = label.lineno
    return lines
