"""Where the UI is put together: the route table, and ``main(page)`` per session.

The only module that knows every screen. Screens know the session only as a
:class:`~app.ui.host.Host`, and the shell knows screens only through this table.
To add a screen: write it in ``app/ui/views/`` (a :class:`~app.ui.screen.Screen`
subclass, or a function returning one) and add one :class:`Route` line below.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from app.services import VaultGate
from app.settings import Settings
from app.ui.messages import Language
from app.ui.routes import Route, Routes
from app.ui.screen import ScreenFactory
from app.ui.shell import Shell
from app.ui.views import (
    actors,
    checkpoint,
    contact,
    coord,
    coord_actor,
    coord_alerts,
    coord_duplicates,
    coord_reports,
    guide,
    guide_card,
    guide_pick,
    home,
    hub,
    loading,
    outbox,
    places,
    records,
    settings,
    sync,
    teams,
    unlock,
)

__all__ = ["default_routes", "early", "make_main"]

ID = ("id",)


def default_routes() -> Routes:
    """Every screen of the field app. Paths only: what a screen shows is a
    parameter of its location, never part of the URL."""
    screens = [
        Route("/", home.HomeScreen, tab=0, records=False),
        Route("/log/quick", checkpoint.QuickLogScreen, parent="/"),
        Route("/log/new", checkpoint.CheckpointScreen, parent="/"),
        Route("/log/edit", checkpoint.CheckpointScreen, parent="/records", needs=ID),
        Route("/contact/new", contact.ContactScreen, parent="/"),
        Route("/contact/plan", contact.plan_contact, parent="/"),
        Route("/contact/edit", contact.ContactScreen, parent="/records", needs=ID),
        Route("/records", records.RecordsScreen, tab=1),
        Route("/record", records.RecordScreen, parent="/records", needs=ID),
        Route("/actors", actors.ActorsScreen, tab=2),
        Route("/actor/new", actors.ActorFormScreen, parent="/actors"),
        Route("/actor", actors.ActorScreen, parent="/actors", needs=ID),
        Route("/actor/edit", actors.ActorFormScreen, parent="/actor", needs=ID),
        Route("/places", places.PlacesScreen, parent="/actors"),
        Route("/place/new", places.PlaceFormScreen, parent="/places"),
        Route("/place/edit", places.PlaceFormScreen, parent="/places", needs=ID),
        Route("/teams", teams.TeamsScreen, parent="/sync"),
        Route("/outbox", outbox.OutboxScreen, parent="/sync"),
        Route("/teams/record", records.RecordScreen, parent="/teams", needs=ID),
        *coordination_routes(),
    ]
    # Screens that work before the session's records are loaded.
    at_once = [
        early("/settings", settings.SettingsScreen, tab=3),
        early("/guide", guide.LibraryScreen, tab=4),
        early("/guide/pick", guide_pick.PickerScreen, parent="/guide"),
        early("/guide/bookmarks", guide.bookmarks_screen, parent="/guide"),
        early("/guide/recent", guide.recent_screen, parent="/guide"),
        early("/guide/card", guide_card.CardScreen, parent="/guide", needs=("card",)),
        early("/hub", hub.HubScreen, parent="/settings"),
        early("/sync", sync.SyncScreen, parent="/"),
    ]
    return Routes([*screens, *at_once])


def coordination_routes() -> list[Route]:
    """The coordinator's screens (a field device's navigation does not show them)."""
    cell, actor = ("actor", "team"), ("actor",)
    return [
        Route("/coord", coord.OverviewScreen, tab=5),
        Route("/coord/cell", coord.CellScreen, parent="/coord", needs=cell),
        Route(
            "/coord/cell/record",
            records.RecordScreen,
            parent="/coord/cell",
            needs=("id", *cell),
        ),
        Route("/coord/actor", coord_actor.ProfileScreen, parent="/coord", needs=actor),
        Route(
            "/coord/actor/record",
            records.RecordScreen,
            parent="/coord/actor",
            needs=("id", *actor),
        ),
        Route("/coord/duplicates", coord_duplicates.DuplicatesScreen, parent="/coord"),
        Route("/coord/alerts", coord_alerts.AlertsScreen, parent="/coord"),
        Route(
            "/coord/alerts/record",
            records.RecordScreen,
            parent="/coord/alerts",
            needs=ID,
        ),
        Route("/coord/access", coord_reports.AccessScreen, parent="/coord"),
        Route("/coord/export", coord_reports.ExportScreen, parent="/coord"),
    ]


def early(path: str, screen: ScreenFactory, **more: Any) -> Route:
    """A route whose screen needs none of the session's records."""
    return Route(path, screen, records=False, **more)


def make_main(
    gate: VaultGate,
    settings: Settings,
    *,
    routes: Routes | None = None,
    language: Language | None = None,
    tick_s: float | None = 1.0,
) -> Callable[[ft.Page], None]:
    """The ``main(page)`` Flet calls once per session (each browser tab).

    ``tick_s`` is the idle-clock period; tests pass ``None`` and drive
    :meth:`Shell.tick` themselves. ``language`` is the one new sessions start in.
    """
    table = routes or default_routes()

    def main(page: ft.Page) -> None:
        Shell(
            page,
            gate=gate,
            settings=settings,
            routes=table,
            lock_view=unlock.lock_screen,
            loading_view=loading.loading_screen,
            language=language,
            tick_s=tick_s,
        ).start()

    return main
