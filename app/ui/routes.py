"""The route table: one screen per line. Add a line to add a screen.

``parent`` is the route shown underneath (what Back returns to); ``tab`` selects
the bottom navigation destination for top-level screens; ``records`` is False for
screens that can be shown before the session's records are loaded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.ui.screen import Screen

if TYPE_CHECKING:
    from app.ui.shell import Shell

__all__ = ["TABS", "Route", "Routes", "default_routes"]

ScreenFactory = Callable[["Shell", dict[str, str]], Screen]

# Bottom navigation: (route, label key, icon name). The index is the ``tab``.
TABS: tuple[tuple[str, str, str], ...] = (
    ("/", "nav.home", "HOME"),
    ("/records", "nav.records", "LIST_ALT"),
    ("/actors", "nav.actors", "GROUPS"),
    ("/settings", "nav.settings", "SETTINGS"),
    ("/guide", "nav.guide", "MENU_BOOK"),
)


@dataclass(frozen=True, slots=True)
class Route:
    """A path pattern (``/actor/{id}``), its screen, and the route under it."""

    pattern: str
    screen: ScreenFactory
    parent: str | None = None
    tab: int | None = None
    records: bool = True

    def match(self, path: str) -> dict[str, str] | None:
        """The parameters when ``path`` fits the pattern, else ``None``."""
        regex = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.pattern) + "$"
        found = re.match(regex, path)
        return found.groupdict() if found else None

    def fill(self, params: dict[str, str]) -> str:
        """This route's pattern with ``params`` filled in."""
        return re.sub(r"\{(\w+)\}", lambda m: params.get(m[1], ""), self.pattern)


class Routes:
    """Resolve paths to screens."""

    def __init__(self, routes: Sequence[Route]) -> None:
        self.routes = list(routes)

    def resolve(self, path: str) -> tuple[Route, dict[str, str]] | None:
        """The first route matching ``path`` (query string ignored)."""
        clean = path.split("?", 1)[0].rstrip("/") or "/"
        for route in self.routes:
            params = route.match(clean)
            if params is not None:
                return route, params
        return None

    def parent_of(
        self, route: Route, params: dict[str, str]
    ) -> tuple[Route, str] | None:
        """The route shown under ``route`` and its filled path."""
        if route.parent is None:
            return None
        path = Route(route.parent, route.screen).fill(params)
        found = self.resolve(path)
        return (found[0], path) if found else None


def default_routes() -> Routes:
    """Every screen of the field app."""
    from app.ui.views import (
        actors,
        checkpoint,
        contact,
        guide,
        guide_card,
        guide_pick,
        home,
        hub,
        places,
        records,
        settings,
        sync,
        teams,
    )

    return Routes(
        [
            Route("/", home.HomeScreen, tab=0, records=False),
            Route("/log/quick", checkpoint.QuickLogScreen, parent="/"),
            Route("/log/new", checkpoint.CheckpointScreen, parent="/"),
            Route("/log/{id}", checkpoint.CheckpointScreen, parent="/records"),
            Route("/contact/new", contact.ContactScreen, parent="/"),
            Route("/contact/plan", contact.plan_contact, parent="/"),
            Route("/contact/{id}", contact.ContactScreen, parent="/records"),
            Route("/records", records.RecordsScreen, tab=1),
            Route("/record/{id}", records.RecordScreen, parent="/records"),
            Route("/actors", actors.ActorsScreen, tab=2),
            Route("/actor/new", actors.ActorFormScreen, parent="/actors"),
            Route("/actor/{id}", actors.ActorScreen, parent="/actors"),
            Route("/actor/{id}/edit", actors.ActorFormScreen, parent="/actor/{id}"),
            Route("/places", places.PlacesScreen, parent="/actors"),
            Route("/place/new", places.PlaceFormScreen, parent="/places"),
            Route("/place/{id}", places.PlaceFormScreen, parent="/places"),
            Route("/settings", settings.SettingsScreen, tab=3, records=False),
            Route("/guide", guide.LibraryScreen, tab=4, records=False),
            Route(
                "/guide/pick", guide_pick.PickerScreen, parent="/guide", records=False
            ),
            Route(
                "/guide/bookmarks",
                guide.bookmarks_screen,
                parent="/guide",
                records=False,
            ),
            Route("/guide/recent", guide.recent_screen, parent="/guide", records=False),
            Route(
                "/guide/{card_id}",
                guide_card.CardScreen,
                parent="/guide",
                records=False,
            ),
            Route("/hub", hub.HubScreen, parent="/settings", records=False),
            Route("/sync", sync.SyncScreen, parent="/", records=False),
            Route("/teams", teams.TeamsScreen, parent="/sync"),
            Route("/teams/{id}", records.RecordScreen, parent="/teams"),
        ]
    )
