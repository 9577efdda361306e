"""One Flet session (one browser tab): its own unlocked services, routing and locking.

Keys never outlive the session that unlocked them: each session builds its own
:class:`~app.services.Services` through the shared :class:`~app.services.VaultGate`.
Locking (the lock control, hiding the app, idling, disconnecting) first keeps the
form on screen as an encrypted draft, then closes the store and drops every view
and the session's UI state.

Screens see the shell only through :class:`~app.ui.host.Host`. Navigation works
with locations (a path and what it shows, :mod:`app.ui.where`); the address bar
and the browser history get the path alone, so they never name a record, and the
shell's own back stack turns the browser's Back into the location it left.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import flet as ft

from app.errors import AppError, StoreLocked
from app.services import Services, SyncStatus, VaultGate
from app.settings import Settings
from app.ui.feedback import Feedback
from app.ui.messages import LANGUAGES, Language, best_match, t, use_language
from app.ui.routes import Routes
from app.ui.screen import FormScreen, Screen
from app.ui.state import SessionState
from app.ui.syncbridge import SyncBridge
from app.ui.theme import apply_theme
from app.ui.where import location, path_of, split

__all__ = ["Shell", "ViewFactory"]

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
_HISTORY = 100
LANGUAGE_CODES = tuple(LANGUAGES)
#: Builds a view the shell shows outside the route table (lock, loading).
ViewFactory = Callable[["Shell", str], ft.View]


def _tag(locale: ft.Locale) -> str:
    return "-".join(p for p in (locale.language_code, locale.country_code) if p)


def _refill(target: ft.View, source: ft.View) -> ft.View:
    for part in _VIEW_PARTS:
        setattr(target, part, getattr(source, part))
    return target


class Shell(Feedback):
    """Routing, locking, drafts and feedback for one session (a :class:`Host`)."""

    def __init__(
        self,
        page: ft.Page,
        *,
        gate: VaultGate,
        settings: Settings,
        routes: Routes,
        lock_view: ViewFactory,
        loading_view: ViewFactory,
        language: Language | None = None,
        clock: Callable[[], float] = time.monotonic,
        tick_s: float | None = 1.0,
    ) -> None:
        self.page = page
        self._gate = gate
        self.settings = settings
        self.routes = routes
        self._lock_view = lock_view
        self._loading_view = loading_view
        self._clock = clock
        self._tick_s = tick_s
        self._services: Services | None = None
        self.screen: Screen | None = None
        self._shown = ""
        self._history: list[str] = []
        self._last_touch = clock()
        self._idle_s = settings.idle_timeout_s
        self._saved_draft: dict[str, Any] | None = None
        self._closed = False
        self._state = SessionState()
        self._bridge: SyncBridge | None = None
        # A screen was drawn before the session's records were loaded: redraw it
        # once they are.
        self._awaiting_records = False
        self._stop_records: Callable[[], None] | None = None
        # Until the person picks a language, the session follows the device's.
        self._language_chosen = language is not None
        self.language = use_language(page, language)

    # -- start ---------------------------------------------------------------------

    def start(self) -> None:
        """Wire page events, show the first screen, start the idle clock."""
        apply_theme(self.page)
        self._show_language()
        self.page.on_locale_change = self._on_locale_change
        self.page.on_route_change = self._on_route_change
        self.page.on_view_pop = self._on_view_pop
        self.page.on_app_lifecycle_state_change = self._on_lifecycle
        self.page.on_disconnect = self._on_disconnect
        self.page.on_close = self._on_close
        self._watch_activity()
        # A deep link may only name a screen, never a record: parameters in the
        # first URL are not taken.
        self.render(path_of(self.page.route or "/"))
        if self._tick_s:
            self.page.run_task(self._ticker)
        if not self._language_chosen:
            self.page.run_task(self._follow_device_language)

    def _watch_activity(self) -> None:
        # Every event the client sends (tap, typing, scrolling...) is activity.
        session = self.page.session
        original = session.dispatch_event

        async def dispatch(control_id: int, name: str, data: Any) -> None:
            self.touch()
            await original(control_id, name, data)

        session.dispatch_event = dispatch  # type: ignore[assignment, method-assign]

    def use_language(self, language: Language) -> None:
        """Show this session (only this one) in ``language`` from now on; the
        device's language is no longer followed.

        Call it from one of this session's event handlers (a settings choice):
        text is looked up for the session whose event is being handled.
        """
        self._language_chosen = True
        self._switch_language(language)

    def _switch_language(self, language: Language) -> None:
        self.language = use_language(self.page, language)
        self._show_language()
        if self._services is not None:
            self._services.guidance.read_in(language.code)
        self.refresh()

    def _show_language(self) -> None:
        language = self.language
        self.page.title = t("app.title")
        self.page.rtl = language.rtl
        # Flutter's own words (date pickers, tooltips) and direction follow it.
        self.page.locale_configuration = ft.LocaleConfiguration(
            supported_locales=[ft.Locale(code) for code in LANGUAGE_CODES],
            current_locale=ft.Locale(language.code),
        )

    async def _follow_device_language(self) -> None:
        """Start in the device's (browser's) language when Parley speaks it."""
        try:
            info = await self.page.get_device_info()
        except Exception as error:  # an old client or no answer: stay as we are
            log.info("device language unknown (%s)", type(error).__name__)
            return
        if info is None:
            return
        tags = [_tag(locale) for locale in info.locales or []]
        tags += list(getattr(info, "languages", None) or [])
        self._follow(tags)

    def _on_locale_change(self, e: ft.LocaleChangeEvent) -> None:
        self._follow([_tag(locale) for locale in e.locales])

    def _follow(self, tags: list[str]) -> None:
        if self._closed or self._language_chosen:
            return
        found = best_match(tags)
        if found.code != self.language.code:
            self._switch_language(found)
            self.update()

    @property
    def languages(self) -> list[Language]:
        """Every language the person can pick."""
        return list(LANGUAGES.values())

    # -- Host ----------------------------------------------------------------------

    @property
    def gate(self) -> VaultGate:
        """The process-wide gate (the lock screens use it)."""
        return self._gate

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

    @property
    def state(self) -> SessionState:
        """This session's UI state; a fresh one after each lock."""
        return self._state

    @property
    def shown(self) -> str:
        """The location on display (while a screen is built: the one it replaces)."""
        return self._shown

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

    def update(self) -> None:
        """Send every pending change now."""
        self.page.update()

    def run_task(
        self, action: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any
    ) -> None:
        """Run a coroutine on this session's loop."""
        self.page.run_task(action, *args, **kwargs)

    def watch_sync(self, owner: object, watcher: Callable[[SyncStatus], None]) -> None:
        """Call ``watcher`` with new sync statuses while ``owner`` is on screen."""
        if self._bridge is not None:
            self._bridge.watch(owner, watcher)

    def opened(self, services: Services) -> None:
        """Called by the unlock screen: keep the services, go back to work."""
        self._services = services
        services.guidance.read_in(self.language.code)
        self._stop_records = services.on_records_changed(self._records_changed)
        if self._bridge is not None:
            self._bridge.detach()
        self._bridge = SyncBridge(
            self, services, refresh_s=30.0 if self._tick_s else None
        )
        self._idle_s = services.preferences.idle_timeout_s()
        self.touch()
        # The form on screen at the lock shows its own "restored" banner.
        draft = services.drafts.take_resume()
        where = draft.route if draft else self._shown
        if not where or path_of(where) == "/unlock":
            where = "/"
        self.go(where)

    def set_idle_timeout(self, seconds: int) -> None:
        """Apply a new auto-lock delay at once."""
        self._idle_s = seconds

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

    # -- navigation ----------------------------------------------------------------

    def go(self, route: str, **params: str) -> None:
        """Show a location now; the address bar and history get its path only."""
        path, known = split(route)
        where = location(path, {**known, **params})
        self._history = [*self._history, where][-_HISTORY:]
        self.render(where)
        self.page.navigate(path)

    def refresh(self) -> None:
        """Rebuild the current screen from the vault."""
        self.render(self._shown or "/", keep_draft=False)

    def show_lock(self) -> None:
        """Draw the lock screen again."""
        self.render("/unlock", keep_draft=False)

    def _on_route_change(self, e: ft.RouteChangeEvent) -> None:
        path = path_of(e.route or "/")
        if path != path_of(self._shown):
            self.render(self._recall(path))

    def _recall(self, path: str) -> str:
        """The browser went back (or forward) to ``path``: the location it left
        there, found in this session's own history (the URL holds no more)."""
        for index in range(len(self._history) - 2, -1, -1):
            if path_of(self._history[index]) == path:
                self._history = self._history[: index + 1]
                return self._history[index]
        return path

    async def _on_view_pop(self, e: ft.ViewPopEvent) -> None:
        screen = self.screen
        self.go(screen.parent_route if screen and screen.parent_route else "/")

    def render(self, where: str, *, keep_draft: bool = True) -> None:
        """Build the view of a location (or the lock screen when locked)."""
        if keep_draft:
            self.autosave()
        self._saved_draft = None
        if not self.unlocked:
            self.screen = None
            self._show([self._lock_view(self, "/unlock")], where)
            return
        found = self.routes.resolve(where)
        if found is None:  # an unknown screen, or one missing what it shows
            where, found = "/", self.routes.resolve("/")
        assert found is not None
        spec, params = found
        if spec.records and not self.records_ready:
            self.screen = None
            self._show([self._loading_view(self, spec.path)], where)
            return
        screen = spec.screen(self, params)
        screen.route, screen.tab = location(spec.path, params), spec.tab
        # One view at a time: Back is our own button (and the system back is
        # intercepted), because popping a stacked view costs Flet's web client
        # ~0.7 s, against ~0.2 s for refilling the view already on screen.
        screen.parent_route = self.routes.parent_of(spec, params)
        self.screen = screen
        self._show([screen.build()], screen.route)

    def _show(self, views: list[ft.View], where: str) -> None:
        self._shown = where
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

    # -- locking -------------------------------------------------------------------

    def touch(self) -> None:
        """Note user activity (resets the idle clock)."""
        self._last_touch = self._clock()

    def lock(self) -> None:
        """Keep the form as a draft, drop the keys, clear every decrypted view."""
        services, self._services = self._services, None
        if services is None:
            return
        screen, self.screen = self.screen, None
        self._state = SessionState()
        self._history = []
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
            if self._bridge is not None:
                self._bridge.detach()
                self._bridge = None
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
