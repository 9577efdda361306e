"""What the guide screens share: the way back, and the contact being read for.

While the reader stays in the guide, the session's typed UI state
(:class:`~app.ui.state.GuideState`, dropped on lock like every decrypted view)
keeps:

* a trail of locations, so Back retraces the reader's steps (a related card, the
  picker's results, the contact form the reading started from);
* the contact form the reading started from (a :class:`ConsultTarget`), so a card
  can be marked as consulted on it.

Both are forgotten as soon as the reader goes anywhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from app.services.guidance import CardKind, ConsultTarget
from app.ui.host import Host
from app.ui.messages import t
from app.ui.screen import Screen
from app.ui.where import location, path_of

__all__ = [
    "GuideScreen",
    "card_route",
    "consult_target",
    "kind_name",
    "open_card",
    "returned_from_guide",
]


def card_route(card_id: str) -> str:
    """The reading view of one card (the card is a parameter, never in the URL)."""
    return location("/guide/card", {"card": card_id})


def kind_name(kind: CardKind) -> str:
    """The singular name of a card kind ("Method")."""
    return t(f"guide.kind.{kind.value}")


def open_card(host: Host, card_id: str, *, target: ConsultTarget | None) -> None:
    """Open a card from outside the guide; Back returns to the screen on display,
    and ``target`` (a contact form) can then be marked as having consulted it."""
    guide = host.state.guide
    guide.trail = [host.shown] if host.shown else []
    guide.consult = target
    host.go(card_route(card_id))


def consult_target(host: Host) -> ConsultTarget | None:
    """The contact form the reader came from, while they stay in the guide."""
    return host.state.guide.consult


def returned_from_guide(host: Host, draft_key: str) -> bool:
    """Called by a form: True when the reader comes back to it from the guide."""
    guide = host.state.guide
    if guide.consult is None or guide.consult.draft_key != draft_key:
        return False
    guide.leave()
    return True


class GuideScreen(Screen):
    """A screen of the guide: keeps the trail and the consult target while inside."""

    def __init__(self, shell: Host, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        came_from, trail = shell.shown, shell.state.guide.trail
        inside = path_of(came_from).startswith("/guide") or (
            bool(came_from) and trail[-1:] == [came_from]
        )
        if not inside:
            shell.state.guide.leave()

    @property
    def trail(self) -> list[str]:
        """Locations to go back through; Back goes to the last one."""
        return self.shell.state.guide.trail

    def build(self) -> ft.View:
        """Back leads to where the reader came from, when they came from the guide."""
        trail = self.trail
        if trail and trail[-1] == self.route:
            trail.pop()
        if trail and self.tab is None:
            self.parent_route = trail[-1]
        return super().build()

    def open(self, route: str) -> None:
        """Go deeper into the guide; Back will return here."""
        self.shell.state.guide.push(self.route)
        self.shell.go(route)

    def opener(self, route: str) -> Callable[[Any], None]:
        """A click handler that opens ``route`` (wrapped by the error boundary)."""
        return self.shell.on(lambda _: self.open(route))
