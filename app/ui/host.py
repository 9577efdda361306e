"""What a screen may ask of the session that shows it: the narrow shell interface.

Screens and components are typed against :class:`Host`, never against the
concrete :class:`~app.ui.shell.Shell`, so a screen cannot reach the page, the
gate, the route table or another screen; and a test can drive one with a fake.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import flet as ft

from app.errors import AppError
from app.services import Services, SyncStatus, VaultGate
from app.ui.i18n.language import Language
from app.ui.state import SessionState

__all__ = ["Handler", "Host", "LockHost"]

Handler = Callable[[Any], Any]


class Host(Protocol):
    """The session as a screen sees it."""

    @property
    def services(self) -> Services:
        """The unlocked session's services (raises StoreLocked once locked)."""
        ...

    @property
    def state(self) -> SessionState:
        """This session's UI state (filters, the guide's trail...), dropped on lock."""
        ...

    @property
    def records_ready(self) -> bool:
        """True once the session's records are loaded; when False, the screen on
        display is redrawn by itself as soon as they are."""
        ...

    @property
    def language(self) -> Language:
        """The language this session is shown in."""
        ...

    @property
    def languages(self) -> list[Language]:
        """Every language the person can pick."""
        ...

    def use_language(self, language: Language) -> None:
        """Show this session (only this one) in ``language`` from now on."""
        ...

    @property
    def shown(self) -> str:
        """The location on display (while a screen is being built: the one it
        replaces)."""
        ...

    def go(self, route: str, **params: str) -> None:
        """Show a screen: a path (or a location) and what it shows (``id=...``).

        The parameters stay in the session; the address bar and the browser
        history get the path alone, so they never name a record.
        """
        ...

    def refresh(self) -> None:
        """Draw the current screen again from the services."""
        ...

    def toast(self, text: str) -> None:
        """A short message at the bottom of the screen."""
        ...

    def confirm(
        self, *, title: str, body: str, yes: str, on_yes: Callable[[], None]
    ) -> None:
        """Ask before something that cannot be taken back."""
        ...

    def show_dialog(self, dialog: ft.DialogControl) -> None:
        """Open a picker or dialog over the screen (a date picker...)."""
        ...

    def fail(self, error: AppError) -> None:
        """Show an error in plain words (locking first if the vault is gone)."""
        ...

    def lock(self) -> None:
        """Keep the form as a draft, drop the keys and every decrypted view."""
        ...

    def set_idle_timeout(self, seconds: int) -> None:
        """Apply a new auto-lock delay at once."""
        ...

    def on(self, handler: Handler) -> Handler:
        """Wrap an event handler: errors become messages, never tracebacks."""
        ...

    def guard(self, action: Callable[[], Any]) -> Callable[[], Any]:
        """Like :meth:`on` for a callback that takes no event."""
        ...

    def update(self) -> None:
        """Send every pending change of the screen now (rarely needed)."""
        ...

    def run_task(
        self, action: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any
    ) -> None:
        """Run a coroutine on the session's loop (scrolling, a delayed update)."""
        ...

    def watch_sync(self, owner: object, watcher: Callable[[SyncStatus], None]) -> None:
        """Call ``watcher`` with each new sync status while ``owner`` is on screen."""
        ...


class LockHost(Host, Protocol):
    """What the lock screens (create, unlock) need besides: the way in."""

    @property
    def gate(self) -> VaultGate:
        """The process-wide gate: create or unlock the vault."""
        ...

    def opened(self, services: Services) -> None:
        """A passphrase opened the vault: keep the services, go back to work."""
        ...

    def show_lock(self) -> None:
        """Draw the lock screen again (after a wipe, the first-run one)."""
        ...
