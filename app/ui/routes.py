"""Routes: plain paths naming screens, and what each needs to be shown.

What a screen shows (a record's id) is a parameter of its location
(:mod:`app.ui.where`), never part of the path, so the URL and the browser history
name no record. The route table itself is built where the UI is assembled
(:mod:`app.ui.assembly`): this module knows no screen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.ui.screen import ScreenFactory
from app.ui.where import location, split

__all__ = ["Route", "Routes"]


@dataclass(frozen=True, slots=True)
class Route:
    """A screen at a path.

    ``needs`` are the parameters it cannot be shown without (``id``); ``parent``
    the path Back returns to (with the parameters that one needs); ``tab`` the
    bottom navigation destination of a top-level screen
    (:data:`app.ui.components.nav.TABS`); ``records`` False for screens that can
    be shown before the session's records are loaded.
    """

    path: str
    screen: ScreenFactory
    parent: str | None = None
    tab: int | None = None
    records: bool = True
    needs: tuple[str, ...] = ()


class Routes:
    """Find the screen of a location."""

    def __init__(self, routes: Sequence[Route]) -> None:
        self.routes = {route.path: route for route in routes}

    def resolve(self, where: str) -> tuple[Route, dict[str, str]] | None:
        """The route of ``where`` and the parameters it takes, or ``None`` (an
        unknown path, or a parameter it needs is missing)."""
        path, params = split(where)
        route = self.routes.get(path)
        if route is None or any(not params.get(name) for name in route.needs):
            return None
        return route, {name: params[name] for name in route.needs}

    def parent_of(self, route: Route, params: Mapping[str, str]) -> str | None:
        """The location shown under ``route`` (where Back goes), or ``None``."""
        parent = self.routes.get(route.parent) if route.parent else None
        if parent is None:
            return None
        kept = {name: params[name] for name in parent.needs if name in params}
        return location(parent.path, kept)
