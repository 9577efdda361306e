"""One Flet session (one browser tab): its own unlocked services, routing and locking.

Keys never outlive the session that unlocked them: each session builds its own
:class:`~app.services.Services` through the shared :class:`~app.services.VaultGate`.
Locking (the lock control, hiding the app, idling, disconnecting) first keeps the
form on screen as an encrypted draft, then closes the store and drops every view.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import flet as ft

from app.errors import AppError, StoreLocked
from app.services import Services, VaultGate
from app.settings import Settings
from app.ui.feedback import Feedback
from app.ui.messages import t
from app.ui.routes import TABS, Routes
from app.ui.screen import FormScreen, Screen
from app.ui.syncbridge import attach_sync
from app.ui.theme import apply_theme

__all__ = ["Shell"]

log = logging.getLogger("parley.ui")

_LOCKING_STATES = {
    ft.AppLifecycleState.HIDE,
    ft.AppLifecycleState.PAUSE,
    ft.AppLifecycleState.DETACH,
}
_WAKING_STATES = {ft.AppLifecycleState.SHOW, ft.AppLifecycleState.RESUME}


_VIEW_PARTS = (
    "route",
    "controls",
    "appbar",
    "bottom_appbar",
    "navigation_bar",
    "floating_action_button",
    "padding",
    "can_pop",
    "on_confirm_pop",
)


def _refill(target: ft.View, source: ft.View) -> ft.View:
    for part in _VIEW_PARTS:
        setattr(target, part, getattr(source, part))
    return target


class Shell(Feedback):
    """Routing, locking, drafts and feedback for one session."""

    def __init__(
        self,
        page: ft.Page,
        *,
        gate: VaultGate,
        settings: Settings,
        routes: Routes,
        clock: Callable[[], float] = time.monotonic,
        tick_s: float | None = 1.0,
    ) -> None:
        self.page = page
        self.gate = gate
        self.settings = settings
        self.routes = routes
        self._clock = clock
        self._tick_s = tick_s
        self._services: Services | None = None
        self.screen: Screen | None = None
        self._shown = ""
        self._last_touch = clock()
        self._idle_s = settings.idle_timeout_s
        self._saved_draft: dict[str, Any] | None = None
        self._closed = False
        # A screen was drawn before the session's records were loaded: redraw it
        # once they are.
        self._awaiting_records = False
        self._stop_records: Callable[[], None] | None = None
        #: UI-only state of this unlocked session (filters...), dropped on lock
        self.state: dict[str, Any] = {}
        #: set by the guidance feature: opens a card by id (``method-direct_dialogue``)
        self.open_card: Callable[[str], None] | None = None

    # -- start ---------------------------------------------------------------------

    def start(self) -> None:
        """Wire page events, show the first screen, start the idle clock."""
        apply_theme(self.page)
        self.page.title = t("app.title")
        self.page.on_route_change = self._on_route_change
        self.page.on_view_pop = self._on_view_pop
        self.page.on_app_lifecycle_state_change = self._on_lifecycle
        self.page.on_disconnect = self._on_disconnect
        self.page.on_close = self._on_close
        self._watch_activity()
        self.render(self.page.route or "/")
        if self._tick_s:
            self.page.run_task(self._ticker)

    def _watch_activity(self) -> None:
        # Every event the client sends (tap, typing, scrolling...) is activity.
        session = self.page.session
        original = session.dispatch_event

        async def dispatch(control_id: int, name: str, data: Any) -> None:
            self.touch()
            await original(control_id, name, data)

        session.dispatch_event = dispatch  # type: ignore[assignment, method-assign]

    # -- services ------------------------------------------------------------------

    @property
    def unlocked(self) -> bool:
        """True while this session holds an open vault."""
        return self._services is not None and self._services.is_open

    @property
    def services(self) -> Services:
        """This session's services.

        Raises:
            StoreLocked: when the session is locked.
        """
        if self._services is None:
            raise StoreLocked()
        return self._services

    def opened(self, services: Services) -> None:
        """Called by the unlock screen: keep the services, go back to work."""
        self._services = services
        self._stop_records = services.on_records_changed(self._records_changed)
        attach_sync(self, services, refresh_s=30.0 if self._tick_s else None)
        self._idle_s = services.preferences.idle_timeout_s()
        self.touch()
        # The form on screen at the lock shows its own "restored" banner.
        draft = services.drafts.take_resume()
        route = draft.route if draft else self.page.route
        if not route or route.startswith("/unlock"):
            route = "/"
        self.go(route)

    @property
    def records_ready(self) -> bool:
        """True once the session's records are loaded. When False, the screen on
        display is redrawn by itself as soon as they are."""
        services = self._services
        if services is None:
            return False
        if services.ready:
            return True
        self._awaiting_records = True
        return services.ready  # loaded meanwhile: the redraw is not needed

    def _records_changed(self) -> None:
        """Any thread: the records were loaded, or changed."""
        if not self._awaiting_records:
            return

        async def redraw() -> None:
            services = self._services
            if self._awaiting_records and services is not None and services.ready:
                self._awaiting_records = False
                self.render(self._shown or "/")

        try:
            self.page.run_task(redraw)
        except RuntimeError:  # the session's loop is gone (tab closed)
            return

    def set_idle_timeout(self, seconds: int) -> None:
        """Apply a new auto-lock delay at once."""
        self._idle_s = seconds

    # -- navigation ----------------------------------------------------------------

    def go(self, route: str) -> None:
        """Show ``route`` now and put it in the address bar / back stack."""
        self.render(route)
        self.page.navigate(route)

    def refresh(self) -> None:
        """Rebuild the current screen from the vault."""
        self.render(self._shown or "/", keep_draft=False)

    def _on_route_change(self, e: ft.RouteChangeEvent) -> None:
        if e.route != self._shown:
            self.render(e.route)

    async def _on_view_pop(self, e: ft.ViewPopEvent) -> None:
        screen = self.screen
        self.go(screen.parent_route if screen and screen.parent_route else "/")

    def render(self, route: str, *, keep_draft: bool = True) -> None:
        """Build the views for ``route`` (or the unlock screen when locked)."""
        if keep_draft:
            self.autosave()
        self._saved_draft = None
        if not self.unlocked:
            from app.ui.views.unlock import lock_screen

            self._show([lock_screen(self)], route)
            return
        found = self.routes.resolve(route) or self.routes.resolve("/")
        assert found is not None
        spec, params = found
        if spec.records and not self.records_ready:
            from app.ui.views.loading import loading_screen

            self.screen = None
            self._show([loading_screen(self, route)], route)
            return
        screen = spec.screen(self, params)
        screen.route, screen.tab = route, spec.tab
        below = self.routes.parent_of(spec, params)
        # One view at a time: Back is our own button (and the system back is
        # intercepted), because popping a stacked view costs Flet's web client
        # ~0.7 s, against ~0.2 s for refilling the view already on screen.
        screen.parent_route = below[1] if below else None
        self.screen = screen
        self._show([screen.build()], route)

    def _show(self, views: list[ft.View], route: str) -> None:
        self._shown = route
        kept = list(self.page.views)
        for index, view in enumerate(views):
            if index < len(kept) and (index == 0 or kept[index].route == view.route):
                # Refill the view already on screen instead of swapping in a new one:
                # Flutter then updates a page it has, rather than building a new
                # route (several hundred ms on a slow device).
                views[index] = _refill(kept[index], view)
        self.page.views.clear()
        self.page.views.extend(views)
        self.page.update()

    def nav_bar(self, selected: int) -> ft.NavigationBar:
        """The bottom navigation of top-level screens."""

        def change(e: ft.Event[ft.NavigationBar]) -> None:
            index = e.control.selected_index or 0
            self.go(TABS[index][0])

        return ft.NavigationBar(
            selected_index=selected,
            destinations=[
                ft.NavigationBarDestination(icon=getattr(ft.Icons, icon), label=t(key))
                for _, key, icon in TABS
            ],
            on_change=self.on(change),
        )

    # -- locking -------------------------------------------------------------------

    def touch(self) -> None:
        """Note user activity (resets the idle clock)."""
        self._last_touch = self._clock()

    def lock_now(self, _: Any = None) -> None:
        """The lock control."""
        self.lock()

    def lock(self) -> None:
        """Keep the form as a draft, drop the keys, clear every decrypted view."""
        services, self._services = self._services, None
        if services is None:
            return
        screen, self.screen = self.screen, None
        self.state.clear()
        self._awaiting_records = False
        if self._stop_records is not None:
            self._stop_records()
            self._stop_records = None
        try:
            key = self._keep_draft(services, screen)
            services.drafts.mark_resume(key)
        except AppError as err:
            log.warning("draft not kept on lock: %s", err.code)
        finally:
            services.close()
        while self.page.pop_dialog() is not None:
            pass
        self.render(self._shown or "/", keep_draft=False)

    def _keep_draft(self, services: Services, screen: Screen | None) -> str | None:
        if not isinstance(screen, FormScreen):
            return None
        values = screen.draft_values()
        if values is None:
            return None
        services.drafts.save(
            key=screen.draft_key(),
            route=screen.route,
            form=screen.form_name,
            values=values,
        )
        return screen.draft_key()

    def autosave(self) -> None:
        """Keep the current form's typed values as a draft when they changed."""
        screen = self.screen
        if not self.unlocked or not isinstance(screen, FormScreen):
            return
        try:
            values = screen.draft_values()
            if values is not None and values != self._saved_draft:
                self._keep_draft(self.services, screen)
                self._saved_draft = values
        except AppError as err:
            log.warning("draft not kept: %s", err.code)

    def tick(self) -> None:
        """Once a second: lock when idle too long, else keep the draft fresh."""
        if not self.unlocked:
            return
        if self._clock() - self._last_touch >= self._idle_s:
            self.lock()
        else:
            self.autosave()

    async def _ticker(self) -> None:
        assert self._tick_s is not None
        while not self._closed:
            await asyncio.sleep(self._tick_s)
            self.tick()

    def _on_lifecycle(self, e: ft.AppLifecycleStateChangeEvent) -> None:
        if e.state in _LOCKING_STATES:
            self.lock()
        elif e.state in _WAKING_STATES and self._services is not None:
            self._services.sync.set_foreground(True)  # back in view: sync now

    def _on_disconnect(self, _: Any) -> None:
        self.lock()

    def _on_close(self, _: Any) -> None:
        self._closed = True
        self.lock()
