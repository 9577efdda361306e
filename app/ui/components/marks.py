"""Limits shown before they bite, and a save's refusals put next to their fields.

A text field with a limit shows a counter once the text is near it, and says how
far over it is as soon as it is over (the text is kept: nothing is cut). When a
save is refused, :class:`Marks` puts each field's message under it, names the
limit for a text that is too long, and scrolls the first one into view.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import flet as ft

from app.ui.messages import field_error, formats, t

__all__ = [
    "NEAR",
    "Markable",
    "Marks",
    "Notice",
    "limit_message",
    "message_for",
    "watch_limit",
]

#: The counter shows from this share of the limit on.
NEAR = 0.8


@dataclass
class _Limit:
    """Kept in a limited field's ``data`` (never sent to the client)."""

    limit: int
    over: bool = False  # the field's error is the limit's message


class Markable(Protocol):
    """A chip group or a picker: shows a message under itself."""

    def set_error(self, message: str | None) -> None:
        """Show (or clear) the message."""
        ...


def limit_message(count: int, limit: int) -> str:
    """The message for a text of ``count`` characters over ``limit``."""
    fmt = formats()
    return t(
        "field.too_long_limit",
        limit=fmt.number(limit),
        count=fmt.number(count),
        over=fmt.number(count - limit),
    )


def _limit_of(target: ft.TextField | Markable) -> _Limit | None:
    found = getattr(target, "data", None)
    return found if isinstance(found, _Limit) else None


def _show_count(target: ft.TextField, watched: _Limit) -> None:
    count, limit = len(target.value or ""), watched.limit
    fmt = formats()
    target.counter = (
        t("field.counter", count=fmt.number(count), limit=fmt.number(limit))
        if count >= limit * NEAR
        else None
    )
    if count > limit:
        target.error = limit_message(count, limit)
        watched.over = True
    elif watched.over:
        target.error = None
        watched.over = False


def watch_limit(
    target: ft.TextField, limit: int, on_change: Callable[[Any], Any] | None
) -> None:
    """Give ``target`` a counter near ``limit`` and a message past it."""
    watched = _Limit(limit)
    target.data = watched

    def changed(e: Any) -> Any:
        _show_count(target, watched)
        return on_change(e) if on_change else None

    target.on_change = changed
    _show_count(target, watched)


class Notice:
    """A message about the whole form (not one field), shown where it is put."""

    def __init__(self, *, key: str = "") -> None:
        self.control = ft.Text(
            "",
            color=ft.Colors.ERROR,
            size=16,
            visible=False,
            key=ft.ScrollKey(key) if key else None,  # type: ignore[call-arg]
        )

    def set_error(self, message: str | None) -> None:
        """Show (or clear) the message."""
        self.control.value = message or ""
        self.control.visible = bool(message)


class Marks:
    """The fields of a form by the name the service reports errors under.

    ``fields`` maps a field name (``notes``, ``commitment_text:0``) to its text
    field or chip group, in reading order; ``scroll`` is called with the field
    name of the first message (the screen brings it into view).
    """

    def __init__(
        self,
        fields: Mapping[str, ft.TextField | Markable],
        *,
        scroll: Callable[[str], None] | None = None,
    ) -> None:
        self._fields = dict(fields)
        self._scroll = scroll

    def refresh(self) -> None:
        """Show the counters of texts put in by code (a record, a draft)."""
        for control in self._fields.values():
            watched = _limit_of(control)
            if isinstance(control, ft.TextField) and watched is not None:
                _show_count(control, watched)

    def clear(self) -> None:
        """Take every message away (before a new attempt)."""
        for control in self._fields.values():
            _mark(control, None)

    def summary(self, errors: Mapping[str, str]) -> str:
        """What the save's toast says: the first text field's message with its
        label (a limit is then named even while the field is off screen), or
        the general "marked in red"."""
        for name, control in self._fields.items():
            message = _message(control, errors.get(name))
            if message and isinstance(control, ft.TextField) and control.label:
                return t("field.summary", label=control.label, message=message)
        return t("contact.fix_errors")

    def show(self, errors: Mapping[str, str]) -> list[str]:
        """Put each message under its field; returns the marked names in order."""
        marked: list[str] = []
        for name, control in self._fields.items():
            code = errors.get(name)
            message = _message(control, code)
            _mark(control, message)
            if message:
                marked.append(name)
        if marked and self._scroll is not None:
            self._scroll(marked[0])
        return marked


def message_for(control: ft.TextField | Markable, code: str | None) -> str | None:
    """The message for ``code`` under ``control`` (naming its limit if it has one)."""
    return _message(control, code)


def _message(control: ft.TextField | Markable, code: str | None) -> str | None:
    if not code:
        return None
    watched = _limit_of(control)
    if code == "too_long" and isinstance(control, ft.TextField) and watched:
        return limit_message(len(control.value or ""), watched.limit)
    return field_error(code)


def _mark(control: ft.TextField | Markable, message: str | None) -> None:
    if isinstance(control, ft.TextField):
        control.error = message
        watched = _limit_of(control)
        if watched is not None and message is None:
            watched.over = False
            _show_count(control, watched)  # a text still too long keeps saying so
    else:
        control.set_error(message)
