"""Locations: a screen's path plus what it shows. Only the path reaches the URL.

``/record?id=…`` is a location: the shell keeps it in the session (its back
stack, drafts, the guide's trail) and puts ``/record`` in the address bar and the
browser history, so neither names a record.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode

__all__ = ["location", "path_of", "split"]


def location(path: str, params: Mapping[str, str] | None = None) -> str:
    """A path with the parameters of what it shows."""
    query = urlencode(sorted((params or {}).items()))
    return f"{path}?{query}" if query else path


def split(where: str) -> tuple[str, dict[str, str]]:
    """The path and the parameters of a location."""
    path, _, query = where.partition("?")
    return path.rstrip("/") or "/", dict(parse_qsl(query))


def path_of(where: str) -> str:
    """Just the path: what the address bar may show."""
    return split(where)[0]
