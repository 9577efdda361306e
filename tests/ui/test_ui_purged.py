"""Records purged by retention show as stubs, never with placeholder data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import flet as ft
import pytest
from harness import Tab, _walk

from app.errors import RecordNotFound
from app.services import ActorForm, ContactForm, Services

Unlocked = Callable[[], Awaitable[Tab]]


def shell_of(tab: Tab) -> Any:
    return tab.page.on_route_change.__self__  # type: ignore[union-attr]


def purge_everything_sealed(services: Services) -> None:
    """What retention does once the hub has acknowledged the records long enough."""
    store = services._store
    store.ack([rev.rev for rev in store.pending()])
    assert store.purge(e.record.id for e in store.entries()) == 2


def row_texts(tab: Tab) -> list[str]:
    """The text of each tappable record row on screen."""
    rows = [
        c for c in tab.top() if isinstance(c, ft.Container) and c.on_click is not None
    ]
    return [
        " ".join(t.value for t in _texts(row) if t.value)
        for row in rows
        if any(t.value for t in _texts(row))
    ]


def _texts(control: Any) -> list[ft.Text]:
    return [c for c in _walk([control]) if isinstance(c, ft.Text)]


async def test_purged_contact_and_log_are_stubs_in_lists_detail_and_actor_page(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    services: Services = shell_of(tab).services
    actor = services.actors.save(ActorForm(name="Hawks Brigade"))
    contact = services.contacts.save(
        ContactForm(on="2024-05-01", actor_id=actor, notes="SECRET meeting notes")
    )
    services.checkpoints.quick_save(
        outcome="turned_back", observed_at=dt.datetime.now(dt.UTC), actor_id=actor
    )
    purge_everything_sealed(services)
    shell_of(tab).go("/records")
    texts = "\n".join(row_texts(tab))
    assert "Contact: kept at the hub" in texts
    assert "Checkpoint log: kept at the hub" in texts
    assert texts.count("Kept at the hub") == 2, texts
    # Nothing from the stub's placeholder body: no 1970 date, no outcome, no kind.
    for placeholder in ("1970", "Passed", "Turned back", "Bilateral", "Draft"):
        assert placeholder not in texts, placeholder
    await tab.type("Search records", "SECRET")
    assert tab.has_text("No records match.")
    await tab.type("Search records", "")
    await tab.open_row("Contact: kept at the hub")
    assert tab.location == f"/record?id={contact}"
    assert tab.has_text("details were removed from this phone")
    for action in ("Edit", "Delete", "Show history"):
        with pytest.raises(AssertionError):
            tab.button(action)
    with pytest.raises(RecordNotFound):
        services.contacts.form(contact)
    shell_of(tab).go("/actor", id=str(actor))
    assert tab.has_text("No logs or contacts with this actor yet.")
    shell_of(tab).go("/")
    assert tab.has_text("Contact: kept at the hub")
    assert not tab.has_text("Drafts to complete")
