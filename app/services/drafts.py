"""Encrypted drafts of half-typed forms: kept across locks, restarts and errors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.store import Store

__all__ = ["Draft", "DraftService"]

_DRAFTS = "ui.drafts"
_RESUME = "ui.resume"


@dataclass(frozen=True, slots=True)
class Draft:
    """A form's typed values, the route that shows it, and when it was kept."""

    key: str
    route: str
    form: str
    values: dict[str, Any]
    saved_at: dt.datetime


class DraftService:
    """Drafts live in the vault's sealed settings table, never in plaintext."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def _all(self) -> dict[str, Any]:
        found = self._store.get_meta(_DRAFTS)
        return dict(found) if isinstance(found, dict) else {}

    def save(self, *, key: str, route: str, form: str, values: dict[str, Any]) -> None:
        """Keep (or replace) the draft ``key``."""
        drafts = self._all()
        drafts[key] = {
            "route": route,
            "form": form,
            "values": values,
            "at": dt.datetime.now(dt.UTC).isoformat(),
        }
        self._store.set_meta(_DRAFTS, drafts)

    def get(self, key: str) -> Draft | None:
        """The draft ``key``, or ``None``."""
        raw = self._all().get(key)
        return _draft(key, raw) if isinstance(raw, dict) else None

    def all(self) -> list[Draft]:
        """Every draft, newest first."""
        found = [_draft(k, v) for k, v in self._all().items() if isinstance(v, dict)]
        return sorted(found, key=lambda d: d.saved_at, reverse=True)

    def discard(self, key: str) -> None:
        """Forget the draft ``key`` (after a save, or when the user throws it away)."""
        drafts = self._all()
        if drafts.pop(key, None) is not None:
            self._store.set_meta(_DRAFTS, drafts or None)
        if self._store.get_meta(_RESUME) == key:
            self._store.set_meta(_RESUME, None)

    def mark_resume(self, key: str | None) -> None:
        """Remember which draft was on screen when the app locked."""
        self._store.set_meta(_RESUME, key)

    def take_resume(self) -> Draft | None:
        """The draft that was on screen at the last lock, once."""
        key = self._store.get_meta(_RESUME)
        if not isinstance(key, str):
            return None
        self._store.set_meta(_RESUME, None)
        return self.get(key)


def _draft(key: str, raw: dict[str, Any]) -> Draft:
    try:
        at = dt.datetime.fromisoformat(str(raw.get("at")))
    except ValueError:
        at = dt.datetime.now(dt.UTC)
    values = raw.get("values")
    return Draft(
        key=key,
        route=str(raw.get("route", "/")),
        form=str(raw.get("form", "")),
        values=dict(values) if isinstance(values, dict) else {},
        saved_at=at,
    )
