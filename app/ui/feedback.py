"""Feedback for one session: short messages, confirmations, and the error boundary."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

import flet as ft

from app.errors import AppError, StoreLocked
from app.ui.messages import describe, t

__all__ = ["Feedback"]

log = logging.getLogger("parley.ui")


class Feedback:
    """Mixed into :class:`~app.ui.shell.Shell`: needs ``page`` and ``lock()``."""

    page: ft.Page

    def lock(self) -> None:
        """Drop the keys (implemented by the shell)."""
        raise NotImplementedError

    # -- messages -------------------------------------------------------

    def toast(self, text: str) -> None:
        """A short message at the bottom of the screen.

        ``show_dialog`` updates only the dialog, which cancels the handler's final
        auto-update; so the whole page is sent here, or changes made earlier in the
        handler (errors next to fields...) would never reach the screen.
        """
        self.page.show_dialog(ft.SnackBar(ft.Text(text, size=16), duration=4000))
        self.page.update()

    def show_dialog(self, dialog: ft.DialogControl) -> None:
        """Open a picker or dialog over the screen (a date picker...)."""
        self.page.show_dialog(dialog)
        self.page.update()

    def fail(self, error: AppError) -> None:
        """Show an error in plain words (locking first if the vault is gone)."""
        if isinstance(error, StoreLocked):
            self.lock()
            return
        self.toast(describe(error))

    def confirm(
        self, *, title: str, body: str, yes: str, on_yes: Callable[[], None]
    ) -> None:
        """Ask before something that cannot be taken back."""

        def close(_: Any) -> None:
            self.page.pop_dialog()
            self.page.update()

        def accept(_: Any) -> None:
            self.page.pop_dialog()
            on_yes()
            self.page.update()

        self.page.show_dialog(
            ft.AlertDialog(
                modal=True,
                title=ft.Text(title),
                content=ft.Text(body, size=16),
                actions=[
                    ft.TextButton(
                        content=ft.Text(t("action.cancel")), on_click=close, height=48
                    ),
                    ft.FilledButton(
                        content=ft.Text(yes), on_click=self.on(accept), height=48
                    ),
                ],
            )
        )
        self.page.update()

    def on(self, handler: Callable[[Any], Any]) -> Callable[[Any], Any]:
        """Wrap an event handler: errors become messages, never tracebacks.

        A sync handler's return value is passed through (``None`` after an error).

        Exceptions other than :class:`AppError` are logged by type only (never
        with values) and shown as a generic message.
        """
        if inspect.iscoroutinefunction(handler):

            async def run_async(e: Any = None) -> None:
                try:
                    await handler(e)
                except AppError as err:
                    self.fail(err)
                except Exception as exc:  # the UI's error boundary
                    self._unexpected(exc)

            return run_async

        def run(e: Any = None) -> Any:
            try:
                return handler(e)
            except AppError as err:
                self.fail(err)
            except Exception as exc:  # the UI's error boundary
                self._unexpected(exc)
            return None

        return run

    def guard(self, action: Callable[[], Any]) -> Callable[[], Any]:
        """Like :meth:`on` for a callback that takes no event (chip changes...)."""
        wrapped = self.on(lambda _: action())
        return lambda: wrapped(None)

    def _unexpected(self, exc: Exception) -> None:
        log.error("unexpected %s in a handler", type(exc).__name__)
        self.toast(t("error.unexpected"))
