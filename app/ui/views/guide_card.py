"""One guidance card, set for reading on a phone: sections, related cards, bookmark."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.services.guidance import Card, ConsultTarget
from app.ui.components.cards import card_tile
from app.ui.components.forms import save_bar
from app.ui.components.widgets import icon_action, note, primary
from app.ui.host import Host
from app.ui.messages import t
from app.ui.theme import TEXT
from app.ui.views.guide_nav import GuideScreen, card_route, consult_target, kind_name

__all__ = ["CardScreen", "markdown"]

INK = "#1a1a1a"
ACCENT = "#0b4f6c"
_BODY = ft.TextStyle(size=TEXT, height=1.45, color=INK)


def markdown(text: str) -> ft.Markdown:
    """Card Markdown (paragraphs, lists, bold) at phone reading size."""
    return ft.Markdown(
        value=text,
        md_style_sheet=ft.MarkdownStyleSheet(
            p_text_style=_BODY,
            strong_text_style=ft.TextStyle(weight=ft.FontWeight.W_700, color=INK),
            list_bullet_text_style=_BODY,
            block_spacing=10,
            list_indent=22,
        ),
        extension_set=ft.MarkdownExtensionSet.COMMON_MARK,
    )


def _heading(text: str) -> ft.Control:
    return ft.Semantics(
        header=True,
        content=ft.Container(
            content=ft.Text(text, size=20, weight=ft.FontWeight.BOLD, color=ACCENT),
            padding=ft.Padding.only(top=10),
        ),
    )


class CardScreen(GuideScreen):
    """Title, summary, sections, related cards; bookmark; mark consulted."""

    def __init__(self, shell: Host, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        guidance = self.services.guidance
        self.card: Card | None = guidance.read(params["card"])
        self.target: ConsultTarget | None = consult_target(shell)
        self.marked = bool(
            self.card
            and self.target
            and self.card.id in guidance.consulted(self.target)
        )
        self.bookmark_action = icon_action(
            ft.Icons.BOOKMARK_BORDER, "", self.shell.on(self._toggle_bookmark)
        )
        self._show_bookmark()

    def title(self) -> str:
        """What kind of card this is."""
        return kind_name(self.card.kind) if self.card else t("guide.title")

    def actions(self) -> list[ft.Control]:
        """The bookmark toggle."""
        return [self.bookmark_action] if self.card else []

    def body(self) -> list[ft.Control]:
        """The card, then the cards it links to."""
        card = self.card
        if card is None:
            return [note(t("guide.missing"))]
        controls: list[ft.Control] = [
            ft.Semantics(
                header=True,
                content=ft.Text(card.title, size=26, weight=ft.FontWeight.BOLD),
            ),
            ft.Text(card.summary, size=18, italic=True, color="#2b2b2b"),
        ]
        localized = self.services.guidance.library.localized(card.id)
        if localized is not None and localized.fallback:
            # Read in another language, this card is shown in the pack's base one.
            key = (
                "guide.outdated" if localized.reason == "outdated" else "guide.fallback"
            )
            controls.append(note(t(key)))
        if self.target is not None:
            controls.append(self._consult_note())
        if card.lead.strip():
            controls.append(markdown(card.lead))
        for heading, text in card.sections:
            controls.append(_heading(heading))
            controls.append(markdown(text))
        related = self.services.guidance.library.related(card.id)
        if related:
            controls.append(_heading(t("guide.related")))
            controls.append(
                ft.Column(
                    [card_tile(c, self.opener(card_route(c.id))) for c in related],
                    spacing=0,
                )
            )
        return controls

    def build(self) -> ft.View:
        """The mark-consulted action sits in the bottom bar, within thumb reach."""
        view = super().build()
        if self.card is not None and self.target is not None:
            view.bottom_appbar = save_bar(self._consult_button())
        return view

    # -- bookmark ------------------------------------------------------------------

    def _show_bookmark(self) -> None:
        on = bool(self.card) and self.services.guidance.reading.is_bookmarked(
            self.params["card"]
        )
        semantics = self.bookmark_action
        assert isinstance(semantics, ft.Semantics)
        semantics.label = t("guide.unbookmark" if on else "guide.bookmark")
        button = semantics.content
        assert isinstance(button, ft.IconButton)
        button.icon = ft.Icons.BOOKMARK if on else ft.Icons.BOOKMARK_BORDER
        button.icon_color = "#0b4f6c" if on else None

    def _toggle_bookmark(self, _: Any) -> None:
        on = self.services.guidance.reading.toggle_bookmark(self.params["card"])
        self._show_bookmark()
        self.shell.toast(t("guide.bookmarked" if on else "guide.unbookmarked"))

    # -- consulted on a contact ------------------------------------------------------

    def _consult_note(self) -> ft.Control:
        key = "guide.consulted_already" if self.marked else "guide.reading_for"
        return ft.Container(
            content=ft.Row(
                [
                    ft.Icon(ft.Icons.FORUM, color="#0b3d91"),
                    ft.Text(t(key), size=15, expand=True),
                ]
            ),
            bgcolor="#d6e4ff",
            border_radius=8,
            padding=10,
        )

    def _consult_button(self) -> ft.Control:
        if self.marked:
            return primary(
                t("guide.back_to_contact"),
                self.shell.on(self._back_to_contact),
                icon=ft.Icons.ARROW_BACK,
            )
        return primary(
            t("guide.consult"), self.shell.on(self._mark), icon=ft.Icons.TASK_ALT
        )

    def _mark(self, _: Any) -> None:
        assert self.card is not None and self.target is not None
        self.services.guidance.mark_consulted(self.target, self.card.id)
        self.shell.go(self.target.route)
        self.shell.toast(t("guide.consulted_toast", title=self.card.title))

    def _back_to_contact(self, _: Any) -> None:
        assert self.target is not None
        self.shell.go(self.target.route)
