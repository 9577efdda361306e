"""Run the real UI in-process: Flet's Session over a fake client connection.

This is the seam Flet's own unit tests use (notes/flet.md §5). Messages are
msgpack-encoded as a real connection would, which mounts and indexes controls so
events can be dispatched to them. Private Flet API: flet is pinned exactly.

Used by the UI tests (``tests/ui``) and by ``python -m bench readmodel``, which
times screens through it.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import flet as ft
import msgpack
from flet.controls.base_control import BaseControl
from flet.controls.context import _context_page
from flet.messaging.connection import Connection
from flet.messaging.protocol import MessageAction, configure_encode_object_for_msgpack
from flet.messaging.session import Session
from flet.pubsub.pubsub_hub import PubSubHub

from app.ui.where import split

ENCODE = configure_encode_object_for_msgpack(BaseControl)  # type: ignore[no-untyped-call]
T = TypeVar("T")


class FakeClient(Connection):
    """Answers the client-side calls the app makes (push_route...).

    ``keep`` keeps every message sent (tests read them; a benchmark does not).
    """

    def __init__(self, *, keep: bool = True) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.pubsubhub = PubSubHub()
        self.keep = keep
        self.messages: list[Any] = []
        self.session: Session | None = None
        self.page_url = "http://127.0.0.1/"
        self.routes: list[str] = []

    def send_message(self, message: Any) -> None:
        msgpack.packb([message.action, message.body], default=ENCODE)
        if self.keep:
            self.messages.append(message)
        if message.action == MessageAction.INVOKE_METHOD:
            body = message.body
            if body.name == "push_route":
                self.routes.append((body.args or {}).get("route", ""))
            assert self.session is not None
            asyncio.get_running_loop().call_soon(
                self.session.handle_invoke_method_results,
                body.control_id,
                body.call_id,
                None,
                None,
            )


class Tab:
    """One browser tab: a session, its page, and helpers to poke at the UI."""

    def __init__(
        self, main: Callable[[ft.Page], None], route: str = "/", *, keep: bool = True
    ) -> None:
        self.conn = FakeClient(keep=keep)
        self.conn.loop = asyncio.get_running_loop()
        self.session = Session(self.conn)
        self.conn.session = self.session
        self.page = self.session.page
        _context_page.set(self.page)
        self.session.apply_page_patch(
            {
                "route": route,
                "web": True,
                "platform": "android",
                "width": 390,
                "height": 844,
            }
        )
        patch = self.session.get_page_patch()  # type: ignore[no-untyped-call]
        msgpack.packb(patch, default=ENCODE)
        main(self.page)

    # -- finding controls ----------------------------------------------------------

    def walk(self) -> Iterator[BaseControl]:
        """Every control of every view, depth first (dialogs too)."""
        roots: list[Any] = list(self.page.views)
        roots.extend(self.page._dialogs.controls)
        yield from _walk(roots)

    def top(self) -> Iterator[BaseControl]:
        """Controls of the top view only."""
        yield from _walk([self.page.views[-1]])

    def texts(self) -> list[str]:
        """Every Text value on the top view."""
        return [c.value for c in self.top() if isinstance(c, ft.Text) and c.value]

    def field(self, label: str) -> ft.TextField:
        """The text field labelled ``label`` on the top view."""
        return _one(
            c for c in self.top() if isinstance(c, ft.TextField) and c.label == label
        )

    def button(self, text: str) -> BaseControl:
        """A button (or labelled icon action) by its visible text or label."""

        def named(c: BaseControl) -> bool:
            if isinstance(c, ft.Semantics) and c.label == text:
                return True
            content = getattr(c, "content", None)
            return isinstance(
                c, ft.FilledButton | ft.OutlinedButton | ft.TextButton
            ) and (isinstance(content, ft.Text) and content.value == text)

        return _one(c for c in self.top() if named(c))

    def chip(self, text: str) -> ft.Chip:
        """A chip by its label."""
        return _one(
            c
            for c in self.top()
            if isinstance(c, ft.Chip)
            and isinstance(c.label, ft.Text)
            and c.label.value == text
        )

    def has_text(self, text: str) -> bool:
        """True when some Text on the top view contains ``text``."""
        return any(text in value for value in self.texts())

    # -- acting --------------------------------------------------------------------

    async def type(self, label: str, text: str) -> None:
        """Type into a field as the client does: value patch, then change event."""
        target = self.field(label)
        self.session.apply_patch(target._i, {"value": text})
        await self.session.dispatch_event(target._i, "change", text)

    async def type_nth(self, label: str, index: int, text: str) -> None:
        """Type into the ``index``-th field labelled ``label`` (labels may repeat)."""
        found = [
            c for c in self.top() if isinstance(c, ft.TextField) and c.label == label
        ]
        target = found[index]
        self.session.apply_patch(target._i, {"value": text})
        await self.session.dispatch_event(target._i, "change", text)

    async def tap(self, control: BaseControl) -> None:
        """Tap a button, chip, tile or labelled icon action."""
        if isinstance(control, ft.Chip):
            await self.session.dispatch_event(
                control._i, "select", not control.selected
            )
        elif isinstance(control, ft.Semantics):
            await self.session.dispatch_event(control._i, "tap", None)
        else:
            await self.session.dispatch_event(control._i, "click", None)
        await self.settle()

    async def nav(self, label: str) -> None:
        """Tap a bottom navigation destination."""
        bar = self.page.views[-1].navigation_bar
        assert isinstance(bar, ft.NavigationBar)
        labels = [d.label for d in bar.destinations]
        self.session.apply_patch(bar._i, {"selected_index": labels.index(label)})
        await self.session.dispatch_event(bar._i, "change", str(labels.index(label)))
        await self.settle()

    async def back(self) -> None:
        """The app bar's back arrow."""
        await self.press("Back")

    async def press(self, text: str) -> None:
        """Tap the button labelled ``text``."""
        await self.tap(self.button(text))

    async def pick(self, text: str) -> None:
        """Tap the chip labelled ``text``."""
        await self.tap(self.chip(text))

    async def open_row(self, text: str) -> None:
        """Tap the list row whose first line is ``text``."""
        rows = [
            c
            for c in self.top()
            if isinstance(c, ft.Container)
            and c.on_click is not None
            and any(isinstance(t, ft.Text) and t.value == text for t in _walk([c]))
        ]
        await self.tap(rows[0])

    async def lifecycle(self, state: str) -> None:
        """Send an app lifecycle change (hide, show, pause...)."""
        await self.session.dispatch_event(
            self.page._i, "app_lifecycle_state_change", {"state": state}
        )
        await self.settle()

    async def settle(self) -> None:
        """Let scheduled tasks (route pushes, worker threads) finish, and a screen
        drawn while the session's records were loading be drawn again."""
        for _ in range(3):
            await asyncio.sleep(0.01)
        shell = getattr(self.page.on_route_change, "__self__", None)
        for _ in range(1000):  # ten seconds at most, on a very busy machine
            if not getattr(shell, "_awaiting_records", False):
                break
            await asyncio.sleep(0.01)

    @property
    def route(self) -> str:
        """The route of the top view: a path, as the address bar shows it."""
        return str(self.page.views[-1].route)

    @property
    def location(self) -> str:
        """The session's location on display: the path and what it shows."""
        shell = self.page.on_route_change.__self__
        return str(shell.shown)

    @property
    def params(self) -> dict[str, str]:
        """What the screen on display shows (``id``...), kept out of the URL."""
        return split(self.location)[1]


def _walk(items: list[Any]) -> Iterator[BaseControl]:
    for item in items:
        if not isinstance(item, BaseControl):
            continue
        yield item
        for f in dataclasses.fields(item):
            if f.name.startswith("_") or f.name == "parent":
                continue
            value = getattr(item, f.name, None)
            if isinstance(value, BaseControl):
                yield from _walk([value])
            elif isinstance(value, list):
                yield from _walk(value)


def _one(found: Iterator[T]) -> T:
    items = list(found)
    assert len(items) >= 1, "control not found"
    return items[0]
