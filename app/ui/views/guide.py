"""The guidance library: cards by kind, search as you type, bookmarks, recently read."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.errors import AppError
from app.services.guidance import Card, CardKind
from app.ui.components.cards import card_tile, empty_note, hit_tile
from app.ui.components.widgets import (
    field,
    icon_action,
    note,
    primary,
    secondary,
    section_title,
)
from app.ui.host import Host
from app.ui.messages import t, tn
from app.ui.theme import GAP
from app.ui.views.guide_nav import GuideScreen, card_route, kind_name

__all__ = ["LibraryScreen", "SavedScreen", "bookmarks_screen", "recent_screen"]

# Field use first: what to do, how to argue it, then the groundwork and the actors.
KIND_ORDER = (CardKind.METHOD, CardKind.APPROACH, CardKind.FOUNDATION, CardKind.ACTOR)


class LibraryScreen(GuideScreen):
    """Every card grouped by kind; typing in the search box narrows it at once."""

    def __init__(self, shell: Host, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        self.library = self.services.guidance.library
        self.search = field(
            t("guide.search"), shell.state.guide.query, on_change=self._changed
        )
        self.search.prefix_icon = ft.Icons.SEARCH
        self.search.suffix_icon = icon_action(
            ft.Icons.CLEAR, t("guide.clear_search"), shell.on(self._clear)
        )
        self.content = ft.Column(
            spacing=GAP, horizontal_alignment=ft.CrossAxisAlignment.STRETCH
        )
        self._fill()

    def title(self) -> str:
        """Library title."""
        return t("guide.title")

    def actions(self) -> list[ft.Control]:
        """Bookmarks, one tap from anywhere in the library."""
        return [
            icon_action(
                ft.Icons.BOOKMARKS,
                t("guide.bookmarks"),
                self.opener("/guide/bookmarks"),
            )
        ]

    def build(self) -> ft.View:
        """The library is the root of the guide: Back has nowhere to retrace."""
        self.trail.clear()
        return super().build()

    def body(self) -> list[ft.Control]:
        """Search box on top, then either the results or the browsing list."""
        return [self.search, self.content]

    def _changed(self, _: Any) -> None:
        try:
            self.shell.state.guide.query = self.search.value or ""
            self._fill()
        except AppError as err:
            self.shell.fail(err)

    def _clear(self, _: Any) -> None:
        self.search.value = ""
        self.shell.state.guide.query = ""
        self._fill()

    def _fill(self) -> None:
        query = (self.search.value or "").strip()
        self.content.controls = self._results(query) if query else self._browse()

    def _results(self, query: str) -> list[ft.Control]:
        hits = self.library.search(query)
        if not hits:
            return [note(t("guide.no_results"))]
        rows: list[ft.Control] = [note(tn("guide.results", len(hits)))]
        rows.extend(
            hit_tile(hit, kind_name(hit.kind), self.opener(card_route(hit.card_id)))
            for hit in hits
        )
        return [ft.Column(rows, spacing=0)]

    def _browse(self) -> list[ft.Control]:
        controls: list[ft.Control] = [
            ft.Row(
                [
                    primary(
                        t("guide.pick"),
                        self.opener("/guide/pick"),
                        icon=ft.Icons.ALT_ROUTE,
                    )
                ]
            ),
            ft.Row(
                [
                    secondary(
                        t("guide.bookmarks"),
                        self.opener("/guide/bookmarks"),
                        icon=ft.Icons.BOOKMARKS,
                    ),
                    secondary(
                        t("guide.recent"),
                        self.opener("/guide/recent"),
                        icon=ft.Icons.HISTORY,
                    ),
                ],
                wrap=True,
                spacing=GAP,
                run_spacing=8,
            ),
        ]
        labels = dict(self.library.kinds())
        for kind in KIND_ORDER:
            controls.append(section_title(labels.get(kind, kind_name(kind))))
            controls.append(self._list(self.library.cards(kind)))
        return controls

    def _list(self, cards: list[Card]) -> ft.Control:
        return ft.Column(
            [card_tile(card, self.opener(card_route(card.id))) for card in cards],
            spacing=0,
        )


class SavedScreen(GuideScreen):
    """The reader's bookmarks, or the cards read lately."""

    def __init__(self, shell: Host, params: dict[str, str], *, which: str) -> None:
        super().__init__(shell, params)
        self.which = which

    def title(self) -> str:
        """Bookmarks or Recently read."""
        return t(f"guide.{self.which}")

    def body(self) -> list[ft.Control]:
        """The cards, newest first, or a line saying there are none yet."""
        guidance = self.services.guidance
        cards = guidance.bookmarks() if self.which == "bookmarks" else guidance.recent()
        if not cards:
            return [empty_note(f"guide.no_{self.which}")]
        return [
            ft.Column(
                [card_tile(card, self.opener(card_route(card.id))) for card in cards],
                spacing=0,
            )
        ]


def bookmarks_screen(shell: Host, params: dict[str, str]) -> SavedScreen:
    """The ``/guide/bookmarks`` route."""
    return SavedScreen(shell, params, which="bookmarks")


def recent_screen(shell: Host, params: dict[str, str]) -> SavedScreen:
    """The ``/guide/recent`` route."""
    return SavedScreen(shell, params, which="recent")
