"""Android's back button, on every screen: the view-pop events go to the parent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from harness import Tab

from app.services import ActorForm, ContactForm
from app.ui.assembly import default_routes

Unlocked = Callable[[], Awaitable[Tab]]


def _shell(tab: Tab) -> Any:
    return tab.page.on_route_change.__self__  # type: ignore[union-attr]


def _params(shell: Any) -> dict[str, dict[str, str]]:
    """What each screen that shows something is given."""
    services = shell.services
    contact = services.contacts.save(ContactForm(on="2026-11-30", notes="Met"))
    log = services.checkpoints.quick_save(
        outcome="passed", observed_at=dt.datetime.now().astimezone()
    )
    actor = services.actors.save(ActorForm(name="Northern Brigade"))
    place = services.places.find_or_create("North gate")
    return {
        "/log/edit": {"id": log},
        "/contact/edit": {"id": contact},
        "/record": {"id": contact},
        "/teams/record": {"id": contact},
        "/actor": {"id": actor},
        "/actor/edit": {"id": actor},
        "/place/edit": {"id": place},
        "/guide/card": {"card": "method-direct_dialogue"},
        "/coord/cell": {"actor": actor, "team": "north"},
        "/coord/cell/record": {"id": contact, "actor": actor, "team": "north"},
        "/coord/actor": {"actor": actor},
        "/coord/actor/record": {"id": contact, "actor": actor},
        "/coord/alerts/record": {"id": contact},
    }


async def test_system_back_on_every_screen_with_a_parent_goes_to_the_parent(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    shell = _shell(tab)
    given = _params(shell)
    routes = default_routes().routes.values()
    checked = []
    for route in routes:
        if route.parent is None:
            continue
        shell.go(route.path, **given.get(route.path, {}))
        await tab.settle()
        assert tab.route == route.path, route.path
        view = tab.page.views[-1]
        assert view.can_pop is False  # the app decides, not the OS
        await tab.session.dispatch_event(view._i, "confirm_pop", None)
        await tab.settle()
        assert tab.route == route.parent, (route.path, tab.route)
        checked.append(route.path)
    assert len(checked) >= 20


async def test_system_back_on_a_top_level_screen_goes_home(unlocked: Unlocked) -> None:
    tab = await unlocked()
    shell = _shell(tab)
    for path in ("/records", "/actors", "/settings", "/guide"):
        shell.go(path)
        await tab.settle()
        view = tab.page.views[-1]
        assert view.can_pop is True
        await tab.session.dispatch_event(
            tab.page._i, "view_pop", {"route": path, "view_id": view._i}
        )
        await tab.settle()
        assert tab.route == "/", path
