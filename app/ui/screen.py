"""What every screen offers the shell: a view, and (for forms) a draft of the input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from app.services import Services
from app.ui.components.nav import nav_bar
from app.ui.components.widgets import icon_action
from app.ui.host import Host
from app.ui.messages import t
from app.ui.where import path_of

__all__ = ["FormScreen", "Screen", "ScreenFactory"]


class Screen:
    """One screen. ``build`` reads through services and returns a fresh view.

    Screens keep no decrypted data beyond their controls; when the app locks, the
    shell drops every view and screen object. A screen knows its session only as
    a :class:`~app.ui.host.Host`.
    """

    #: set by the shell: the location this screen shows (path and parameters)
    route: str = "/"
    #: index in the bottom navigation bar, for top-level screens
    tab: int | None = None
    #: the location Back returns to (set by the shell from the route table)
    parent_route: str | None = None

    def __init__(self, shell: Host, params: dict[str, str]) -> None:
        self.shell = shell
        self.params = params

    @property
    def services(self) -> Services:
        """The unlocked session's services (raises StoreLocked once locked)."""
        return self.shell.services

    def title(self) -> str:
        """The app-bar title."""
        return t("app.title")

    def body(self) -> list[ft.Control]:
        """The controls of the screen body."""
        raise NotImplementedError

    def actions(self) -> list[ft.Control]:
        """Extra app-bar actions (the lock control is always added)."""
        return []

    def build(self) -> ft.View:
        """A fresh view: app bar with the lock control, scrolling body, nav bar."""
        self.column = ft.Column(
            self.body(),
            # A key per route: the view on screen is refilled, not replaced, and
            # without it the new screen would inherit the old one's scroll offset.
            # A key per build too: a screen rebuilt on the same route whose body
            # matched the old one by key would have its controls frozen by Flet's
            # diff, and a later change to them (a sync status...) would raise.
            key=f"body:{path_of(self.route)}:{id(self)}",
            spacing=12,
            scroll=ft.ScrollMode.AUTO,
            expand=True,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )
        host = self.shell
        lock = icon_action(ft.Icons.LOCK, t("action.lock"), host.on(self._lock))
        back, parent = None, self.parent_route
        if parent is not None:
            back = icon_action(
                ft.Icons.ARROW_BACK,
                t("action.back"),
                host.on(lambda _: host.go(parent)),
            )
        return ft.View(
            route=path_of(self.route),
            appbar=ft.AppBar(
                leading=back,
                automatically_imply_leading=False,
                title=ft.Text(self.title(), size=20, weight=ft.FontWeight.W_600),
                actions=[*self.actions(), lock],
                bgcolor="#dfe9ee",
            ),
            controls=[self.column],
            navigation_bar=nav_bar(host, self.tab) if self.tab is not None else None,
            padding=ft.Padding.symmetric(horizontal=16, vertical=8),
            # The system back button goes to the parent screen, not out of the app.
            can_pop=parent is None,
            on_confirm_pop=host.on(self._system_back) if parent else None,
        )

    def _lock(self, _: Any) -> None:
        self.shell.lock()

    async def _system_back(self, e: ft.ControlEvent) -> None:
        view = e.control
        if isinstance(view, ft.View):
            await view.confirm_pop(False)
        if self.parent_route is not None:
            self.shell.go(self.parent_route)


#: What the route table holds: build the screen of a location's parameters.
ScreenFactory = Callable[[Host, dict[str, str]], Screen]


class FormScreen(Screen):
    """A screen whose typed values are kept as an encrypted draft.

    Subclasses set :attr:`form_name`, fill :meth:`values` and :meth:`load`, and
    compare against the values they started from.
    """

    form_name = "form"

    def __init__(self, shell: Host, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        self._initial: dict[str, Any] | None = None
        self.restored = False

    def draft_key(self) -> str:
        """Which draft slot this form uses (one per form and record)."""
        return f"{self.form_name}:{self.params.get('id', 'new')}"

    def values(self) -> dict[str, Any]:
        """The typed values, as plain data (str, list, dict)."""
        raise NotImplementedError

    def load(self, values: dict[str, Any]) -> None:
        """Put ``values`` (from the record or a draft) into the controls."""
        raise NotImplementedError

    def start(self, values: dict[str, Any]) -> None:
        """Load the record's values, then any draft on top of them."""
        self._initial = dict(values)
        draft = self.services.drafts.get(self.draft_key())
        if draft is not None and draft.values != values:
            self.restored = True
            values = {**values, **draft.values}
        self.load(values)

    def draft_values(self) -> dict[str, Any] | None:
        """Values worth keeping, or ``None`` when nothing changed."""
        current = self.values()
        return None if current == self._initial else current

    def saved(self) -> None:
        """Forget the draft after a successful save."""
        self.services.drafts.discard(self.draft_key())
        self._initial = self.values()
        self.restored = False

    def discard_draft(self) -> None:
        """Throw the draft away and show the record as stored."""
        self.services.drafts.discard(self.draft_key())
        self.shell.refresh()
