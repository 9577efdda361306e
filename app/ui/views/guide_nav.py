"""What the guide screens share: the way back, the contact being read for, card rows.

While the reader stays in the guide, two things are kept in the session's UI
state (dropped on lock, like every decrypted view):

* a trail of routes, so Back retraces the reader's steps (a related card, the
  picker's results, the contact form the reading started from);
* the contact form the reading started from (a :class:`ConsultTarget`), so a card
  can be marked as consulted on it.

Both are forgotten as soon as the reader goes anywhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import flet as ft

from app.services.guidance import Card, ConsultTarget, Hit
from app.ui.messages import t
from app.ui.screen import Screen
from app.ui.theme import TEXT, TEXT_SMALL

if TYPE_CHECKING:
    from app.ui.shell import Shell

__all__ = [
    "GuideScreen",
    "card_route",
    "card_tile",
    "text_tile",
    "consult_target",
    "empty_note",
    "hit_tile",
    "install",
    "returned_from_guide",
]

CONSULT = "guide.consult"
TRAIL = "guide.trail"
TRAIL_LIMIT = 50
MARK_BG = "#ffe08a"  # matched words: bold on a yellow ground, legible in sunlight


def card_route(card_id: str) -> str:
    """The reading view of one card."""
    return f"/guide/{card_id}"


def install(shell: Shell) -> None:
    """Wire the shell's ``open_card`` hook (a contact form's method chips use it)."""

    def open_card(card_id: str) -> None:
        screen = shell.screen
        maker = getattr(screen, "consult_target", None)
        shell.state[TRAIL] = [screen.route] if screen is not None else []
        if callable(maker):
            shell.state[CONSULT] = maker()
        else:
            shell.state.pop(CONSULT, None)
        shell.go(card_route(card_id))

    shell.open_card = open_card


def consult_target(shell: Shell) -> ConsultTarget | None:
    """The contact form the reader came from, while they stay in the guide."""
    found = shell.state.get(CONSULT)
    return found if isinstance(found, ConsultTarget) else None


def returned_from_guide(shell: Shell, draft_key: str) -> bool:
    """Called by a form: True when the reader comes back to it from the guide."""
    target = consult_target(shell)
    if target is None or target.draft_key != draft_key:
        return False
    shell.state.pop(CONSULT, None)
    shell.state.pop(TRAIL, None)
    return True


class GuideScreen(Screen):
    """A screen of the guide: keeps the trail and the consult target while inside."""

    def __init__(self, shell: Shell, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        came_from = shell.screen
        trail = shell.state.get(TRAIL) or []
        inside = isinstance(came_from, GuideScreen) or (
            came_from is not None and trail[-1:] == [came_from.route]
        )
        if not inside:
            shell.state.pop(CONSULT, None)
            shell.state.pop(TRAIL, None)

    @property
    def trail(self) -> list[str]:
        """Routes to go back through; Back goes to the last one."""
        found = self.shell.state.setdefault(TRAIL, [])
        assert isinstance(found, list)
        return found

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
        trail = self.trail
        trail.append(self.route)
        del trail[:-TRAIL_LIMIT]
        self.shell.go(route)

    def opener(self, route: str) -> Callable[[Any], None]:
        """A click handler that opens ``route`` (wrapped by the error boundary)."""
        return self.shell.on(lambda _: self.open(route))


def card_tile(card: Card, on_click: Callable[[Any], Any]) -> ft.Control:
    """One card in a list: its title and one-line summary, the whole row a target."""
    return text_tile(card.title, card.summary, on_click)


def text_tile(title: str, line: str, on_click: Callable[[Any], Any]) -> ft.Control:
    """A row that opens a card: a title and one line under it."""
    return _tile(
        [
            ft.Text(title, size=TEXT, weight=ft.FontWeight.W_600),
            ft.Text(line, size=TEXT_SMALL, color="#333333"),
        ],
        on_click,
    )


def hit_tile(hit: Hit, kind: str, on_click: Callable[[Any], Any]) -> ft.Control:
    """A search result: title and snippet with the matched words emphasised."""
    return _tile(
        [
            ft.Text(
                spans=_marked(hit.title, hit.title_marks),
                size=TEXT,
                weight=ft.FontWeight.W_600,
            ),
            ft.Text(kind, size=13, color="#3a3a3a"),
            ft.Text(spans=_marked(hit.snippet, hit.marks), size=TEXT_SMALL),
        ],
        on_click,
    )


def _tile(lines: list[ft.Control], on_click: Callable[[Any], Any]) -> ft.Control:
    return ft.Container(
        content=ft.Row(
            [
                ft.Column(lines, spacing=2, expand=True),
                ft.Icon(ft.Icons.CHEVRON_RIGHT, size=24, color="#555555"),
            ]
        ),
        on_click=on_click,
        padding=ft.Padding.symmetric(vertical=10, horizontal=4),
        border=ft.Border.only(bottom=ft.BorderSide(1, "#d0d0d0")),
        ink=True,
    )


def _marked(text: str, marks: Sequence[tuple[int, int]]) -> list[ft.TextSpan]:
    spans: list[ft.TextSpan] = []
    at = 0
    strong = ft.TextStyle(weight=ft.FontWeight.BOLD, bgcolor=MARK_BG)
    for start, end in sorted(marks):
        if start < at:
            continue
        if start > at:
            spans.append(ft.TextSpan(text[at:start]))
        spans.append(ft.TextSpan(text[start:end], style=strong))
        at = end
    if at < len(text):
        spans.append(ft.TextSpan(text[at:]))
    return spans


def empty_note(key: str) -> ft.Control:
    """One line saying a list is empty."""
    return ft.Text(t(key), size=TEXT_SMALL)
